"""A whole rapid review in a real browser, as the demo roles would run it (procedure §4.1-§4.7, §5.3).

The business unit asks the agencies for information; health (a contributor, then its designated lead) and the
police (importing a spreadsheet) return theirs; the local authority is reminded by the worker's job; the police
cannot read health's return by guessing its address. The PRG meets, the record is refused while incomplete, then
completed, sent to the Executive, signed off by each lead safeguarding partner (the police disagreeing) and
ratified. The business unit downloads the Word document, records the date it went to the Panel and that the
family was told.

The demo case NVALE-2026-005 (notified on 24 November 2026) is routed to the rapid review in the set-up, so every
step is done here for the first time. Time is fixed at Tuesday 1 December 2026 (ticking, so the live server, which
runs in a thread of this process, sees the same day): the information returns are due on 2 December.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document
from openpyxl import Workbook  # type: ignore[import-untyped]

from cspr.accounts.models import User
from cspr.accounts.services import user_get_or_create
from cspr.audit.models import AuditEvent
from cspr.cases.models import Case, DutyKind, FamilyTold
from cspr.cases.services import case_route, duty_record, la_decision_record
from cspr.demo.partnerships import DEMO_PASSWORD
from cspr.domain.rapid_review import JUDGED_CRITERIA
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.messaging.models import OutboundMessage
from cspr.partnerships.models import Organisation, Partnership
from cspr.partnerships.scoping import acting_for
from cspr.partnerships.services import membership_grant
from cspr.rapid_reviews.models import PrgMeeting
from cspr.rapid_reviews.services import meeting_schedule
from cspr.returns.models import InformationRequest, OrganisationLead, RequestStatus
from cspr.returns.services import returns_reminders_send
from tests.browser.conftest import axe_violations
from tests.browser.support import sign_in_with_both_factors
from tests.demo_copy import demo_loaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)  # a Tuesday
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
RETURNS_DUE = date(2026, 12, 2)
REFERENCE = "NVALE-2026-005"

BUSINESS_UNIT = "business.unit@example.org"
HEALTH_CONTRIBUTOR = "contributor2.health@example.org"  # added in the set-up: not the designated lead
HEALTH_LEAD = "contributor.health@example.org"  # the demo designates the first contributor of each organisation
POLICE_LEAD = "police.lead@example.org"
LA_CONTRIBUTOR = "notifier@example.org"  # the local authority's notifier answers its information requests
PRG_MEMBER = "prg.member@example.org"
PRG_CHAIR = "prg.chair@example.org"
EXECUTIVE_LA = "executive@example.org"
EXECUTIVE_HEALTH = "executive.health@example.org"
EXECUTIVE_POLICE = "executive.police@example.org"

LA = "Northvale Council Children's Services (demo)"
HEALTH = "Northvale Integrated Care Board (demo)"
POLICE = "Vale and Moor Police (demo)"
PROBATION = "Western Probation Region (demo)"
FIRE = "Northvale Fire and Rescue Service (demo)"

# What health and the police write in their returns, by the label of each text box.
HEALTH_RETURN = {
    "Services your organisation provided": "Health visiting; GP practice; school nursing.",
    "Key contacts": "Health visitor (Northvale West team); named GP.",
    "Summary of your involvement with the child and family": (
        "Universal health visiting from birth; the school nurse saw Child A's sibling twice."
    ),
    "Key practice episodes and your analysis": (
        "The 9-month review was missed and not followed up when the family moved house."
    ),
    "Immediate safeguarding actions taken": "Records flagged; GP alerted.",
    "Early learning": "Transfers between health visiting teams need a handover call.",
    "Equality considerations": "The family had recently arrived and had no GP at first.",
}
POLICE_RETURN = {
    "Services your organisation provided": "Neighbourhood policing; public protection unit.",
    "Summary of your involvement with the child and family": (
        "One call-out in March 2026; attended the incident in November."
    ),
    "Key practice episodes and your analysis": "The March call-out was not shared with children's social care.",
    "Immediate safeguarding actions taken": "Criminal investigation opened.",
    "Early learning": "Call-outs where children live need a referral.",
    "Equality considerations": "None identified beyond language needs.",
}

# The demo child, her mother and their address: never in a message to an agency, nor in the pseudonymised document.
IDENTIFYING = ("Clover", "Inventedale", "Sorrel", "Fable Court", "NV0 0AD")

DOCUMENT_ITEMS = [
    "1. Immediate safeguarding arrangements",
    "2. Summary of the facts and their context",
    "3. Decision on a local child safeguarding practice review",
    "4. Recommendation on a national review",
    "5. Immediate learning and plans to share it",
    "6. Potential for further learning",
    "7. Why no further learning is expected",
    "8. Agencies involved in the rapid review",
    "9. Identifying details of the child and family",
]


# -- set-up through the services -------------------------------------------------------------------------------------


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def route_case_to_the_rapid_review() -> Case:
    """NVALE-2026-005: the local authority notifies the Panel, the rapid review starts, the PRG meeting is booked."""
    case = Case.objects.get(reference=REFERENCE)
    notifier = User.objects.get(email=LA_CONTRIBUTOR)
    business_unit = User.objects.get(email=BUSINESS_UNIT)
    as_notifier, as_business_unit = acting_for(notifier), acting_for(business_unit)
    la_decision_record(
        acting=as_notifier,
        case=case,
        notify_panel=True,
        decided_on=date(2026, 11, 25),
        reason="Abuse is suspected and the child died in Northvale.",
        recorded_at=at(25),
    )
    duty_record(
        acting=as_notifier,
        case=case,
        kind=DutyKind.PANEL_NOTIFIED,
        done_on=date(2026, 11, 25),
        panel_reference="CSPRP-DEMO-0500",
        recorded_at=at(25, 11),
    )
    duty_record(
        acting=as_business_unit,
        case=case,
        kind=DutyKind.PARTNERS_INFORMED,
        done_on=date(2026, 11, 25),
        recorded_at=at(25, 12),
    )
    case_route(acting=as_business_unit, case=case, transition="start_rapid_review", at=at(26, 9))
    meeting_schedule(
        acting=acting_for(business_unit),
        case=case,
        scheduled_on=TODAY,
        starts_at="09:30",
        mode=PrgMeeting.Mode.VIRTUAL,
        where="Online: the joining link is in the calendar invitation",
        agenda="1. Immediate safeguarding\n2. Agencies' returns\n3. The criteria\n4. Decisions and learning",
        at=at(26, 10),
    )
    return Case.objects.get(pk=case.pk)


def add_a_health_contributor() -> None:
    """A second health contributor, so that the one who writes the return is not the lead who signs it off."""
    northvale = Partnership.objects.get(code="NVALE")
    user, _ = user_get_or_create(
        acting=system_acting(), email=HEALTH_CONTRIBUTOR, full_name="Tamsin Rook", password=DEMO_PASSWORD
    )
    membership_grant(
        acting=system_acting(),
        user=user,
        partnership=northvale,
        role=Role.AGENCY_CONTRIBUTOR,
        organisation=Organisation.objects.get(name=HEALTH),
    )
    lead = OrganisationLead.objects.get(partnership=northvale, organisation__name=HEALTH)
    assert lead.user.email == HEALTH_LEAD


# -- browser helpers -------------------------------------------------------------------------------------------------


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """Opens a page in a browser context of its own, signed in as a demo person with both factors.

    Every context is closed at the end: an open one keeps a connection to the live server, and with it a database
    session that would stop PostgreSQL's test database being dropped.
    """
    contexts: list[Any] = []

    def signed_in(email: str) -> Any:
        context = browser.new_context(bypass_csp=True, locale="en-GB", timezone_id="Europe/London")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in_with_both_factors(page, live_server.url, email)
        return page

    yield signed_in
    for context in contexts:
        context.close()


def accessible(page: Any) -> None:
    assert axe_violations(page) == [], page.url


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def main_text(page: Any) -> str:
    return str(page.locator("#main-content").inner_text())


def fill_date(page: Any, name: str, value: date) -> None:
    page.locator(f"#id_{name}-day").fill(str(value.day))
    page.locator(f"#id_{name}-month").fill(str(value.month))
    page.locator(f"#id_{name}-year").fill(str(value.year))


def fill_in(page: Any, answers: Mapping[str, str]) -> None:
    """Type each answer into the text box its label names, in order."""
    for label, answer in answers.items():
        page.get_by_label(label).fill(answer)


def choose(page: Any, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check()


def click(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def success(page: Any) -> str:
    return "\n".join(page.locator(".govuk-notification-banner").all_inner_texts())


def org_pk(name: str) -> int:
    return int(Organisation.objects.get(name=name).pk)


def open_request_from_inbox(page: Any, base: str) -> None:
    page.goto(f"{base}/inbox/")
    page.get_by_role("link", name=REFERENCE, exact=True).click()
    assert heading(page).startswith("Information request to ")


# -- the steps -------------------------------------------------------------------------------------------------------


def business_unit_asks_the_agencies(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/information/")
    assert heading(page) == "Information from agencies"
    assert "No organisation has been asked yet." in main_text(page)
    page.get_by_role("link", name="Ask agencies for information").click()
    assert heading(page) == "Ask agencies for information"
    # Named in the notification (health, police) or statutory: ticked already.
    for name in (LA, HEALTH, POLICE, PROBATION, FIRE):
        assert page.get_by_label(name, exact=True).is_checked(), name
    assert not page.get_by_label("Northvale Learning Trust (demo)", exact=True).is_checked()
    fill_date(page, "due_on", RETURNS_DUE)
    page.get_by_label("Specific questions (optional)").fill("Please include any contact with the school nurse.")
    accessible(page)
    click(page, "Send the requests")
    assert heading(page) == "Information from agencies"
    assert "5 organisations were asked for information" in success(page)


def health_contributor_writes_and_sends_for_sign_off(page: Any, base: str) -> None:
    open_request_from_inbox(page, base)
    assert heading(page) == f"Information request to {HEALTH}"
    assert "Please include any contact with the school nurse." in main_text(page)
    # The identifying details, to find the family in the organisation's own records, are shown only on request.
    assert "Clover Inventedale" not in main_text(page)
    click(page, "Show the identifying details")
    assert "Clover Inventedale" in main_text(page)
    page.get_by_role("link", name="Start the return").click()
    assert heading(page) == f"{HEALTH}'s return"
    fill_date(page, "involved_from", date(2025, 12, 30))
    fill_date(page, "involved_to", date(2026, 11, 22))
    fill_in(page, HEALTH_RETURN)
    accessible(page)  # a return edit page
    click(page, "Save and come back later")
    assert "Your return is saved" in success(page)

    # The contributor types the chronology, entry by entry.
    page.get_by_role("link", name="Add a chronology entry").click()
    fill_date(page, "happened_on", date(2026, 1, 8))
    page.get_by_label("What happened").fill("New birth visit: no concerns recorded.")
    page.get_by_label("Source (optional)").fill("Health visiting record")
    click(page, "Save and add another")
    assert heading(page) == "Add a chronology entry"
    fill_date(page, "happened_on", date(2026, 9, 14))
    page.get_by_label("What happened").fill("9-month review missed; no new appointment offered.")
    page.get_by_label("Source (optional)").fill("Health visiting record")
    click(page, "Save entry")
    assert "New birth visit: no concerns recorded." in main_text(page)
    assert "9-month review missed" in main_text(page)

    click(page, "Send to the lead for sign-off")
    assert "Your organisation's lead is asked to sign off the return" in success(page)
    assert "Awaiting sign-off" in main_text(page)


def lead_signs_off_and_submits(page: Any, base: str) -> None:
    open_request_from_inbox(page, base)
    page.get_by_role("link", name="Sign off and submit").click()
    assert heading(page) == f"Sign off and submit {HEALTH}'s return"
    assert "Still to complete" not in main_text(page)
    assert "9-month review missed" in main_text(page)  # the lead reads what the contributor wrote
    click(page, "Sign off and submit")
    assert "The return is signed off and submitted to the business unit" in success(page)


def chronology_workbook(path: Path) -> Path:
    """The police's chronology as their records system exports it: two good rows and one it cannot read."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Date", "Event", "Source"])
    sheet.append([date(2026, 3, 2), "Call-out to the address: a neighbour heard shouting.", "Command and control"])
    sheet.append(["22/11/2026", "Attended with ambulance; Child A pronounced dead.", "Incident log"])
    sheet.append(["next week", "Strategy meeting planned.", "Incident log"])
    workbook.save(path)
    return path


