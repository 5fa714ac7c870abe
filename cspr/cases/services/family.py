"""Telling the family (§5.3, §8.6): whatever the decision on the case (not notifiable, the criteria not met, no
further review, a local or national review, the closure), who told the family, how, when and what they were told,
or why they have not been told yet. Each is an immutable row of the case; the words are sealed and no message or
audit event carries them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import transaction

from cspr.cases import selectors
from cspr.cases.models import Case, FamilyNotYetTold, FamilyTold
from cspr.cases.services.common import allowed, case_locked
from cspr.domain.letters import long_date
from cspr.domain.rapid_review import MIN_REASON
from cspr.domain.text import text_length
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, chosen_or_other, inserted, local_today, not_future, now
from cspr.kernel.text import ONE_LINE, REASON, FieldTexts
from cspr.partnerships.scoping import Grant

FAMILY_NOTHING_TO_TELL = "There is no decision to tell the family about yet."
FAMILY_TOLD_BEFORE = "The date they were told must be on or after the day of the decision, {made_on}."
FAMILY_ALREADY_TOLD = "The family has already been told the latest decision: there is nothing to say why not yet."
FAMILY_METHOD_NEEDED = "Choose how the family was told."
FAMILY_METHOD_OTHER_NEEDED = "Say how the family was told."
FAMILY_TOLD_BY_NEEDED = "Enter who told the family, and their role."
FAMILY_WHAT_SAID_NEEDED = (
    "Enter what the family was told about the decision and its reasons (at least {minimum} characters)."
)
FAMILY_NOT_YET_REASON_NEEDED = "Enter why the family has not been told yet (at least {minimum} characters)."
FAMILY_MIN_WORDS = MIN_REASON
"""The fewest characters of what was said, or of why not yet: a sentence, not a tick (the rules' one minimum for a
reason)."""

FAMILY_TEXTS = FieldTexts(
    {
        REASON: {"what_was_said": "What they were told", "reason": "Why they have not been told yet"},
        ONE_LINE: {"method_other": "How they were told", "told_by": "Who told them"},
    },
    refused=CaseActionRefused,
)


def _decision_to_tell(case: Case) -> selectors.FamilyMoment:
    """The latest decision the family may be told about; refused when there is none yet."""
    moment = selectors.case_family_moment(case=case)
    if moment is None:
        raise CaseActionRefused(FAMILY_NOTHING_TO_TELL)
    return moment


def _words(name: str, value: str, message: str) -> str:
    """The text cleaned, refused with ``message`` when shorter than a sentence (:data:`FAMILY_MIN_WORDS`)."""
    value = FAMILY_TEXTS.clean(name, value)
    if text_length(value) < FAMILY_MIN_WORDS:
        raise CaseActionRefused(message.format(minimum=FAMILY_MIN_WORDS), field=name)
    return value


def _record[Row: (FamilyTold, FamilyNotYetTold)](
    acting: Acting,
    case: Case,
    row: Row,
    *,
    grant: Grant | None,
    verb: str,
    sealed: dict[str, str],
    check: Callable[[Case, selectors.FamilyMoment], None],
    **facts: Any,
) -> Row:
    """Save ``row`` for the latest decision on the case (the case locked while it is read, and ``check`` asked
    whether the row fits that decision), its words sealed, and audit it with the decision and ``facts``."""
    with transaction.atomic():
        case = case_locked(case)
        moment = _decision_to_tell(case)
        check(case, moment)
        row.case = case
        row.decision = moment.decision
        inserted(row, **sealed)
        audit_case(acting, verb, case, grant=grant, decision=row.decision, **facts)
    return row


def _told_after(told_on: date) -> Callable[[Case, selectors.FamilyMoment], None]:
    """The family cannot have been told a decision before the day it was made."""

    def check(case: Case, moment: selectors.FamilyMoment) -> None:
        if told_on < moment.made_on:
            raise CaseActionRefused(FAMILY_TOLD_BEFORE.format(made_on=long_date(moment.made_on)), field="told_on")

    return check


def _not_told_yet(case: Case, moment: selectors.FamilyMoment) -> None:
    """ "Why not yet" only while the family has not been told the decision."""
    if FamilyTold.objects.filter(case=case, recorded_at__gte=moment.made_at).exists():
        raise CaseActionRefused(FAMILY_ALREADY_TOLD)


def family_told_record(
    *,
    acting: Acting,
    case: Case,
    told_on: date,
    method: str,
    told_by: str,
    what_was_said: str,
    method_other: str = "",
    at: datetime | None = None,
) -> FamilyTold:
    """Who told the family the latest decision on the case and its reasons, when, how and what they were told."""
    grant = allowed(acting, "cases.record_family_told", case)
    at = now(at)
    not_future(told_on, today=local_today(at), field="told_on")
    method_other = chosen_or_other(
        method,
        method_other,
        choices=FamilyTold.Method.values,
        texts=FAMILY_TEXTS,
        needed=FAMILY_METHOD_NEEDED,
        words_needed=FAMILY_METHOD_OTHER_NEEDED,
    )
    told_by = FAMILY_TEXTS.needed("told_by", told_by, FAMILY_TOLD_BY_NEEDED)
    what_was_said = _words("what_was_said", what_was_said, FAMILY_WHAT_SAID_NEEDED)
    row = FamilyTold(told_on=told_on, method=method, told_by=told_by, recorded_by=acting.user, recorded_at=at)
    return _record(
        acting,
        case,
        row,
        grant=grant,
        verb="case.family_told",
        sealed={"what_was_said": what_was_said, "method_other": method_other},
        check=_told_after(told_on),
        method=method,
        told_on=told_on,
    )


def family_not_yet_told_record(
    *, acting: Acting, case: Case, reason: str, at: datetime | None = None
) -> FamilyNotYetTold:
    """Why the family has not been told the latest decision yet (the case still shows them as to be told)."""
    grant = allowed(acting, "cases.record_family_told", case)
    at = now(at)
    reason = _words("reason", reason, FAMILY_NOT_YET_REASON_NEEDED)
    row = FamilyNotYetTold(recorded_by=acting.user, recorded_at=at)
    return _record(
        acting,
        case,
        row,
        grant=grant,
        verb="case.family_not_yet_told",
        sealed={"reason": reason},
        check=_not_told_yet,
    )
