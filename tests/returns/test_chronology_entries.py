"""A chronology imported twice is not doubled, and its entries can be corrected or removed before sign-off."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cspr.accounts.models import User
from cspr.audit.models import AuditEvent
from cspr.kernel.acting import Acting
from cspr.partnerships.scoping import acting_for
from cspr.returns import services
from cspr.returns.models import AgencyReturn, ChronologyEntry, ReturnStatus
from tests.returns.support import POLICE, POLICE_ORGANISATION, demo_request

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
HEALTH = "contributor.health@example.org"
AT = datetime(2026, 11, 21, 10, tzinfo=LONDON)
FILE = b"date,event,source\n2026-03-01,Call-out to the address,Incident log\n31/03/2026,Welfare check,\n"


def _act(email: str) -> Acting:
    return acting_for(User.objects.get(email=email))


def _import(data: bytes, name: str = "chronology.csv") -> services.ImportReport:
    police = demo_request(POLICE_ORGANISATION)
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return services.chronology_import(acting=_act(POLICE), info_request=police, upload=upload, at=AT)


def _entries() -> list[tuple[date, str, str]]:
    draft = AgencyReturn.objects.get(request=demo_request(POLICE_ORGANISATION))
    return sorted((e.happened_on, e.unseal("event"), e.unseal("source")) for e in draft.entries.all())


def test_importing_the_same_file_again_adds_nothing_and_says_so(demo: Any) -> None:
    before = _entries()
    assert _import(FILE).added == 2
    with pytest.raises(services.ReturnActionRefused, match="already in the chronology"):
        _import(FILE)
    assert len(_entries()) == len(before) + 2


def test_an_overlapping_file_adds_only_the_new_rows_and_reports_the_others_by_row(demo: Any) -> None:
    _import(FILE)
    # Saved again by a spreadsheet: spacing and case differ; one new row.
    again = b"Date,Event,Source\n2026-03-01,  call-out to the address ,INCIDENT LOG\n2026-04-02,School report,Email\n"
    report = _import(again)
    assert report.added == 1
    assert report.already_there == (2,)
    event = AuditEvent.objects.filter(verb="returns.chronology_imported").latest("id")
    assert event.details["rows_already_there"] == [2]
    assert "School" not in str(event.details)


def test_the_import_page_lists_the_rows_already_there(demo: Any, client_as: Callable[[str], Client]) -> None:
    _import(FILE)
    police = demo_request(POLICE_ORGANISATION)
    client = client_as(POLICE)
    data = FILE + b"2026-05-05,New event,Log\n"
    response = client.post(
        reverse("returns:import", kwargs={"request_uuid": police.uuid}),
        {"file": SimpleUploadedFile("chronology.csv", data, content_type="text/csv")},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "1 entry added" in page
    assert "2 rows were already in the chronology" in page
    assert "rows 2, 3" in page


def test_a_contributor_changes_an_entry_and_it_is_audited(demo: Any, client_as: Callable[[str], Client]) -> None:
    _import(FILE)
    police = demo_request(POLICE_ORGANISATION)
    entry = ChronologyEntry.objects.filter(agency_return__request=police).latest("id")
    url = reverse("returns:entry-change", kwargs={"request_uuid": police.uuid, "entry_id": entry.pk})
    client = client_as(POLICE)
    page = html.unescape(client.get(url).content.decode())
    assert "Change a chronology entry" in page
    assert "Welfare check" in page  # the current text, to correct
    response = client.post(
        url,
        {
            "happened_on-day": "30",
            "happened_on-month": "3",
            "happened_on-year": "2026",
            "event": "Welfare check by two officers",
            "source": "Incident log 42",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.happened_on, entry.unseal("event"), entry.unseal("source")) == (
        date(2026, 3, 30),
        "Welfare check by two officers",
        "Incident log 42",
    )
    audit = AuditEvent.objects.get(verb="returns.chronology_entry_changed")
    assert "Welfare" not in str(audit.details)


def test_a_change_with_errors_keeps_what_was_typed(demo: Any, client_as: Callable[[str], Client]) -> None:
    _import(FILE)
    police = demo_request(POLICE_ORGANISATION)
    entry = ChronologyEntry.objects.filter(agency_return__request=police).latest("id")
    url = reverse("returns:entry-change", kwargs={"request_uuid": police.uuid, "entry_id": entry.pk})
    typed = "A long note about what happened"
    response = client_as(POLICE).post(
        url, {"happened_on-day": "31", "happened_on-month": "2", "happened_on-year": "2026", "event": typed}
    )
    assert response.status_code == 400
    assert typed in html.unescape(response.content.decode())
    entry.refresh_from_db()
    assert entry.unseal("event") == "Welfare check"


def test_entries_of_a_submitted_version_or_another_organisation_cannot_be_changed(
    demo: Any, client_as: Callable[[str], Client]
) -> None:
    health = demo_request()  # submitted by health in the demo
    submitted = AgencyReturn.objects.get(request=health, status=ReturnStatus.SUBMITTED)
    entry = submitted.entries.first()
    assert entry is not None
    url = reverse("returns:entry-change", kwargs={"request_uuid": health.uuid, "entry_id": entry.pk})
    assert client_as(HEALTH).get(url).status_code == 404
    assert client_as(POLICE).get(url).status_code == 404  # not the police's request
    with pytest.raises(services.ReturnActionRefused):
        services.chronology_entry_change(
            acting=_act(HEALTH), info_request=health, entry_id=entry.pk, happened_on=date(2026, 1, 1), event="Edited"
        )
    entry.refresh_from_db()
    assert entry.unseal("event") != "Edited"
