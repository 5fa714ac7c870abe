"""The local authority's decision, the business unit's routing, duties met and clock extensions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspr.audit.models import AuditEvent
from cspr.cases import services
from cspr.cases.models import Case, CaseClock, CaseTransition, DutyKind, DutyRecord
from cspr.cases.models import LocalAuthorityDecision as Decision
from cspr.cases.services import (
    CASE_CLOSED,
    DUTY_LATE_REASON,
    LA_DECISION_NOT_ALLOWED,
    LA_OFFICER_NEEDED,
    CaseActionRefused,
)
from cspr.domain.lifecycle import GROUNDS_MISSING, LA_HAS_NOT_NOTIFIED
from cspr.kernel.records import ImmutableRowError
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import acting_for
from tests.cases.conftest import LONDON, SubmitFunc
from tests.support import UserAs, at_the_same_moment

pytestmark = pytest.mark.django_db

NOON_21_DEC = datetime(2026, 12, 21, 12, 0, tzinfo=LONDON)


def decide(user: UserAs, case: Case, *, email: str = "notifier@example.org", notify: bool = True, **extra: Any):
    return services.la_decision_record(
        acting=acting_for(user(email)),
        case=case,
        notify_panel=notify,
        decided_on=date(2026, 12, 21),
        reason="Neglect is suspected and the child was seriously harmed.",
        recorded_at=NOON_21_DEC,
        **extra,
    )


def route(user: UserAs, case: Case, transition: str, *, email: str = "business.unit@example.org", **extra: Any):
    return services.case_route(
        acting=acting_for(user(email)), case=case, transition=transition, at=NOON_21_DEC, **extra
    )


def clock(case: Case, clock_id: str) -> CaseClock:
    return CaseClock.objects.get(case=case, clock_id=clock_id)


# -- the local authority's decision ----------------------------------------------------------------------------------


def test_the_local_authoritys_notifier_records_its_decision_with_who_when_and_why(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    decision = decide(user, case)
    assert decision.decided_by.email == "notifier@example.org"
    assert decision.decided_by_organisation.name == "Northvale Council Children's Services (demo)"
    assert not decision.on_behalf_of_la
    event = AuditEvent.objects.get(verb="case.la_decision_recorded", object_id=str(case.pk))
    assert event.details["notify_panel"] is True


def test_the_business_unit_may_record_the_first_decision_on_the_las_behalf_naming_the_officer(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused, match=LA_OFFICER_NEEDED):
        decide(user, case, email="business.unit@example.org")
    decision = decide(
        user, case, email="business.unit@example.org", la_officer_name="Dana Example", la_officer_role="Head of CSC"
    )
    assert decision.on_behalf_of_la
    assert decision.la_officer_name == "Dana Example"


def test_the_business_unit_can_never_override_a_recorded_la_decision(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case, notify=False)
    with pytest.raises(CaseActionRefused, match=LA_DECISION_NOT_ALLOWED):
        decide(user, case, email="business.unit@example.org", la_officer_name="X", la_officer_role="Y", notify=True)
    assert list(Decision.objects.filter(case=case).values_list("notify_panel", flat=True)) == [False]


def test_a_correction_is_a_new_decision_by_the_local_authority_and_the_first_is_kept(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    first = decide(user, case, notify=False)
    assert not clock(case, "panel_notification").applicable
    decide(user, case, notify=True)
    assert list(Decision.objects.filter(case=case).values_list("notify_panel", flat=True)) == [False, True]
    assert clock(case, "panel_notification").applicable
    first.reason = "changed"
    with pytest.raises(ImmutableRowError):
        first.save()
    with pytest.raises(ImmutableRowError):
        first.delete()


@pytest.mark.parametrize("email", ["prg.chair@example.org", "contributor.health@example.org", "auditor@example.org"])
def test_other_roles_cannot_record_the_la_decision(submit: SubmitFunc, user: UserAs, email: str) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused):
        decide(user, case, email=email, la_officer_name="X", la_officer_role="Y")
    assert not Decision.objects.filter(case=case).exists()


def test_the_first_la_decision_on_a_referral_starts_the_notified_clocks(submit: SubmitFunc, user: UserAs) -> None:
    case = submit(email="contributor.health@example.org", as_referral=True)
    decide(user, case)
    case.refresh_from_db()
    assert case.notified_on == date(2026, 12, 21)
    assert clock(case, "prg_meeting").due == date(2027, 1, 7)  # 22, 23, 24, 29, 30, 31 Dec, 4, 5, 6, 7 Jan
    route(user, case, "assess")
    route(user, case, "start_rapid_review")
    assert Case.objects.get(pk=case.pk).stage == "rapid_review"


# -- routing --------------------------------------------------------------------------------------------------------


def test_the_business_unit_starts_the_rapid_review_only_once_the_la_has_notified(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused, match=LA_HAS_NOT_NOTIFIED.split(" (")[0]):
        route(user, case, "start_rapid_review")
    decide(user, case, notify=False)
    with pytest.raises(CaseActionRefused, match=LA_HAS_NOT_NOTIFIED.split(" (")[0]):
        route(user, case, "start_rapid_review")
    decide(user, case, notify=True)
    case = route(user, case, "start_rapid_review")
    assert case.stage == "rapid_review"
    transition = CaseTransition.objects.get(case=case)
    assert (transition.from_stage, transition.to_stage, transition.actor_role) == (
        "notification_assessed",
        "rapid_review",
        "business_unit",
    )
    with pytest.raises(ImmutableRowError):
        transition.delete()


def test_not_notifiable_needs_a_reason_and_stops_the_rapid_review_clocks(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case, notify=False)
    with pytest.raises(CaseActionRefused, match="reason"):
        route(user, case, "record_not_notifiable")
    case = route(user, case, "record_not_notifiable", reason="The LA decided the criteria are not met.")
    assert case.stage == "not_notifiable"
    assert not clock(case, "prg_meeting").applicable
    assert not clock(case, "rapid_review_to_panel").applicable


def test_a_looked_after_childs_death_keeps_its_sos_and_ofsted_clock_on_the_not_notifiable_path(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit(nature="looked_after_child_death", abuse_or_neglect="no")
    assert case.assessment["notifiable_to_panel"] is False
    assert "notify_sos_and_ofsted" in [duty["kind"] for duty in case.assessment["duties"]]
    decide(user, case, notify=False)
    route(user, case, "record_not_notifiable", reason="No abuse or neglect suspected.")
    sos = clock(case, "sos_ofsted_notification")
    assert sos.applicable
    assert sos.due == date(2026, 12, 29)
    assert not clock(case, "panel_notification").applicable
    services.duty_record(
        acting=acting_for(user("notifier@example.org")),
        case=case,
        kind=DutyKind.SOS_OFSTED_NOTIFIED,
        done_on=date(2026, 12, 22),
        recorded_at=NOON_21_DEC.replace(day=22),
    )
    assert clock(case, "sos_ofsted_notification").met_on == date(2026, 12, 22)


def test_a_care_leavers_death_at_24_is_notified_to_the_sos_and_ofsted_only_under_wt_2023(
    submit: SubmitFunc, demo: dict[str, Partnership]
) -> None:
    bnes = submit(nature="care_leaver_death", care_leaver_age=24, abuse_or_neglect="no")
    assert not clock(bnes, "sos_ofsted_notification").applicable
    demo["northvale"].preset = "wt-2023"
    demo["northvale"].save()
    wt = submit(nature="care_leaver_death", care_leaver_age=24, abuse_or_neglect="no")
    assert clock(wt, "sos_ofsted_notification").applicable


def test_a_discretionary_review_needs_section_5_6_grounds_and_is_the_prg_chairs_choice(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit(abuse_or_neglect="no")
    decide(user, case, notify=False)
    route(user, case, "record_not_notifiable", reason="Not notifiable: a reason long enough to read.")
    with pytest.raises(CaseActionRefused, match="Only these roles"):
        route(
            user,
            case,
            "choose_discretionary_review",
            reason="Good practice: a reason long enough to read.",
            grounds=["good_practice"],
        )
    with pytest.raises(CaseActionRefused, match=GROUNDS_MISSING.split(":")[0]):
        route(
            user,
            case,
            "choose_discretionary_review",
            email="prg.chair@example.org",
            reason="Learning: a reason long enough to read.",
        )
    case = route(
        user,
        case,
        "choose_discretionary_review",
        email="prg.chair@example.org",
        reason="Agencies worked well together.",
        grounds=["good_practice"],
    )
    assert case.stage == "local_review"
    assert case.decision_on == date(2026, 12, 21)
    assert clock(case, "publication").due == date(2027, 6, 21)
    assert CaseTransition.objects.filter(case=case).latest("id").grounds == ["good_practice"]


def test_routing_is_atomic_when_the_audit_write_fails(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case)
    with (
        mock.patch("cspr.cases.services.routing.audit_case", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        route(user, case, "start_rapid_review")
    assert Case.objects.get(pk=case.pk).stage == "notification_assessed"
    assert not CaseTransition.objects.filter(case=case).exists()


def test_later_lifecycle_transitions_are_not_taken_through_routing(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused, match="not something this page can do"):
        route(user, case, "ratify")


# -- duties and clocks ---------------------------------------------------------------------------------------------


def duty(user: UserAs, case: Case, kind: str, done_on: date, **extra: Any) -> DutyRecord:
    return services.duty_record(
        acting=acting_for(user(extra.pop("email", "notifier@example.org"))),
        case=case,
        kind=kind,
        done_on=done_on,
        recorded_at=datetime(2027, 1, 8, 12, 0, tzinfo=LONDON),
        **extra,
    )


def test_notifying_the_panel_on_time_stops_its_clock_as_met(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case)
    with pytest.raises(CaseActionRefused, match="Panel's reference"):
        duty(user, case, DutyKind.PANEL_NOTIFIED, date(2026, 12, 23))
    duty(user, case, DutyKind.PANEL_NOTIFIED, date(2026, 12, 23), panel_reference="CSPRP-123")
    case.refresh_from_db()
    assert case.panel_notified_on == date(2026, 12, 23)
    assert clock(case, "panel_notification").met_on == date(2026, 12, 23)
    with pytest.raises(CaseActionRefused, match="already recorded"):
        duty(user, case, DutyKind.PANEL_NOTIFIED, date(2026, 12, 24), panel_reference="again")


def test_a_duty_met_late_needs_a_reason(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case)
    with pytest.raises(CaseActionRefused, match=re.escape(DUTY_LATE_REASON)):
        duty(user, case, DutyKind.PARTNERS_INFORMED, date(2026, 12, 30))
    with pytest.raises(CaseActionRefused, match=re.escape(DUTY_LATE_REASON)):
        duty(
            user,
            case,
            DutyKind.PARTNERS_INFORMED,
            date(2026, 12, 30),
            late_reason="Closed.",
        )
    duty(user, case, DutyKind.PARTNERS_INFORMED, date(2026, 12, 30), late_reason="The office was closed.")
    met = clock(case, "partners_notified")
    assert (met.met_on, met.unseal("late_reason")) == (date(2026, 12, 30), "The office was closed.")
    # The clock stops the way every clock does, with its own event beside the duty's.
    (stopped,) = AuditEvent.objects.filter(verb="case.clock_met", object_id=str(case.pk))
    assert stopped.details == {
        "reference": case.reference,
        "clock": "partners_notified",
        "met_on": "2026-12-30",
        "late": True,
    }


def test_a_duty_reads_its_clock_once_under_the_case_lock(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case)
    with CaptureQueriesContext(connection) as queries:
        duty(user, case, DutyKind.PARTNERS_INFORMED, date(2026, 12, 30), late_reason="The office was closed.")
    clock_reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT") and CaseClock._meta.db_table in query["sql"]
    ]
    assert len(clock_reads) == 1, clock_reads


def test_a_reason_given_for_a_duty_met_on_time_is_not_kept_as_a_late_reason(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case)
    record = duty(
        user,
        case,
        DutyKind.PARTNERS_INFORMED,
        date(2026, 12, 22),
        late_reason="not late at all",
    )
    assert record.unseal("late_reason") == ""


def test_the_panel_cannot_be_recorded_as_notified_when_the_la_decided_not_to(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    decide(user, case, notify=False)
    with pytest.raises(CaseActionRefused, match="decided not to notify"):
        duty(user, case, DutyKind.PANEL_NOTIFIED, date(2026, 12, 22), panel_reference="X")


def test_under_wt_2023_notifying_the_panel_starts_the_rapid_review_clocks(
    submit: SubmitFunc, user: UserAs, demo: dict[str, Partnership]
) -> None:
    demo["northvale"].preset = "wt-2023"
    demo["northvale"].save()
    case = submit()
    decide(user, case)
    duty(user, case, DutyKind.PANEL_NOTIFIED, date(2026, 12, 23), panel_reference="CSPRP-9")
    # 10 working days after Wednesday 23 December 2026: 24, 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11 Jan.
    assert clock(case, "prg_meeting").due == date(2027, 1, 11)
    assert clock(case, "rapid_review_to_panel").due == date(2027, 1, 18)


def test_other_areas_informed_needs_the_area_and_can_be_recorded_more_than_once(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused, match="which area"):
        duty(user, case, DutyKind.OTHER_AREA_INFORMED, date(2026, 12, 22))
    duty(user, case, DutyKind.OTHER_AREA_INFORMED, date(2026, 12, 22), other_area="Southmoor")
    duty(user, case, DutyKind.OTHER_AREA_INFORMED, date(2026, 12, 22), other_area="Eastdale")
    assert DutyRecord.objects.filter(case=case, kind=DutyKind.OTHER_AREA_INFORMED).count() == 2


def test_an_agency_contributor_cannot_record_duties(submit: SubmitFunc, user: UserAs) -> None:
    case = submit()
    with pytest.raises(CaseActionRefused):
        duty(user, case, DutyKind.PARTNERS_INFORMED, date(2026, 12, 22), email="contributor.health@example.org")


def test_an_extension_agreed_with_the_panel_moves_the_due_date_with_its_reason(
    submit: SubmitFunc, user: UserAs
) -> None:
    case = submit()
    bu = acting_for(user("business.unit@example.org"))

    def extend(acting: Any, clock_id: str, extended_to: date, reason: str, agreed_by: str) -> CaseClock:
        return services.clock_extension_record(
            acting=acting, case=case, clock_id=clock_id, extended_to=extended_to, reason=reason, agreed_by=agreed_by
        )

    with pytest.raises(CaseActionRefused, match="reason"):
        extend(bu, "rapid_review_to_panel", date(2027, 1, 20), reason="", agreed_by="")
    with pytest.raises(CaseActionRefused, match="after the current due date"):
        extend(bu, "rapid_review_to_panel", date(2027, 1, 12), reason="r: a reason long enough to read.", agreed_by="a")
    extended = extend(
        bu,
        "rapid_review_to_panel",
        date(2027, 1, 20),
        reason="The police asked for time to interview a witness.",
        agreed_by="Panel case officer, 11 January 2027",
    )
    assert (extended.due, extended.effective_due) == (date(2027, 1, 13), date(2027, 1, 20))
    assert AuditEvent.objects.filter(verb="case.clock_extended", object_id=str(case.pk)).exists()
    with pytest.raises(CaseActionRefused):
        extend(
            acting_for(user("notifier@example.org")),
            "prg_meeting",
            date(2027, 1, 20),
            reason="r: a reason long enough to read.",
            agreed_by="a",
        )


# -- transitions are serialised per case ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_one_case_at_once_make_one_transition(submit: SubmitFunc, user: UserAs) -> None:
    """Two business unit officers press "Start the rapid review" together: the row lock lets one through and the
    other finds the case already moved, so there is one transition row, not two."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time; the race needs PostgreSQL's row locks")
    case = submit()
    decide(user, case)
    officer = acting_for(user("business.unit@example.org"))
    outcomes: list[str] = []

    def press() -> None:
        try:
            services.case_route(acting=officer, case=Case.objects.get(pk=case.pk), transition="start_rapid_review")
            outcomes.append("moved")
        except CaseActionRefused:
            outcomes.append("refused")

    at_the_same_moment(press)
    assert sorted(outcomes) == ["moved", "refused"]
    assert CaseTransition.objects.filter(case=case, transition="start_rapid_review").count() == 1


