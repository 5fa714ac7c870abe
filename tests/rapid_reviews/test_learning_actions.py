"""The rapid review's learning actions followed to their end: done, or closed without being done with a reason, by the
business unit; listed for the rapid review's readers; the case closes only once none is open."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.cases.models import Case
from cspr.kernel.errors import CaseActionRefused
from cspr.rapid_reviews import services
from cspr.rapid_reviews.models import LearningAction
from tests.rapid_reviews.support import (
    BU,
    CHAIR,
    REFERENCE,
    acting_as,
    at,
    complete_record,
    the_case,
    to_prg_decided,
)
from tests.support import WriteFailed, leaves_nothing_written

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 27)


def decided() -> tuple[Case, LearningAction]:
    case = to_prg_decided(the_case())
    return case, LearningAction.objects.get(case=case)


def resolve(case: Case, action: LearningAction, *, email: str = BU, **changes: Any) -> LearningAction:
    ending = services.ActionEnding(**{"outcome": "done", "resolved_on": DAY, **changes})
    return services.learning_action_resolve(
        acting=acting_as(email), case=case, action_id=action.pk, ending=ending, at=at(28)
    )


def test_the_business_unit_records_an_action_done_and_it_is_audited_without_its_words() -> None:
    case, action = decided()
    resolved = resolve(case, action)
    assert resolved.resolved_by is not None
    assert (resolved.status, resolved.resolved_on, resolved.resolved_by.email) == ("done", DAY, BU)
    event = AuditEvent.objects.filter(verb="rapid_review.action_resolved", details__reference=case.reference).get()
    assert event.details["outcome"] == "done"
    assert event.details["action"] == 1
    assert "neglect toolkit" not in str(event.details)


def test_an_action_closed_without_being_done_needs_a_reason_which_is_sealed() -> None:
    case, action = decided()
    with pytest.raises(CaseActionRefused, match="Say why"):
        resolve(case, action, outcome="closed", reason="   ")
    closed = resolve(case, action, outcome="closed", reason="The toolkit was withdrawn nationally.")
    assert closed.status == "closed"
    assert closed.unseal("closed_reason") == "The toolkit was withdrawn nationally."
    assert "withdrawn nationally" not in str(LearningAction.objects.filter(pk=action.pk).values().get())


@pytest.mark.parametrize("email", [CHAIR, "prg.member@example.org", "executive@example.org", "auditor@example.org"])
def test_only_the_business_unit_records_how_an_action_ended(email: str) -> None:
    case, action = decided()
    with pytest.raises(CaseActionRefused):
        resolve(case, action, email=email)
    assert LearningAction.objects.get(pk=action.pk).status == "open"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": "open"}, "Choose whether"),
        ({"resolved_on": date(2026, 11, 29)}, "today or in the past"),
        ({"resolved_on": date(2026, 11, 1)}, "after the day the action was agreed"),
        ({"action_id": 0}, "no such action"),
    ],
)
def test_refused_with_a_clear_reason(changes: dict[str, Any], message: str) -> None:
    case, action = decided()
    action_id = changes.pop("action_id", action.pk)
    with pytest.raises(CaseActionRefused, match=message):
        services.learning_action_resolve(
            acting=acting_as(BU),
            case=case,
            action_id=action_id,
            ending=services.ActionEnding(**{"outcome": "done", "resolved_on": DAY, **changes}),
            at=at(28),
        )
    assert LearningAction.objects.get(pk=action.pk).status == "open"


def test_a_draft_records_actions_are_not_followed_until_the_prg_has_decided() -> None:
    """While the record is a draft, saving its learning page rewrites its actions: an ending would be lost."""
    case = the_case()
    complete_record(case)
    action = LearningAction.objects.get(case=case)
    with pytest.raises(CaseActionRefused, match="agreed with the PRG's decision"):
        resolve(case, action)
    assert LearningAction.objects.get(pk=action.pk).status == "open"


def test_an_ended_action_stays_as_it_ended_and_its_page_says_so(client_as: Any) -> None:
    case, action = decided()
    resolve(case, action)
    with pytest.raises(CaseActionRefused, match="already recorded as done"):
        resolve(case, action, outcome="closed", reason="Changed our minds.")
    page = reverse("rapid_reviews:action", kwargs={"reference": REFERENCE, "action_id": action.pk})
    assert client_as(BU).get(page).status_code == 302


def test_recording_that_fails_at_its_audit_event_leaves_nothing_written() -> None:
    case, action = decided()
    with leaves_nothing_written(
        mock.patch("cspr.rapid_reviews.services.actions.audit_case", side_effect=WriteFailed("audit down"))
    ):
        resolve(case, action)


def test_the_pages_list_the_actions_for_readers_and_let_the_business_unit_record_one(client_as: Any) -> None:
    _case, action = decided()
    listing = reverse("rapid_reviews:actions", kwargs={"reference": REFERENCE})
    page = reverse("rapid_reviews:action", kwargs={"reference": REFERENCE, "action_id": action.pk})
    chair = client_as(CHAIR)
    shown = chair.get(listing).content.decode()
    assert "Brief health visitors on the neglect toolkit." in shown
    assert page not in shown
    assert chair.get(page).status_code == 403  # the URL policy refuses the role before the page is reached
    business_unit = client_as(BU)
    assert page in business_unit.get(listing).content.decode()
    # The form posts back to its own page (it is not given an address of its own).
    form = business_unit.get(page).content.decode()
    assert '<form method="post" novalidate action=' not in form
    assert "Brief health visitors on the neglect toolkit." in form
    # "Why" is asked only under "closed without being done": GOV.UK's conditional reveal holds the reason's box.
    closed_answer = form.index('value="closed"')
    reveal = form.index('class="govuk-radios__conditional', closed_answer)
    assert form.index('name="reason"', reveal) < form.index("</fieldset>", reveal)
    assert form.count('name="reason"') == 1
    # A closed outcome without a reason: the error, and what was typed kept.
    refused = business_unit.post(
        page, {"outcome": "closed", "resolved_on-day": "27", "resolved_on-month": "11", "resolved_on-year": "2026"}
    )
    assert refused.status_code == 400
    assert "Say why the action is closed without being done" in refused.content.decode()
    undated = business_unit.post(page, {"outcome": "done"}).content.decode()
    assert "Enter the date the action ended" in undated
    assert 'value="closed" checked' in refused.content.decode()
    done = business_unit.post(
        page, {"outcome": "done", "resolved_on-day": "27", "resolved_on-month": "11", "resolved_on-year": "2026"}
    )
    assert done.status_code == 302
    assert LearningAction.objects.get(pk=action.pk).status == "done"
    assert "Done" in business_unit.get(listing).content.decode()
    history = business_unit.get(reverse("cases:history", kwargs={"reference": REFERENCE})).content.decode()
    assert "Learning action ended" in history
    assert "Action 1: done on 27 November 2026" in history


def test_a_case_closes_as_not_meeting_the_criteria_after_the_prgs_decision_only_once_its_actions_have_ended() -> None:
    case, action = decided()
    reason = "The police now say the injuries were accidental: no abuse or neglect."
    with pytest.raises(CaseActionRefused, match="Every learning action agreed must be done"):
        services.criteria_not_met_close(acting=acting_as(CHAIR), case=case, reason=reason, at=at(28))
    assert the_case().stage == "prg_decided"
    resolve(case, action, outcome="closed", reason="Taken into the partnership's neglect strategy instead.")
    services.criteria_not_met_close(acting=acting_as(CHAIR), case=case, reason=reason, at=at(28))
    assert the_case().stage == "closed_criteria_not_met"


def test_a_drafts_actions_are_not_agreed_so_they_do_not_hold_up_closing_before_the_prgs_decision() -> None:
    case = the_case()
    complete_record(case)  # the draft names an action; the PRG has not decided
    assert LearningAction.objects.filter(case=case, status=LearningAction.Status.OPEN).exists()
    services.criteria_not_met_close(
        acting=acting_as(CHAIR), case=case, reason="The skeletal survey found an accidental injury.", at=at(24)
    )
    assert the_case().stage == "closed_criteria_not_met"
