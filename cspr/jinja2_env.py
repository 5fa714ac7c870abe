"""The Jinja2 environment: our templates, the GOV.UK Frontend macros, and a few helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from cspr.core.forms import error_summary_items, field_components, govuk_date, govuk_field
from cspr.domain.text import counted, in_sentence
from cspr.kernel.documents import file_kind_words
from cspr.web.navigation import navigation, switcher_partnerships


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def first_upper(text: str) -> str:
    """Capitalise the first letter only (Jinja's ``capitalize`` lowercases the rest, e.g. "Panel")."""
    return text[:1].upper() + text[1:]


def pounds(amount: Decimal | int | str) -> str:
    """An amount of money as the partnership's papers write it: "£5,200.50", "£6,500.00"."""
    return f"£{Decimal(amount):,.2f}"


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)  # noqa: S701 - autoescape is set in TEMPLATES options
    env.globals.update(
        {
            "static": static,
            "url": url,
            "csrf_token": get_token,
            "get_messages": messages.get_messages,
            "service_name": settings.SERVICE_NAME,
            "demo_mode": settings.DEMO_MODE,
            "govuk_field": govuk_field,
            "field_components": field_components,
            "error_summary_items": error_summary_items,
            "navigation": navigation,
            "switcher_partnerships": switcher_partnerships,
            "counted": counted,
        }
    )
    env.filters["govuk_date"] = govuk_date
    env.filters["first_upper"] = first_upper
    env.filters["in_sentence"] = in_sentence
    env.filters["file_kind"] = file_kind_words
    env.filters["pounds"] = pounds
    return env