def police_lead_imports_writes_and_submits(page: Any, base: str, tmp_path: Path) -> None:
    open_request_from_inbox(page, base)
    assert heading(page) == f"Information request to {POLICE}"
    page.get_by_role("link", name="Import a chronology").click()
    assert heading(page) == "Import a chronology"
    page.get_by_label("Upload a chronology").set_input_files(str(chronology_workbook(tmp_path / "police.xlsx")))
    click(page, "Import")
    report = main_text(page)
    assert "2 entries added" in report
    assert "1 row could not be read" in report
    row = page.locator("table tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "4"
    assert "next week" in row.locator("td").nth(1).inner_text()
    accessible(page)  # the import report
    page.get_by_role("link", name="Back to the request").last.click()
    assert "Call-out to the address" in main_text(page)
    assert "Strategy meeting planned." not in main_text(page)

    page.get_by_role("link", name="Continue the return").click()  # the import started the draft
    fill_in(page, POLICE_RETURN)
    page.get_by_role("button", name="Save and check").click()
    # The police lead is its designated lead: "Save and check" leads straight to signing off.
    assert heading(page) == f"Sign off and submit {POLICE}'s return"
    click(page, "Sign off and submit")
    assert "The return is signed off and submitted to the business unit" in success(page)


def guessed_addresses_are_not_found(page: Any, base: str, other: InformationRequest) -> None:
    """The police lead types the addresses of health's request and return, with the real uuid: each is a 404."""
    for path in (
        f"/inbox/{other.uuid}/",
        f"/inbox/{other.uuid}/return/",
        f"/inbox/{other.uuid}/submit/",
        f"/inbox/{other.uuid}/return.docx",
    ):
        response = page.goto(f"{base}{path}")
        assert response is not None
        assert response.status == 404, path
        assert "Hari" not in page.content()
        assert "9-month review" not in page.content()
    refused = AuditEvent.objects.filter(actor__email=POLICE_LEAD, verb="access.refused", details__status=404)
    assert refused.count() == 4  # each attempt is in the audit trail
    # The business unit's page for a submitted return is not for contributors at all: the URL policy refuses it.
    response = page.goto(f"{base}/cases/{REFERENCE}/information/{other.uuid}/")
    assert response is not None
    assert response.status == 403
    assert "9-month review" not in page.content()


def the_worker_reminds_the_local_authority() -> None:
    """The periodic job ``returns.reminders``, run as the worker would two working days before the due date."""
    returns_reminders_send(now=datetime(2026, 12, 1, 9, 45, tzinfo=LONDON))
    returns_reminders_send(now=datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))  # once only
    reminders = list(OutboundMessage.objects.filter(kind="returns.reminder", subject__startswith=REFERENCE))
    # Health and the police have submitted; probation and fire and rescue have nobody to write to.
    assert [message.to for message in reminders] == [LA_CONTRIBUTOR]
    message = reminders[0]
    assert message.subject == f"{REFERENCE}: {LA}'s return is due on 02 December 2026"
    assert f"Case {REFERENCE} (Child A)" in message.body
    text = "\n".join([message.subject, message.body, message.html_body])
    for secret in IDENTIFYING:
        assert secret not in text
    la_request = InformationRequest.objects.get(case__reference=REFERENCE, organisation__name=LA)
    assert la_request.reminders.count() == 1


