"""The rapid review pages, through signed-in clients with real roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.rapid_reviews.models import RapidReview
from cspr.rapid_reviews.services import NOT_PRG_DECIDED
from cspr.rapid_reviews.wordfile import CONTENT_TYPE
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    EXEC_LA,
    MEMBER,
    REFERENCE,
    SECRET_TEXT,
    at,
    complete_record,
    hold,
    meeting_form,
    paper,
    schedule,
    the_case,
    to_prg_decided,
)
from tests.support import ClientAs

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(at(26, 9), tick=False)]


def url(name: str, **kwargs: object) -> str:
    return reverse(f"rapid_reviews:{name}", kwargs={"reference": REFERENCE, **kwargs})


def test_the_overview_shows_the_task_list_and_what_this_person_can_do(demo: dict, client_as: ClientAs) -> None:
    response = client_as(MEMBER).get(url("overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Immediate safeguarding arrangements" in html
    assert "Not started" in html
    assert "Complete the rapid review record" in html


def test_the_overview_says_where_each_deadline_stands_and_when_one_is_overdue(demo: dict, client_as: ClientAs) -> None:
    html = unescape(client_as(MEMBER).get(url("overview")).content.decode())
    assert "PRG meeting" in html
    assert "Due soon" in html  # 26 November: the meeting is due on the 27th
    with time_machine.travel(at(1, 9, month=12), tick=False):
        html = unescape(client_as(MEMBER).get(url("overview")).content.decode())
    assert "Overdue" in html
    assert "2 working days overdue" in html


def test_another_partnerships_business_unit_gets_not_found(demo: dict, client_as: ClientAs) -> None:
    outsider = "southmoor.business.unit@example.org"
    response = client_as(outsider).get(url("overview"))
    assert response.status_code == 404
    assert "Immediate safeguarding arrangements" not in response.content.decode()
    [refusal] = AuditEvent.objects.filter(verb="access.refused", actor__email=outsider)
    assert refusal.details["path"] == url("overview")


@pytest.mark.parametrize("email", ["police.lead@example.org", "notifier@example.org", "auditor@example.org"])
def test_roles_without_a_part_in_the_rapid_review_are_refused(demo: dict, client_as: ClientAs, email: str) -> None:
    assert client_as(email).get(url("overview")).status_code in (403, 404)


def test_saving_a_section_keeps_the_draft_and_returns_to_the_task_list(demo: dict, client_as: ClientAs) -> None:
    client = client_as(MEMBER)
    response = client.post(url("section", section="facts"), {"facts_summary": "A summary that is too short."})
    assert response.status_code == 302
    assert RapidReview.objects.get(case=the_case()).unseal("facts_summary") == "A summary that is too short."
    html = client.get(url("overview")).content.decode()
    assert "In progress" in html


def test_nothing_typed_is_lost_when_a_section_has_an_error(demo: dict, client_as: ClientAs) -> None:
    typed = "Grounds that were carefully typed in."
    response = client_as(MEMBER).post(
        url("section", section="decisions"), {"local_grounds": typed, "further_learning": "bad\x00text"}
    )
    assert response.status_code == 400
    assert typed in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_actions_can_be_added_a_row_at_a_time(demo: dict, client_as: ClientAs) -> None:
    client = client_as(MEMBER)
    response = client.post(
        url("section", section="learning"),
        {
            "immediate_learning": "Early learning about missed appointments.",
            "action_1_what": "Brief GPs on the neglect toolkit.",
            "action_1_owner": "",
            "action_1_due-day": "31",
            "action_1_due-month": "1",
            "action_1_due-year": "2027",
            "action_2_what": "",
            "add_action": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("section", section="learning")
    review = RapidReview.objects.get(case=the_case())
    assert [(action.unseal("what"), action.due_on) for action in review.actions.all()] == [
        ("Brief GPs on the neglect toolkit.", date(2027, 1, 31))
    ]


def test_the_check_blocks_sending_until_the_record_is_complete(demo: dict, client_as: ClientAs) -> None:
    html = client_as(CHAIR).get(url("check")).content.decode()
    assert "Send to the Executive" in html
    assert "You can send it once the meeting is held and every item is complete." in html
    refused = client_as(CHAIR).post(url("check"), {"late_reason": ""})
    assert refused.status_code == 400
    assert the_case().stage == "rapid_review"


def test_the_prg_chair_sends_the_complete_rapid_review_to_the_executive(demo: dict, client_as: ClientAs) -> None:
    case = the_case()
    schedule(case)
    hold(case)
    complete_record(case)
    response = client_as(CHAIR).post(url("check"), {"late_reason": ""})
    assert response.status_code == 302
    assert the_case().stage == "prg_decided"


def test_a_prg_member_cannot_send_to_the_executive(demo: dict, client_as: ClientAs) -> None:
    assert client_as(MEMBER).post(url("check"), {"late_reason": ""}).status_code == 404


def test_papers_are_for_the_prg_only(demo: dict, client_as: ClientAs) -> None:
    case = the_case()
    schedule(case)
    kept = paper(case)
    response = client_as(MEMBER).get(url("paper-download", paper_uuid=kept.uuid))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Agenda for the PRG."  # type: ignore[attr-defined]
    assert client_as(EXEC_LA).get(url("paper-download", paper_uuid=kept.uuid)).status_code == 403


def test_the_word_document_downloads_without_identifying_details(demo: dict, client_as: ClientAs) -> None:
    response = client_as(EXEC_LA).get(url("document"))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert "pseudonymised" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(verb="rapid_review.document_opened").exists()


def test_the_copy_with_identifying_details_asks_why_first(demo: dict, client_as: ClientAs) -> None:
    client = client_as(BU)
    assert client.get(url("document-identifying")).status_code == 200
    assert client.post(url("document-identifying"), {"purpose": ""}).status_code == 400
    response = client.post(url("document-identifying"), {"purpose": "notify_national", "purpose_other": ""})
    assert response.status_code == 200
    assert "with-identifying-details" in response["Content-Disposition"]


def test_the_print_view_is_marked_and_names_no_child(demo: dict, client_as: ClientAs) -> None:
    complete_record(the_case())
    html = client_as(CHAIR).get(url("print")).content.decode()
    assert "OFFICIAL-SENSITIVE" in html
    assert "1. Immediate safeguarding arrangements" in html
    assert SECRET_TEXT not in html


def test_signing_off_and_ratifying_through_the_pages(demo: dict, client_as: ClientAs) -> None:
    to_prg_decided(the_case())
    for email in (EXEC_LA, "executive.health@example.org", "executive.police@example.org"):
        client = client_as(email)
        page = client.get(url("sign-off"))
        assert page.status_code == 200
        organisation = page.content.decode().split('name="organisation" type="radio" value="')[1].split('"')[0]
        response = client.post(
            url("sign-off"),
            {
                "organisation": organisation,
                "agrees": "yes",
                "rationale": "",
                "signed_on-day": "26",
                "signed_on-month": "11",
                "signed_on-year": "2026",
            },
        )
        assert response.status_code == 302, response.content.decode()
    response = client_as(EXEC_LA).post(
        url("ratify"),
        {"ratified_on-day": "26", "ratified_on-month": "11", "ratified_on-year": "2026", "late_reason": ""},
    )
    assert response.status_code == 302
    assert the_case().stage == "executive_ratified"


def test_a_step_not_possible_yet_sends_the_person_back_with_the_reason(demo: dict, client_as: ClientAs) -> None:
    response = client_as(EXEC_LA).get(url("ratify"), follow=True)
    assert response.redirect_chain[-1][0] == url("overview")
    assert NOT_PRG_DECIDED in unescape(response.content.decode())


def test_the_case_page_shows_the_rapid_review_panel(demo: dict, client_as: ClientAs) -> None:
    html = client_as(CHAIR).get(reverse("cases:detail", kwargs={"reference": REFERENCE})).content.decode()
    assert 'id="rapid-review"' in html
    assert "Record that the PRG meeting was held" in html  # the demo has the meeting scheduled


def test_the_overview_query_count_stays_flat_as_actions_grow(
    demo: dict, client_as: ClientAs, django_assert_max_num_queries: Callable
) -> None:
    from cspr.rapid_reviews import services
    from tests.rapid_reviews.support import partners, save

    case = the_case()
    complete_record(case)
    client = client_as(CHAIR)
    client.get(url("overview"))
    owner = partners(case)[0].pk
    with django_assert_max_num_queries(60) as few:
        client.get(url("overview"))
    save(case, "learning", {"actions": [services.ActionInput(f"Action {n} to share.", owner, None) for n in range(30)]})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("overview"))


def test_a_meeting_after_its_due_date_asks_for_a_reason_on_the_page(demo: dict, client_as: ClientAs) -> None:
    client = client_as(BU)
    data = meeting_form("2", "12", "2026")
    response = client.post(url("meeting"), data)
    assert response.status_code == 400
    assert "27 November 2026" in response.content.decode()
    assert "Room 4, the council offices" in response.content.decode()
    data["late_reason"] = "The police lead is at court until then."
    assert client.post(url("meeting"), data).status_code == 302
    assert the_case().prg_meeting.scheduled_on == date(2026, 12, 2)


def test_recording_the_meeting_held_through_the_page(demo: dict, client_as: ClientAs) -> None:
    from tests.rapid_reviews.support import statutory

    case = the_case()
    data: dict[str, str] = {
        "held_on-day": "26",
        "held_on-month": "11",
        "held_on-year": "2026",
        "minutes": "The PRG met and agreed its decision.",
        "actions_agreed": "",
        "late_reason": "",
    }
    for org in statutory(case):
        data[f"status_{org.pk}"] = "attended"
        data[f"explanation_{org.pk}"] = ""
    fire = next(org for org in statutory(case) if org.type == "fire_and_rescue")
    data[f"status_{fire.pk}"] = "absent"
    response = client_as(CHAIR).post(url("meeting-held"), data)
    assert response.status_code == 400
    assert f"Explain why {fire.name} did not attend" in response.content.decode()
    data[f"explanation_{fire.pk}"] = "The fire service had no contact with the family."
    assert client_as(CHAIR).post(url("meeting-held"), data).status_code == 302
    assert the_case().prg_meeting.held_on == date(2026, 11, 26)


@pytest.mark.parametrize("year", ["2039", "0001", "9999"])
def test_a_meeting_date_the_clocks_cannot_count_to_is_refused_naming_the_field_and_kept(
    demo: dict, client_as: ClientAs, year: str
) -> None:
    data = meeting_form("10", "1", year)
    response = client_as(BU).post(url("meeting"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Date of the meeting must be between" in html
    assert f'value="{year}"' in html
    assert "Room 4, the council offices" in html


def test_a_case_that_came_to_its_local_review_without_a_rapid_review_shows_no_rapid_review_panel(
    demo: dict, client_as: ClientAs
) -> None:
    def shows_its_rapid_review(reference: str) -> bool:
        page = client_as(BU).get(reverse("cases:detail", kwargs={"reference": reference})).content.decode()
        return reverse("rapid_reviews:overview", kwargs={"reference": reference}) in page

    # NVALE-2026-013: a discretionary local review (§5.6) of a case that was not notifiable, so no rapid review.
    assert not RapidReview.objects.filter(case__reference="NVALE-2026-013").exists()
    assert not shows_its_rapid_review("NVALE-2026-013")
    # A case at its local review that had a rapid review still shows it.
    assert shows_its_rapid_review("NVALE-2026-016")
