"""Helpers for the "Report a serious incident" form tests: answers for every page, and walking the pages."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from cspr.cases.models_drafts import NotificationDraft

# Invented, obviously fictional identifying details: the tests look for them where they must never appear.
CHILD_A_NAME = "Juniper Quillfeatherby"
CHILD_B_NAME = "Rowan Quillfeatherby"
MOTHER_NAME = "Marigold Quillfeatherby"
CHILD_ADDRESS = "7 Imaginary Crescent, Northvale NV9 9ZZ"
CHILD_NHS = "943 476 5919"
SURNAME = "Quillfeatherby"

NOTIFY = "/cases/notify/"


def today() -> date:
    return timezone.localdate()


def date_parts(name: str, value: date) -> dict[str, str]:
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def incident_day() -> date:
    return today() - timedelta(days=4)


def aware_day() -> date:
    return today() - timedelta(days=3)


def page_answers(*, as_referral: bool = False) -> dict[str, dict[str, Any]]:
    """A valid answer to every question page, by page."""
    aware = (
        {"la_knows": "yes", **date_parts("la_aware_on", aware_day())}
        if as_referral
        else date_parts("la_aware_on", aware_day())
    )
    return {
        "about-you": {
            "notifier_name": "Nadia Fenwick",
            "notifier_role": "Head of safeguarding",
            "notifier_phone": "01632 960 001",
            "notifier_email": "notifier@example.org",
        },
        "aware": aware,
        "incident": {
            **date_parts("incident_on", incident_day()),
            "incident_time": "21:15",
            "incident_place": "The family home",
            "location": "in_area",
        },
        "nature": {"nature": "serious_harm"},
        "abuse-or-neglect": {
            "abuse_or_neglect": "yes",
            "what_is_known": "Injuries inconsistent with the account given.",
        },
        "serious-harm": {"serious_harm_description": "A head injury needing intensive care."},
        "other-area": {"lives_elsewhere": "no"},
        "agencies": {"agencies": ["Northvale Integrated Care Board (demo)"], "other_agencies": "A private nursery"},
        "parallel-processes": {"processes": ["police investigation"], "other_processes": ""},
        "outline": {"case_outline": "Known to health visiting; no social care involvement before the incident."},
        "media": {"media_interest": "no"},
    }


def child_a(**changes: Any) -> dict[str, Any]:
    data = {
        "name": CHILD_A_NAME,
        "other_names": "June",
        **date_parts("date_of_birth", date(2019, 3, 14)),
        "sex": "female",
        "ethnicity": "White British",
        "disability": "no",
        "address": CHILD_ADDRESS,
        "area": "Northvale",
        "nhs_number": CHILD_NHS,
        "legal_status": ["child_protection_plan"],
    }
    data.update(changes)
    return data


def child_b(**changes: Any) -> dict[str, Any]:
    data = {"name": CHILD_B_NAME, **date_parts("date_of_birth", date(2021, 8, 2)), "sex": "male"}
    data.update(changes)
    return data


def mother() -> dict[str, Any]:
    return {
        "name": MOTHER_NAME,
        "relationship": "mother",
        **date_parts("date_of_birth", date(1990, 1, 30)),
        "address": CHILD_ADDRESS,
    }


def start_draft(client: Client) -> str:
    """Press "Start now"; the new draft's uuid."""
    response = client.post(f"{NOTIFY}new/")
    assert response.status_code == 302, response.status_code
    match = re.search(r"/drafts/([0-9a-f-]{36})/about-you/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def page_url(draft: str, step: str) -> str:
    return f"{NOTIFY}drafts/{draft}/{step}/"


def save(
    client: Client, draft: str, step: str, data: dict[str, Any], *, action: str = "continue", query: str = ""
) -> Any:
    return client.post(page_url(draft, step) + query, {**data, "action": action})


def add_item(client: Client, draft: str, kind: str, data: dict[str, Any]) -> Any:
    return client.post(f"{NOTIFY}drafts/{draft}/{kind}/add/", {**data, "action": "continue"})


def item_keys(draft: str, kind: str) -> list[str]:
    return [item["key"] for item in NotificationDraft.objects.get(uuid=uuid.UUID(draft)).answers.get(kind, [])]


def answer_everything(client: Client, draft: str, *, as_referral: bool = False, children: int = 2) -> None:
    """Every page answered validly (children A and B, the mother), ready for "Check your answers"."""
    answers = page_answers(as_referral=as_referral)
    for step in ("about-you", "aware", "incident", "nature", "abuse-or-neglect", "serious-harm"):
        response = save(client, draft, step, answers[step])
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    for data in (child_a(), child_b())[:children]:
        assert add_item(client, draft, "children", data).status_code == 302
    assert save(client, draft, "children", {"add_another": "no"}).status_code == 302
    assert add_item(client, draft, "household", mother()).status_code == 302
    assert save(client, draft, "household", {"add_another": "no"}).status_code == 302
    for step in ("other-area", "agencies", "parallel-processes", "outline", "media"):
        response = save(client, draft, step, answers[step])
        assert response.status_code == 302, (step, response.content.decode()[:3000])


def error_messages(response: Any) -> list[str]:
    """The error summary's messages on a page."""
    page = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    if not summary:
        return []
    links = re.findall(r"<a [^>]*>(.*?)</a>", summary.group(0), re.S)
    return [html.unescape(re.sub(r"\s+", " ", text).strip()) for text in links]


# -- the URL policy test (tests/core/test_url_policy.py) ------------------------------------------------------------

NOTIFY_POST_ONLY = frozenset({"notify:new", "notify:document-remove"})
_DRAFT_PAGES = frozenset(
    {
        "notify:resume",
        "notify:delete",
        "notify:check",
        "notify:page",
        "notify:child-add",
        "notify:child",
        "notify:child-remove",
        "notify:member-add",
        "notify:member",
        "notify:member-remove",
        "notify:document-remove",
    }
)


def notify_url_kwargs(name: str, client: Client, partnership: Any) -> dict[str, Any]:
    """A draft owned by whoever the client is signed in as (anybody else's draft is "not found")."""
    from cspr.accounts.models import User
    from cspr.cases.drafts import draft_create
    from cspr.partnerships.scoping import acting_for

    if name == "notify:submitted":
        return {"reference": f"{partnership.code}-2026-999"}
    if name not in _DRAFT_PAGES:
        return {}
    user_id = client.session.get("_auth_user_id")
    owner = User.objects.get(pk=user_id) if user_id else User.objects.get(email="notifier@example.org")
    answers = {
        "children": [{"key": "c" * 32, "data": {"name": ["A child"]}}],
        "household": [{"key": "h" * 32, "data": {"name": ["A parent"]}}],
        "documents": [
            {"key": "d" * 32, "title": "A note", "filename": "a.txt", "content_type": "text/plain", "size": 1}
        ],
    }
    draft = draft_create(acting=acting_for(owner), partnership=partnership, answers=answers, current_step="about-you")
    kwargs: dict[str, Any] = {"draft": draft.uuid}
    if name == "notify:page":
        kwargs["step"] = "about-you"
    elif name in {"notify:child", "notify:child-remove"}:
        kwargs["key"] = "c" * 32
    elif name in {"notify:member", "notify:member-remove"}:
        kwargs["key"] = "h" * 32
    elif name == "notify:document-remove":
        kwargs["key"] = "d" * 32
    return kwargs