# -- the free-text policy applies to direct calls as well as to the forms -------------------------------------------

BIDI_OVERRIDE = "\u202e"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ("extension", "reason"),
        ("extension_agreed_by", "agreed_by"),
        ("duty_other_area", "other_area"),
        ("duty_panel_reference", "panel_reference"),
        ("route", "reason"),
    ],
)
def test_a_service_called_directly_refuses_text_its_form_would_refuse_and_writes_nothing(
    submit: SubmitFunc, user: UserAs, call: str, field: str
) -> None:
    case = submit()
    decide(user, case)
    officer = acting_for(user("business.unit@example.org"))
    extension: dict[str, Any] = {
        "acting": officer,
        "case": case,
        "clock_id": "panel_notification",
        "extended_to": date(2027, 1, 8),
    }
    duty: dict[str, Any] = {"acting": officer, "case": case, "done_on": date(2026, 12, 21), "recorded_at": NOON_21_DEC}
    calls: dict[str, Callable[[], Any]] = {
        "extension": lambda: services.clock_extension_record(
            **extension, reason=f"Agreed{BIDI_OVERRIDE}", agreed_by="The Panel"
        ),
        "extension_agreed_by": lambda: services.clock_extension_record(
            **extension, reason="Agreed by telephone.", agreed_by=f"Panel{BIDI_OVERRIDE}"
        ),
        "duty_other_area": lambda: services.duty_record(
            **duty, kind=DutyKind.OTHER_AREA_INFORMED, other_area=f"Southmoor{BIDI_OVERRIDE}"
        ),
        "duty_panel_reference": lambda: services.duty_record(
            **duty, kind=DutyKind.PANEL_NOTIFIED, panel_reference="CSPRP-1\x00"
        ),
        "route": lambda: route(user, case, "withdraw", reason=f"Withdrawn{BIDI_OVERRIDE} by the notifier"),
    }
    transitions, duties = CaseTransition.objects.count(), DutyRecord.objects.count()
    with pytest.raises(CaseActionRefused) as refused:
        calls[call]()
    assert refused.value.field == field
    assert "must not contain" in refused.value.message
    assert (CaseTransition.objects.count(), DutyRecord.objects.count()) == (transitions, duties)


