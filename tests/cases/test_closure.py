"""Every case can end, and be reopened: closing with a reason on each path that ends here, its clocks stopping with it,
reopening by the business unit with a reason (its clocks applying again), and which service makes each transition."""

from __future__ import annotations

import importlib
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Case, CaseClock, CaseTransition
from cspr.domain.lifecycle import CLOSED_STAGES, TRANSITIONS, Stage
from cspr.kernel.errors import CaseActionRefused
from cspr.partnerships.scoping import acting_for
from cspr.rapid_reviews.models import LearningAction
from tests.cases.conftest import SubmitFunc
from tests.rapid_reviews.support import every_action_done, panel_response, the_case, to_awaiting_panel
from tests.support import ClientAs, UserAs, WriteFailed, leaves_nothing_written

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 12, 21, 12, 0, tzinfo=LONDON)

# The transitions of stages still to be built, each arriving with its issue (which removes its own from this list).
ARRIVING_WITH_PUBLICATION = {
    "sign_off",
    "prepare_publication",
    "publish",
    "decide_not_to_publish",
    "end_publication_period",
}


def test_every_transition_of_the_lifecycle_has_its_service() -> None:
    for package in (
        "cspr.cases.services",
        "cspr.rapid_reviews.services",
        "cspr.reviewers.services",
        "cspr.local_reviews.services",
    ):
        importlib.import_module(package)
    missing = set(TRANSITIONS) - set(services.TRANSITION_SERVICES)
    assert missing == ARRIVING_WITH_PUBLICATION
    for transition, dotted in services.TRANSITION_SERVICES.items():
        module, _, name = dotted.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name)), (transition, dotted)


def test_a_transition_is_made_by_one_service_only() -> None:
    with pytest.raises(ValueError, match="one service per transition"):
        services.makes_transitions("close")(lambda: None)
    with pytest.raises(ValueError, match="not a transition"):
        services.makes_transitions("vanish")(lambda: None)


def route(
    user: UserAs, case: Case, transition: str, *, email: str = "business.unit@example.org", reason: str = ""
) -> Case:
    return services.case_route(acting=acting_for(user(email)), case=case, transition=transition, at=NOON, reason=reason)


def not_notifiable(submit: SubmitFunc, user: UserAs) -> Case:
    """A looked-after child's death the local authority does not notify: its Secretary of State and Ofsted clock
    still runs on this path, so closing has a clock to stop."""
    case = submit(nature="looked_after_child_death", abuse_or_neglect="no")
    services.la_decision_record(
        acting=acting_for(user("notifier@example.org")),
        case=case,
        notify_panel=False,
        decided_on=date(2026, 12, 21),
        reason="The local authority decided the criteria are not met.",
        recorded_at=NOON,
    )
    return route(user, case, "record_not_notifiable", reason="The criteria for notifying the Panel are not met.")


def ofsted_told(user: UserAs, case: Case) -> None:
    services.duty_record(
        acting=acting_for(user("business.unit@example.org")),
        case=case,
        kind="sos_ofsted_notified",
        done_on=date(2026, 12, 21),
        recorded_at=NOON,
    )


def open_clocks(case: Case) -> set[str]:
    return set(
        CaseClock.objects.filter(case=case, applicable=True, met_on__isnull=True).values_list("clock_id", flat=True)
    )


def test_a_not_notifiable_case_closes_with_a_reason_and_its_clocks_stop(submit: SubmitFunc, user: UserAs) -> None:
    case = not_notifiable(submit, user)
    running = open_clocks(case)
    assert running == {"sos_ofsted_notification"}
    with pytest.raises(CaseActionRefused, match="reason"):
        route(user, case, "close")
    with pytest.raises(CaseActionRefused, match="notification duty is still due"):
        route(user, case, "close", reason="Nothing more is needed: the strategy discussion covers it.")
    ofsted_told(user, case)
    assert open_clocks(case) == set()
    case = route(user, case, "close", reason="Nothing more is needed: the strategy discussion covers it.")
    assert case.stage == Stage.CLOSED_NOT_NOTIFIABLE
    row = CaseTransition.objects.filter(case=case, transition="close").get()
    assert (row.from_stage, row.to_stage, row.actor_role) == (
        "not_notifiable",
        "closed_not_notifiable",
        "business_unit",
    )
    assert row.unseal("reason") == "Nothing more is needed: the strategy discussion covers it."
    event = AuditEvent.objects.filter(verb="case.transition").latest("id")
    assert event.details["transition"] == "close"
    assert "strategy" not in str(event.details)


def test_a_closed_case_is_reopened_by_the_business_unit_with_a_reason_back_where_it_closed(
    submit: SubmitFunc, user: UserAs, client_as: ClientAs
) -> None:
    case = not_notifiable(submit, user)
    ofsted_told(user, case)
    case = route(user, case, "close", reason="Nothing more is needed.")
    for email in ("prg.chair@example.org", "notifier@example.org", "independent.chair@example.org"):
        with pytest.raises(CaseActionRefused):
            route(user, case, "reopen", email=email, reason="New information: a reason long enough to read.")
    with pytest.raises(CaseActionRefused, match="reason"):
        route(user, case, "reopen")
    overview = client_as("business.unit@example.org").get(f"/cases/{case.reference}/").content.decode()
    assert "Closed on 21 December 2026 by Bea Unwin (business unit)" in overview
    assert "Reopen the case" in overview
    ofsted = CaseClock.objects.get(case=case, clock_id="sos_ofsted_notification")
    assert (ofsted.applicable, ofsted.met_on) == (True, date(2026, 12, 21))  # met before closing, it stays met
    case = route(user, case, "reopen", reason="The police shared new information about the injuries.")
    assert case.stage == Stage.NOT_NOTIFIABLE
    # From there the new information can be assessed again.
    assert route(user, case, "reassess", reason="The new information may meet the criteria.").stage == (
        Stage.NOTIFICATION_ASSESSED
    )
    assert CaseClock.objects.get(case=case, clock_id="sos_ofsted_notification").met_on == date(2026, 12, 21)


