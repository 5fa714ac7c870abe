"""Helpers for the returns tests and the URL policy test's objects for the returns pages."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cspr.accounts.models import User
from cspr.cases.models import Case
from cspr.core.policy import RETURN_CONTRIBUTORS
from cspr.files.models import Purpose
from cspr.files.services import stored_file_create
from cspr.partnerships.models import Membership
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import ChronologyEntry, InformationRequest, ReturnAttachment, ReturnStatus

RETURNS_POST_ONLY = frozenset(
    {
        "returns:chase",
        "returns:clock-close",
        "returns:entry-remove",
        "returns:attachment-remove",
        "returns:sign-off-request",
    }
)
DEMO_CASE = "NVALE-2026-003"
HEALTH_ORGANISATION = "Northvale Integrated Care Board (demo)"
POLICE_ORGANISATION = "Vale and Moor Police (demo)"
POLICE = "police.lead@example.org"  # the police's designated lead for returns


def demo_request(organisation_name: str = HEALTH_ORGANISATION) -> InformationRequest:
    return InformationRequest.objects.select_related("case", "organisation").get(
        case__reference=DEMO_CASE, organisation__name=organisation_name
    )


def csv_chronology(rows: list[list[str]]) -> SimpleUploadedFile:
    """A chronology as a CSV file of these rows (the header first), as an agency uploads it."""
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile("chronology.csv", text.getvalue().encode(), content_type="text/csv")


def police_csv_import(rows: list[list[str]], *, at: datetime) -> services.ImportReport:
    """The police's lead imports these chronology rows, under the header row, as a CSV file into the police's
    request on the demo case."""
    return services.chronology_import(
        acting=acting_for(User.objects.get(email=POLICE)),
        info_request=demo_request(POLICE_ORGANISATION),
        upload=csv_chronology([["date", "event", "source"], *rows]),
        at=at,
    )


def attachment_on(info_request: InformationRequest, *, title: str = "Policy test file") -> ReturnAttachment:
    """A file on the request's latest version, kept by the file store (also onto a submitted version)."""
    agency_return = info_request.returns.order_by("-version").first()
    assert agency_return is not None
    stored_file = stored_file_create(
        acting=acting_for(User.objects.get(email="business.unit@example.org")),
        partnership=info_request.partnership,
        upload=SimpleUploadedFile("note.txt", b"A test note.", content_type="text/plain"),
        purpose=Purpose.RETURN_ATTACHMENT,
        title=title,
    )
    return ReturnAttachment.objects.create(uuid=stored_file.uuid, agency_return=agency_return, stored_file=stored_file)


def returns_url_kwargs(name: str, client: Client, northvale: Any) -> dict[str, Any]:
    """Objects the signed-in person may act on: their own organisation's request on the demo case for contributor
    pages (the health request, submitted, for the business unit's pages)."""
    if name in {"returns:inbox", "returns:leads"}:
        return {}
    case = Case.objects.get(partnership=northvale, reference=DEMO_CASE)
    health = demo_request()
    if name in {
        "returns:board",
        "returns:send",
        "returns:clock-close",
        "returns:chronology",
        "returns:chronology-docx",
    }:
        return {"reference": case.reference}
    if name in {"returns:return", "returns:return-docx", "returns:chase", "returns:not-involved"}:
        return {"reference": case.reference, "request_uuid": health.uuid}
    if name == "returns:case-attachment":
        return {
            "reference": case.reference,
            "request_uuid": health.uuid,
            "attachment_uuid": attachment_on(health).uuid,
        }
    user_id = client.session.get("_auth_user_id")
    membership = (
        Membership.objects.filter(
            user_id=user_id, partnership=northvale, role__in=[role.value for role in RETURN_CONTRIBUTORS]
        ).first()
        if user_id
        else None
    )
    own = (
        InformationRequest.objects.filter(case=case, organisation=membership.organisation).first()
        if membership is not None and membership.organisation is not None
        else None
    )
    info_request = own or health
    kwargs: dict[str, Any] = {"request_uuid": info_request.uuid}
    if name == "returns:entry-change":
        # An entry of the person's own draft where they may write one; otherwise an id that exists nowhere.
        from cspr.returns.services import ReturnActionRefused, chronology_entry_add, return_revise

        kwargs["entry_id"] = 999999
        if user_id:
            person = acting_for(User.objects.get(pk=int(str(user_id))))
            try:
                if submitted(info_request):  # a submitted return is changed through a new version
                    return_revise(acting=person, info_request=info_request, reason="URL policy test")
                entry = chronology_entry_add(
                    acting=person,
                    info_request=info_request,
                    happened_on=timezone.localdate(),
                    event="A policy test entry",
                )
            except ReturnActionRefused:
                pass
            else:
                kwargs["entry_id"] = entry.pk
        return kwargs
    # Ids of objects on the person's own request: an id from elsewhere is a refusal (404), not the page's answer.
    if name in {"returns:entry-remove", "returns:attachment-remove", "returns:attachment"} and own is not None:
        from cspr.returns.services import chronology_entry_add, return_save

        person = acting_for(User.objects.get(pk=int(str(user_id))))
        if name == "returns:entry-remove":
            # One already on a (submitted) version of the request, or a new one on its draft.
            entry = ChronologyEntry.objects.filter(agency_return__request=info_request).first() or chronology_entry_add(
                acting=person,
                info_request=info_request,
                happened_on=date(2026, 1, 5),
                event="A policy test entry.",
            )
            kwargs["entry_id"] = entry.pk
            return kwargs
        if not info_request.returns.exists():
            return_save(acting=person, info_request=info_request, values={"services": "x"})
        kwargs["attachment_uuid"] = attachment_on(info_request).uuid
        return kwargs
    if name == "returns:entry-remove":
        kwargs["entry_id"] = 999999
    if name in {"returns:attachment-remove", "returns:attachment"}:
        kwargs["attachment_uuid"] = uuid.uuid4()
    return kwargs


def submitted(info_request: InformationRequest) -> bool:
    return info_request.returns.filter(status=ReturnStatus.SUBMITTED).exists()
