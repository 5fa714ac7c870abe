"""The information returns clock: stopped when the last organisation answers on time, or by the business unit, with
the reason, when the returns came in late.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cspr.cases.models import Case, CaseClock
from cspr.cases.selectors import case_clock_rows
from cspr.cases.services import case_clock_met
from cspr.domain.clocks import INFORMATION_RETURNS_CLOCK_ID, LATE_REASON_MIN, is_late, late_reason_missing
from cspr.kernel import text
from cspr.kernel.acting import Acting
from cspr.kernel.text import clean_text
from cspr.returns.models import InformationRequest
from cspr.returns.services.common import ReturnActionRefused, _require_requester

CLOCK_ID = INFORMATION_RETURNS_CLOCK_ID
RETURNS_OUTSTANDING = "Some organisations have not answered yet, so the deadline cannot be stopped."
LATE_REASON_NEEDED = (
    f"The returns came in after the due date: enter the reason they were late (at least {LATE_REASON_MIN} characters)."
)

CLOCK_ALREADY_MET = "The information returns deadline is already recorded as met."


def information_clock(case: Case) -> CaseClock | None:
    # From the case's clock rows, which the case page reads once for all its sections.
    return next((row for row in case_clock_rows(case=case) if row.clock_id == CLOCK_ID and row.applicable), None)


def _all_in_on(case: Case) -> date | None:
    """The day the last organisation answered, once every request is submitted or not involved; else ``None``."""
    requests = list(InformationRequest.objects.filter(case=case))
    if not requests or any(not info_request.is_closed for info_request in requests):
        return None
    days = [info_request.came_in_on for info_request in requests]
    return max(day for day in days if day is not None)


def _clock_stop_if_all_in(*, acting: Acting, case: Case) -> None:
    """Once every organisation has answered, stop the information returns clock if that was on time.

    Late, the clock keeps running and the board asks the business unit to record why (``returns_clock_close``):
    the person whose action happened to complete the set (an agency's lead, say) is not the one to explain.
    """
    last = _all_in_on(case)
    clock = information_clock(case)
    if last is None or clock is None or clock.met_on is not None or is_late(last, clock.effective_due):
        return
    case_clock_met(acting=acting, case=case, clock_id=CLOCK_ID, met_on=last)


def returns_clock_close(*, acting: Acting, case: Case, late_reason: str) -> CaseClock | None:
    """All returns are in after the due date: the business unit stops the clock on that day, saying why."""
    _require_requester(acting, case)
    late_reason = clean_text(
        late_reason,
        subject="The reason the returns were late",
        limit=text.REASON,
        field="late_reason",
        refused=ReturnActionRefused,
    )
    with transaction.atomic():
        last = _all_in_on(case)
        if last is None:
            raise ReturnActionRefused(RETURNS_OUTSTANDING)
        clock = information_clock(case)
        if clock is not None and clock.met_on is not None:
            raise ReturnActionRefused(CLOCK_ALREADY_MET)
        if clock is not None and late_reason_missing(last, clock.effective_due, late_reason):
            raise ReturnActionRefused(LATE_REASON_NEEDED, field="late_reason")
        return case_clock_met(
            acting=acting,
            case=case,
            clock_id=CLOCK_ID,
            met_on=last,
            late_reason=late_reason,
        )
