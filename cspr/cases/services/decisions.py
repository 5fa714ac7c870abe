"""The local authority's decision on notifying the Panel (§3.5), and the notification duties done (§3.5-3.7)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from cspr.cases.models import DUTY_CLOCKS, Case, CaseClock, DutyKind, DutyRecord, LocalAuthorityDecision
from cspr.cases.services.clocks import clock_met, clocks_refresh
from cspr.cases.services.common import TEXTS, case_locked, check_day, la_notifier_grant, latest_la_decision
from cspr.domain.clocks import LATE_REASON_MIN, is_late, late_reason_missing
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, inserted, link, local_today, now, require, tell_case
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import member_emails

LA_DECISION_NOT_ALLOWED = (
    "Only the local authority records its decision on notifying the Panel. The business unit may record the first "
    "decision on the local authority's behalf, naming the officer who decided, but cannot change a decision already "
    "recorded: a correction is a new decision by the local authority."
)
CASE_CLOSED = "The case is closed: reopen it, giving a reason, before recording anything more on it."
LA_OFFICER_NEEDED = "Enter the name and role of the local authority officer who decided."
REASON_NEEDED = "Enter the reason for the decision."
DUTY_LATE_REASON = (
    f"The duty was met after its due date: enter the reason it was late (at least {LATE_REASON_MIN} characters)."
)
DUTY_NOT_APPLICABLE = "This duty does not apply to this case."
DUTY_ALREADY_RECORDED = "This duty was already recorded as done on {done_on}."
PANEL_REFERENCE_NEEDED = "Enter the Panel's reference for the notification."
OTHER_AREA_NEEDED = "Enter which area was informed."
LA_DECISION_FIRST = "Record the local authority's decision to notify the Panel first: notifying is its duty (§3.5)."
PANEL_NOT_NOTIFIED_BY_LA = "The local authority decided not to notify the Panel. Record a new decision by it first."


def _open(case: Case) -> None:
    """A closed or withdrawn case takes no decision or duty until it is reopened (its rules say so too)."""
    if case.is_closed:
        raise CaseActionRefused(CASE_CLOSED)


def la_decision_record(
    *,
    acting: Acting,
    case: Case,
    notify_panel: bool,
    decided_on: date,
    reason: str,
    la_officer_name: str = "",
    la_officer_role: str = "",
    recorded_at: datetime | None = None,
) -> LocalAuthorityDecision:
    """Record the local authority's decision whether to notify the Panel (§3.5): who decided, when and why.

    A notifier of a local-authority organisation records it, and any later correction (a new row). The business
    unit may record the first decision on the LA's behalf, naming the LA officer and their role; it can never
    record one once a decision exists. The first decision on a referral is the LA notifying the partnership: it
    starts the ``notified`` clocks. The audit event records the membership used: the notifier's for that
    organisation, or the business unit's.
    """
    _open(case)
    require("cases.record_la_decision", acting.scope, case, LA_DECISION_NOT_ALLOWED)
    recorded_at = now(recorded_at)
    notifier = la_notifier_grant(acting.scope, case.partnership_id)
    on_behalf = notifier is None
    grant = acting.grant_for(case.partnership_id, [Role.BUSINESS_UNIT]) if notifier is None else notifier
    reason = TEXTS.clean("reason", reason)
    la_officer_name = TEXTS.clean("la_officer_name", la_officer_name)
    la_officer_role = TEXTS.clean("la_officer_role", la_officer_role)
    if not reason:
        raise CaseActionRefused(REASON_NEEDED, field="reason")
    if on_behalf and not (la_officer_name and la_officer_role):
        raise CaseActionRefused(LA_OFFICER_NEEDED, field="la_officer_name")
    check_day(decided_on, case=case, today=local_today(recorded_at), field="decided_on")
    with transaction.atomic():
        case = case_locked(case)
        if on_behalf and LocalAuthorityDecision.objects.filter(case=case).exists():
            raise CaseActionRefused(LA_DECISION_NOT_ALLOWED)  # re-checked under the lock
        first = not LocalAuthorityDecision.objects.filter(case=case).exists()
        decision = inserted(
            LocalAuthorityDecision(
                case=case,
                decided_on=decided_on,
                notify_panel=notify_panel,
                decided_by=acting.user,
                decided_by_organisation_id=notifier.organisation_id if notifier is not None else None,
                on_behalf_of_la=on_behalf,
                la_officer_name=la_officer_name if on_behalf else "",
                la_officer_role=la_officer_role if on_behalf else "",
                recorded_at=recorded_at,
            ),
            reason=reason,
        )
        if first and case.as_referral and case.notified_on is None:
            case.notified_on = local_today(recorded_at)
            case.save(update_fields=["notified_on"])
        clocks_refresh(case=case)
        audit_case(
            acting,
            "case.la_decision_recorded",
            case,
            grant=grant,
            decision_id=decision.pk,
            notify_panel=notify_panel,
            decided_on=decided_on,
            on_behalf_of_la=on_behalf,
            correction=not first,
        )
        outcome = "will notify the Panel" if notify_panel else "will not notify the Panel"
        # A referral becomes the LA's notification at its first decision to notify: the chairs hear of it now (§3.4).
        chairs_too = first and case.as_referral and notify_panel
        roles = [Role.BUSINESS_UNIT, Role.INDEPENDENT_CHAIR, Role.PRG_CHAIR] if chairs_too else [Role.BUSINESS_UNIT]
        tell_case(
            case=case,
            to=member_emails(partnership_id=case.partnership_id, roles=roles),
            about=f"the local authority {outcome}",
            news=f"The local authority's decision on case {case.reference} is recorded: it {outcome}. Decide whether a "
            "rapid review follows.",
            then="Sign in to see the case",
            link=link("cases:detail", reference=case.reference),
            kind="case.la_decision",
        )
    return decision


def _duty_grant(acting: Acting, case: Case) -> Grant | None:
    """Who may record a duty (``cases.record_duty``): the business unit, or a notifier for the local authority."""
    business_unit = acting.grant_for(case.partnership_id, [Role.BUSINESS_UNIT])
    return business_unit if business_unit is not None else la_notifier_grant(acting.scope, case.partnership_id)


def duty_record(
    *,
    acting: Acting,
    case: Case,
    kind: str,
    done_on: date,
    panel_reference: str = "",
    other_area: str = "",
    late_reason: str = "",
    recorded_at: datetime | None = None,
) -> DutyRecord:
    """Record that a notification duty was done (§3.5-3.7); it stops its clock as met, or met late with a reason.

    The Panel notification sets ``panel_notified_on``, which starts ``wt-2023``'s rapid-review clocks.
    """
    _open(case)
    require("cases.record_duty", acting.scope, case)
    recorded_at = now(recorded_at)
    kind = DutyKind(kind).value
    check_day(done_on, case=case, today=local_today(recorded_at), field="done_on")
    panel_reference = TEXTS.clean("panel_reference", panel_reference)
    other_area = TEXTS.clean("other_area", other_area)
    late_reason = TEXTS.clean("late_reason", late_reason)
    if kind == DutyKind.PANEL_NOTIFIED and not panel_reference:
        raise CaseActionRefused(PANEL_REFERENCE_NEEDED, field="panel_reference")
    if kind == DutyKind.OTHER_AREA_INFORMED and not other_area:
        raise CaseActionRefused(OTHER_AREA_NEEDED, field="other_area")
    with transaction.atomic():
        case = case_locked(case)
        clock_id = DUTY_CLOCKS[kind]
        clock = CaseClock.objects.select_for_update().filter(case=case, clock_id=clock_id).first() if clock_id else None
        if clock_id:
            previous = DutyRecord.objects.filter(case=case, kind=kind).first()
            if previous is not None:
                raise CaseActionRefused(DUTY_ALREADY_RECORDED.format(done_on=f"{previous.done_on:%-d %B %Y}"))
            if kind == DutyKind.PANEL_NOTIFIED:
                decision = latest_la_decision(case)
                if decision is None:
                    raise CaseActionRefused(LA_DECISION_FIRST)
                if not decision.notify_panel:
                    raise CaseActionRefused(PANEL_NOT_NOTIFIED_BY_LA)
            if clock is None or not clock.applicable:
                raise CaseActionRefused(DUTY_NOT_APPLICABLE)
        due = clock.effective_due if clock is not None else None
        late = due is not None and is_late(done_on, due)
        if late_reason_missing(done_on, due, late_reason):
            raise CaseActionRefused(DUTY_LATE_REASON, field="late_reason")
        duty = inserted(
            DutyRecord(
                case=case,
                kind=kind,
                done_on=done_on,
                panel_reference=panel_reference,
                recorded_by=acting.user,
                recorded_at=recorded_at,
            ),
            other_area=other_area,
            late_reason=late_reason if late else "",
        )
        if clock is not None:
            clock_met(acting=acting, case=case, clock=clock, met_on=done_on, late_reason=late_reason)
        if kind == DutyKind.PANEL_NOTIFIED:
            case.panel_notified_on = done_on
            case.save(update_fields=["panel_notified_on"])
            clocks_refresh(case=case)
        audit_case(
            acting, "case.duty_recorded", case, grant=_duty_grant(acting, case), duty=kind, done_on=done_on, late=late
        )
    return duty