def board_shows_the_returns(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/information/")
    rows = {row.locator("td").nth(0).inner_text().split("\n")[0]: row for row in page.locator("table tbody tr").all()}
    assert "Submitted" in rows[HEALTH].locator("td").nth(1).inner_text()
    assert "Submitted" in rows[POLICE].locator("td").nth(1).inner_text()
    assert rows[LA].locator("td").nth(4).inner_text() == "1"  # the reminder
    accessible(page)  # the board


def business_unit_records_the_meeting_held(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    page.get_by_role("link", name="Record that the PRG meeting was held").click()
    assert heading(page) == "Record that the PRG meeting was held"
    fill_date(page, "held_on", TODAY)
    for name in (LA, HEALTH, POLICE):
        choose(page, f"status_{org_pk(name)}", "attended")
    choose(page, f"status_{org_pk(PROBATION)}", "absent")
    choose(page, f"status_{org_pk(FIRE)}", "not_involved")
    page.get_by_label("Minutes").fill("The PRG went through the agencies' returns and the criteria.")
    click(page, "Save")
    # An absence needs an explanation: the page says so and keeps what was typed.
    assert page.title().startswith("Error:")
    assert (
        "Explain why Western Probation Region (demo) did not attend"
        in page.locator(".govuk-error-summary").inner_text()
    )
    page.locator(f"#id_explanation_{org_pk(PROBATION)}").fill("The probation manager was at court all day.")
    page.locator(f"#id_explanation_{org_pk(FIRE)}").fill("The fire service had no contact with the family.")
    click(page, "Save")
    assert "The PRG meeting is recorded as held" in success(page)


def member_fills_the_first_sections(page: Any, base: str, case: Case) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    page.get_by_role("link", name="Immediate safeguarding arrangements").click()
    child = case.children.get()
    page.locator(f"#id_arrangements_{child.pk}").fill("Child A has died; her siblings are safe with relatives.")
    click(page, "Save and return to the task list")
    page.get_by_role("link", name="Facts, practice episodes and equality").click()
    page.get_by_label("Summary of the facts and their context").fill(
        "Child A died at home aged eleven months; bruising of different ages was found. The family moved into "
        "Northvale this year and was known to the school nurse through an older sibling."
    )
    click(page, "Save and return to the task list")
    assert "Facts, practice episodes and equality: saved" in success(page)


def chair_is_refused_while_incomplete(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/check/")
    assert heading(page) == "Check the rapid review"
    text = main_text(page)
    assert "The rapid review cannot go to the Executive until they are done." in text
    for section in ("Criteria for a local review", "Decisions and further learning", "Agencies involved"):
        assert page.get_by_role("heading", name=section, level=2).is_visible()
    assert "Immediate safeguarding arrangements for Child A" not in text  # that page is done
    assert (
        "§5.4 “Points, or may point, to improvements needed in safeguarding, including known ones”: say "
        "whether it is met." in text
    )
    assert page.get_by_role("button", name="Send to the Executive").count() == 0
    # Sending anyway (the form posted by hand) is refused by the service, with the list still there.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    page.evaluate(
        """(token) => {
            const form = document.createElement("form");
            form.method = "post";
            const input = document.createElement("input");
            input.type = "hidden"; input.name = "csrfmiddlewaretoken"; input.value = token;
            form.appendChild(input);
            document.body.appendChild(form);
            form.submit();
        }""",
        token,
    )
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The rapid review is not complete yet:" in summary
    assert "Agencies involved" in main_text(page)
    accessible(page)  # the completeness check, refused


def member_completes_the_record(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/record/criteria/")
    for criterion in JUDGED_CRITERIA:
        met = criterion.code in {"improvements_needed", "joint_working_concerns"}
        choose(page, f"judgement_{criterion.code}", "met" if met else "not_met")
        page.locator(f"#id_reason_{criterion.code}").fill(
            "Agencies held concerns they did not share." if met else "Nothing the PRG heard points to this."
        )
    click(page, "Save and return to the task list")

    page.get_by_role("link", name="Decisions and further learning").click()
    choose(page, "local_decision", "yes")
    page.get_by_label("Grounds for the decision").fill("The case points to improvements needed in joint working.")
    choose(page, "national_recommendation", "no")
    page.get_by_label("Reasons for the recommendation on a national review").fill(
        "The learning is local; the Panel's criteria are not met."
    )
    page.get_by_label("Potential for further learning").fill("Learning about moves between areas is expected.")
    click(page, "Save and return to the task list")

    page.get_by_role("link", name="Immediate learning and how it will be shared").click()
    page.get_by_label("Immediate learning already established").fill(
        "Police call-outs to homes with children were not shared with children's social care."
    )
    page.get_by_label("Action 1: what will be done to share the learning").fill(
        "Brief response officers on referring call-outs where children live."
    )
    page.get_by_label("Action 1: organisation that owns it").select_option(label=POLICE)
    fill_date(page, "action_1_due", date(2027, 1, 29))
    click(page, "Save and return to the task list")

    page.get_by_role("link", name="Agencies involved").click()
    for name in (LA, HEALTH, POLICE, PROBATION):
        page.locator(f"input[name='involved'][value='{org_pk(name)}']").check()
    page.locator(f"#id_omission_{org_pk(FIRE)}").fill("The fire service had no contact with the family.")
    click(page, "Save and return to the task list")
    assert "Every item is recorded." in main_text(page)


def chair_sends_to_the_executive(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/check/")
    assert "Every item the rapid review must record is there (§4.3)." in main_text(page)
    accessible(page)  # the completeness check, passed
    click(page, "Send to the Executive")
    assert "The PRG's decision is recorded and the rapid review is sent to the Executive" in success(page)


def partner_signs_off(page: Any, base: str, organisation: str, *, rationale: str = "") -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    page.get_by_role("link", name="Sign off the rapid review for your organisation").click()
    assert heading(page) == "Sign off the rapid review"
    page.get_by_label(organisation, exact=True).check()
    choose(page, "agrees", "no" if rationale else "yes")
    if rationale:
        page.get_by_label("If not, your rationale").fill(rationale)
    fill_date(page, "signed_on", TODAY)
    click(page, "Sign off")
    assert "Your organisation's sign-off is recorded" in success(page)


def executive_ratifies(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    page.get_by_role("link", name="Ratify the rapid review").click()
    assert heading(page) == "Ratify the rapid review"
    assert f"{POLICE}: disagrees with the PRG" in main_text(page)
    accessible(page)  # the ratify page
    choose(page, "local_review", "yes")
    fill_date(page, "ratified_on", TODAY)
    click(page, "Ratify")
    assert "The rapid review is ratified" in success(page)


def word_document_headings(page: Any, base: str, tmp_path: Path) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the Word document without identifying details").click()
    download = download_info.value
    assert download.suggested_filename == f"{REFERENCE}-rapid-review-pseudonymised.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(str(path))

    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    items = [text for text in headings if text[:2] in {f"{n}." for n in range(1, 10)}]
    assert [item.split(" (§")[0] for item in items] == DOCUMENT_ITEMS
    header = "\n".join(p.text for section in document.sections for p in section.header.paragraphs)
    assert "OFFICIAL-SENSITIVE" in header
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Ratification by the Executive Group (§4.4-4.6)" in headings
    assert "Absent: The probation manager was at court all day." in cells  # the PRG meeting's attendance
    assert "We think the learning is national" in cells  # the police's rationale
    for secret in IDENTIFYING:
        assert secret not in body + cells


def business_unit_records_the_panel_and_the_family(page: Any, base: str) -> None:
    page.goto(f"{base}/cases/{REFERENCE}/rapid-review/")
    page.get_by_role("link", name="Record that the rapid review was sent to the Panel").click()
    assert heading(page) == "Record that the rapid review was sent to the Panel"
    fill_date(page, "sent_on", TODAY)
    click(page, "Save")
    assert "The rapid review is recorded as sent to the Panel" in success(page)

    page.get_by_role("link", name="Record that the family was told the decision").click()
    assert heading(page) == "Record that the family was told the decision"
    fill_date(page, "told_on", TODAY)
    page.get_by_label("In person").check()
    page.get_by_label("Who told them").fill("The social worker, Children's Services")
    page.get_by_label("What they were told about the decision and its reasons").fill(
        "That a local review will be held, why, and how they can take part."
    )
    accessible(page)  # the family page
    click(page, "Save")
    assert "Telling the family is recorded" in success(page)


# -- the journey -----------------------------------------------------------------------------------------------------


def test_a_rapid_review_runs_from_the_information_requests_to_the_family(
    live_server: Any, sign_in: Callable[[str], Any], tmp_path: Path
) -> None:
    demo_loaded()
    base = live_server.url
    with time_machine.travel(NOW, tick=True):
        case = route_case_to_the_rapid_review()
        add_a_health_contributor()

        # 1. The business unit sends the information requests.
        business_unit = sign_in(BUSINESS_UNIT)
        business_unit_asks_the_agencies(business_unit, base)
        requests = {
            item.organisation.name: item
            for item in InformationRequest.objects.filter(case=case).select_related("organisation")
        }
        assert set(requests) == {LA, HEALTH, POLICE, PROBATION, FIRE}

        # 2. Health: a contributor types the return and its chronology; the designated lead signs off and submits.
        health_contributor_writes_and_sends_for_sign_off(sign_in(HEALTH_CONTRIBUTOR), base)
        lead_signs_off_and_submits(sign_in(HEALTH_LEAD), base)
        #    The police import their chronology from a spreadsheet; their lead submits.
        police = sign_in(POLICE_LEAD)
        police_lead_imports_writes_and_submits(police, base, tmp_path)
        health_return = requests[HEALTH].returns.get()
        assert health_return.started_by_id == User.objects.get(email=HEALTH_CONTRIBUTOR).pk
        assert health_return.signed_off_by_id == User.objects.get(email=HEALTH_LEAD).pk
        assert requests[POLICE].returns.get().signed_off_by_id == User.objects.get(email=POLICE_LEAD).pk

        # 3. The local authority has not answered: the worker's reminder job chases it, naming nobody.
        the_worker_reminds_the_local_authority()
        board_shows_the_returns(business_unit, base)

        # 4. The police lead guesses the addresses of health's request and return: not found.
        guessed_addresses_are_not_found(police, base, requests[HEALTH])

        # 5. The PRG meets; probation's absence is explained.
        business_unit_records_the_meeting_held(business_unit, base)

        # 6. Half a record is refused, with the list of what is missing.
        member = sign_in(PRG_MEMBER)
        member_fills_the_first_sections(member, base, case)
        chair = sign_in(PRG_CHAIR)
        chair_is_refused_while_incomplete(chair, base)

        # 7. The record is completed and sent to the Executive; each partner signs off, the police disagreeing.
        member_completes_the_record(member, base)
        chair_sends_to_the_executive(chair, base)
        partner_signs_off(sign_in(EXECUTIVE_LA), base, LA)
        partner_signs_off(sign_in(EXECUTIVE_HEALTH), base, HEALTH)
        executive_police = sign_in(EXECUTIVE_POLICE)
        partner_signs_off(
            executive_police,
            base,
            POLICE,
            rationale="We think the learning is national: call-out sharing fails in every force.",
        )
        executive_ratifies(executive_police, base)

        # 8. The Word document, opened and read.
        word_document_headings(business_unit, base, tmp_path)

        # 9. The date it went to the Panel, and the family told.
        business_unit_records_the_panel_and_the_family(business_unit, base)

    case.refresh_from_db()
    assert case.stage == "awaiting_panel"
    assert FamilyTold.objects.filter(case=case).count() == 1
    assert InformationRequest.objects.get(pk=requests[LA].pk).status == RequestStatus.NOT_STARTED
