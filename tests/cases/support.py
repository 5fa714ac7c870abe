"""Helpers for case tests: scanning the raw database and everything the service sends or records."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, CaseLink
from cspr.cases.notification import ChildData, NotificationData
from cspr.cases.services import document_attach, parallel_process_add
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.scoping import acting_for

NOTIFIER = "notifier@example.org"
"""The demo local authority's notifier: the person who reports a serious incident."""


def unidentified_child_notification(notifier_name: str, case_outline: str, **changes: Any) -> NotificationData:
    """A notification with little more than the form needs: one child not yet identified, whose injuries are not
    explained, made by the Northvale notifier in November 2026 (``changes`` says what else it holds)."""
    data = NotificationData(
        notifier_name=notifier_name,
        notifier_role="Notifier",
        notifier_phone="01234 567890",
        notifier_email="notifier@example.org",
        la_aware_on=date(2026, 11, 2),
        incident_on=date(2026, 11, 1),
        children=(ChildData(name="", not_yet_identified=True),),
        what_is_known="Injuries not explained.",
        serious_harm_description="A serious injury.",
        case_outline=case_outline,
    )
    return dataclasses.replace(data, **changes)


def raw_database_text() -> str:
    """Every cell of every table, read with a plain cursor (what a copy of the database file would reveal)."""
    quote = connection.ops.quote_name
    cells: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def found_in(text: str, values: Iterable[str]) -> list[str]:
    folded = text.casefold()
    return [value for value in values if value.casefold() in folded]


def outbox_and_audit_text() -> str:
    parts: list[Any] = []
    for message in OutboundMessage.objects.all():
        parts.extend([message.to, message.subject, message.body, message.html_body])
    for event in AuditEvent.objects.all():
        parts.extend([event.verb, event.object_type, event.object_id, str(event.details)])
    return "\n".join(str(part) for part in parts)


# -- the URL policy test's objects for the case pages ------------------------------------------------------------------

CASE_PAGES = frozenset(
    {
        "cases:detail",
        "cases:record",
        "cases:history",
        "cases:documents",
        "cases:identifying-details",
        "cases:la-decision",
        "cases:route",
        "cases:discretionary-review",
        "cases:duty",
        "cases:extension",
        "cases:document-upload",
        "cases:document-download",
        "cases:link",
        "cases:duplicate-dismiss",
        "cases:processes",
        "cases:process-add",
        "cases:process-change",
        "cases:process-liaison",
        "cases:family-told",
        "cases:family-not-yet-told",
    }
)
CASE_POST_ONLY = frozenset({"cases:duplicate-dismiss"})


def case_url_kwargs(name: str, northvale: Any) -> dict[str, Any]:
    """A demo case every role allowed on the page may act on.

    NVALE-2026-005 (a fresh notification with health involved, no LA decision yet) for most pages;
    NVALE-2026-001 (not notifiable) for the discretionary review and telling the family (there is a decision to tell).
    """
    fresh = Case.objects.get(partnership=northvale, reference="NVALE-2026-005")
    if name in {"cases:discretionary-review", "cases:family-told", "cases:family-not-yet-told"}:
        return {"reference": "NVALE-2026-001"}
    if name == "cases:route":
        return {"reference": fresh.reference, "transition": "withdraw"}
    if name == "cases:extension":
        return {"reference": fresh.reference, "clock_id": "prg_meeting"}
    if name == "cases:document-download":
        document = document_attach(
            acting=acting_for(User.objects.get(email="business.unit@example.org")),
            case=fresh,
            upload=SimpleUploadedFile("note.txt", b"Policy test note.", content_type="text/plain"),
            title="Policy test note",
        )
        return {"reference": fresh.reference, "document_uuid": document.uuid}
    if name == "cases:duplicate-dismiss":
        other = Case.objects.get(partnership=northvale, reference="NVALE-2026-003")
        link = CaseLink.objects.create(
            case=fresh, kind=CaseLink.Kind.POSSIBLE_DUPLICATE, other_case=other, created_at=timezone.now()
        )
        return {"reference": fresh.reference, "link_id": link.id}
    if name in {"cases:process-change", "cases:process-liaison"}:
        process = parallel_process_add(
            acting=acting_for(User.objects.get(email="business.unit@example.org")),
            case=fresh,
            kind="criminal_investigation",
            status="active",
        )
        return {"reference": fresh.reference, "process_id": process.pk}
    return {"reference": fresh.reference}