# -- a closed or withdrawn case --------------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["NVALE-2026-006", "NVALE-2026-002"])  # withdrawn; closed as not notifiable
def test_a_closed_or_withdrawn_case_takes_no_decision_or_duty_until_reopened(
    user: UserAs, client_as: Any, reference: str
) -> None:
    case = Case.objects.get(reference=reference)
    before = (Decision.objects.filter(case=case).count(), DutyRecord.objects.filter(case=case).count())
    with pytest.raises(CaseActionRefused, match=CASE_CLOSED):
        decide(user, case, notify=False)
    with pytest.raises(CaseActionRefused, match=CASE_CLOSED):
        services.duty_record(
            acting=acting_for(user("business.unit@example.org")),
            case=case,
            kind=DutyKind.PARTNERS_INFORMED,
            done_on=date(2026, 12, 21),
            recorded_at=NOON_21_DEC,
        )
    assert (Decision.objects.filter(case=case).count(), DutyRecord.objects.filter(case=case).count()) == before
    for email in ("notifier@example.org", "business.unit@example.org"):
        client = client_as(email)
        overview = client.get(f"/cases/{reference}/").content.decode()
        assert "Record the local authority" not in overview
        assert "Record a duty done" not in overview
        assert client.get(f"/cases/{reference}/local-authority-decision/").status_code == 404
    assert "Reopen the case" in client_as("business.unit@example.org").get(f"/cases/{reference}/").content.decode()
