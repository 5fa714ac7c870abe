"""``manage.py check`` catches a mail backend that cannot work before the worker starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from cspr.messaging.backends import BACKENDS, NOTIFY_NOT_CONFIGURED, UNKNOWN_BACKEND


@register()
def mail_backend_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    name = getattr(settings, "CSPR_MAIL_BACKEND", "smtp")
    if name not in BACKENDS and "." not in name:
        return [Error(UNKNOWN_BACKEND.format(name=name), id="messaging.E001")]
    if name == "notify" and not (
        getattr(settings, "CSPR_NOTIFY_API_KEY", "") and getattr(settings, "CSPR_NOTIFY_TEMPLATE_ID", "")
    ):
        return [Error(NOTIFY_NOT_CONFIGURED, id="messaging.E002")]
    return []