def test_a_withdrawn_case_s_clocks_stop_and_apply_again_when_it_is_reopened(user: UserAs) -> None:
    case = the_case()  # the demo case at the rapid review: its meeting and returns clocks are running
    running = open_clocks(case)
    assert {"prg_meeting", "information_returns"} <= running
    case = route(user, case, "withdraw", reason="Entered twice: the same incident is NVALE-2026-002.")
    assert case.stage == Stage.WITHDRAWN
    assert open_clocks(case) == set()
    before = {clock.clock_id: clock.due for clock in CaseClock.objects.filter(case=case)}
    case = route(user, case, "reopen", reason="Withdrawn in error: it is a different incident.")
    assert case.stage == Stage.REFERRAL_RECEIVED
    assert open_clocks(case) == running
    # The clocks still running when it closed count again from the day it reopened, not from the notification.
    reopened_on = NOON.date()
    for clock in CaseClock.objects.filter(case=case, clock_id__in=running):
        assert clock.start == reopened_on
        assert clock.due > before[clock.clock_id]
        assert (
            f"Counted again from {reopened_on.day} {reopened_on:%B %Y}, when the case was reopened." in clock.sentence
        )
    met = CaseClock.objects.get(case=case, clock_id="panel_notification")  # met before it closed: as it was
    assert (met.start, met.due) == (date(2026, 11, 12), before["panel_notification"])


@pytest.mark.parametrize(
    ("transition", "email"),
    [("close", "prg.chair@example.org"), ("close", "notifier@example.org"), ("close", "auditor@example.org")],
)
def test_only_the_business_unit_closes_a_case(submit: SubmitFunc, user: UserAs, transition: str, email: str) -> None:
    case = not_notifiable(submit, user)
    with pytest.raises(CaseActionRefused):
        route(user, case, transition, email=email, reason="Closing it: a reason long enough to read.")
    assert Case.objects.get(pk=case.pk).stage == Stage.NOT_NOTIFIABLE


@pytest.mark.parametrize("transition", ["close", "reopen", "start_learning_and_actions"])
def test_not_from_a_stage_that_has_no_such_way_out(submit: SubmitFunc, user: UserAs, transition: str) -> None:
    case = submit()  # notification assessed: none of these leaves it
    with pytest.raises(CaseActionRefused):
        route(user, case, transition, reason="A reason: a reason long enough to read.")
    assert Case.objects.get(pk=case.pk).stage == Stage.NOTIFICATION_ASSESSED
    assert not CaseTransition.objects.filter(case=case).exists()


def test_closing_that_fails_at_its_audit_event_leaves_nothing_written(submit: SubmitFunc, user: UserAs) -> None:
    case = not_notifiable(submit, user)
    ofsted_told(user, case)
    with leaves_nothing_written(
        mock.patch("cspr.cases.services.routing.audit_case", side_effect=WriteFailed("the audit trail is down"))
    ):
        route(user, case, "close", reason="Nothing more is needed.")


def test_after_no_further_review_the_case_closes_through_learning_once_every_action_has_ended(user: UserAs) -> None:
    case = to_awaiting_panel(the_case())
    panel_response(case, "no_review", 15, details="The Panel agrees the learning is captured already.")
    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.NO_FURTHER_REVIEW
    with pytest.raises(CaseActionRefused):
        route(user, case, "close", reason="Every action is done and nothing is outstanding.")
    case = route(user, case, "start_learning_and_actions")
    assert case.stage == Stage.LEARNING_AND_ACTIONS
    with pytest.raises(CaseActionRefused, match="Every learning action agreed must be done"):
        route(user, case, "close", reason="Everything is done and shared.")
    every_action_done(case, on=date(2026, 12, 21), when=NOON)
    case = route(user, case, "close", reason="Every action is done and the learning shared.")
    assert case.stage == Stage.CLOSED
    assert Stage(case.stage) in CLOSED_STAGES
    assert open_clocks(case) == set()
    # Reopened, it goes back to learning and actions; its actions stay as they ended.
    case = route(user, case, "reopen", reason="A new action is needed after the inquest.")
    assert case.stage == Stage.LEARNING_AND_ACTIONS
    assert set(LearningAction.objects.filter(case=case).values_list("status", flat=True)) == {"done"}


def test_the_close_page_asks_why_and_says_what_is_missing(
    submit: SubmitFunc, user: UserAs, client_as: ClientAs
) -> None:
    case = not_notifiable(submit, user)
    ofsted_told(user, case)
    client = client_as("business.unit@example.org")
    page = f"/cases/{case.reference}/route/close/"
    shown = client.get(page).content.decode()
    assert "Why close the case?" in shown
    assert "“Closed: not notifiable”" in shown
    refused = client.post(page, {"reason": "   "})
    assert refused.status_code == 400
    assert "Enter the reason to close the case" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).stage == Stage.NOT_NOTIFIABLE
    hidden = client.post(page, {"reason": "Nothing further\u202e for the partnership."}).content.decode()
    assert "The reason to close the case must not contain hidden characters" in hidden
    done = client.post(page, {"reason": "Nothing further for the partnership."}, follow=True)
    assert "Close the case: done. The case is now “Closed: not notifiable”." in done.content.decode()
