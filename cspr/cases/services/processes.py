"""The register of a case's parallel processes (procedure §8.8, §9): a process added, changed, and the liaison
with it recorded (the early police/CPS discussion of §9.4, and later ones).

The business unit keeps the register. Its free text (the contact, a restriction's terms, the effect on the review,
notes, with whom and what was agreed) is cleaned by the one text policy and sealed (ADR 0009); the audit trail
keeps the kind, status and dates, never the words. A change carries the version it was opened at and is refused as
:class:`cspr.kernel.edits.StaleEdit` when someone saved the process since (ADR 0013).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Unpack, cast

from django.db import transaction

from cspr.cases.models import Case, LiaisonEntry, ParallelProcess
from cspr.cases.selectors_processes import ProcessAnswers
from cspr.cases.services.common import allowed
from cspr.kernel.acting import Acting
from cspr.kernel.edits import EditStamp, check_not_stale
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import audit_case, inserted, local_today, not_future, now, person
from cspr.kernel.text import NOTE, ONE_LINE, FieldTexts
from cspr.partnerships.scoping import Grant

RECORD = "cases.record_parallel_processes"

UNKNOWN_KIND = "Select what kind of process it is"
UNKNOWN_STATUS = "Select where the process stands"
UNKNOWN_EFFECT = "Select the effect on the review"
OTHER_KIND_NOTE = "Say in the notes what the process is"
TERMS_NEEDED = "Enter the terms of the reporting restriction or court order"
TERMS_WITHOUT_RESTRICTION = "Select yes for a reporting restriction or court order, or remove its terms"
EFFECT_NOTE_NEEDED = "Say what the effect on the review is"
EFFECT_NOTE_NOT_OTHER = "Select 'other' for the effect on the review, or remove what you wrote about it"
CONCLUDED_ON_NEEDED = "Enter the date the process concluded"
CONCLUDED_ON_NOT_CONCLUDED = "Only a concluded process has a date it concluded: remove the date or change its status"
END_BEFORE_HEARING = "Date it is expected to end must be the same as or after the date of the next hearing"
HEARING_AFTER_CONCLUDED = "Date of the next hearing must be the same as or before the date it concluded"
PROCESS_NOT_FOUND = "There is no such parallel process on this case."
WITH_WHOM_NEEDED = "Enter with whom the discussion was held"
AGREED_NEEDED = "Enter what was agreed"

TEXTS = FieldTexts(
    {
        ONE_LINE: {
            "lead_organisation": "The lead organisation",
            "contact": "The contact",
            "with_whom": "With whom",
        },
        NOTE: {
            "restriction_terms": "The terms of the restriction or order",
            "effect_note": "The effect on the review",
            "notes": "The notes",
            "agreed": "What was agreed",
        },
    },
    refused=CaseActionRefused,
)
"""How the register's free-text inputs are named in messages, under the limit of their kind (the forms use the same
words)."""

SEALED = ("contact", "restriction_terms", "effect_note", "notes")
TEXT_ANSWERS = ("lead_organisation", *SEALED)
"""A process's answers in words: the lead organisation's name, in clear, and the sealed text."""

# The answers the notification form offers for its list of parallel processes, and the register's kind for each.
NAMED_KINDS = {
    "police investigation": ParallelProcess.Kind.CRIMINAL_INVESTIGATION,
    "coroner": ParallelProcess.Kind.CORONERS_INQUEST,
}


def kind_for_named(named: str) -> tuple[str, str]:
    """The register's kind for a process as a notifier named it, and the note to keep: the words themselves when
    they name no kind the register knows ("other")."""
    kind = NAMED_KINDS.get(" ".join(named.split()).casefold())
    return (kind.value, "") if kind else (ParallelProcess.Kind.OTHER.value, named)


def process_stamp(process: ParallelProcess) -> EditStamp:
    """The process's version now, and who saved it last and when."""
    by = process.updated_by
    return EditStamp(version=process.version, by=by.full_name or by.email, at=process.updated_at)


def _checked(today: date, answers: ProcessAnswers) -> dict[str, Any]:
    """The process's answers, checked and their text cleaned, as the row's values (the text not sealed yet); an
    answer left out is empty, not restricted, or of no effect."""
    kind, status = answers["kind"], answers["status"]
    effect = answers.get("effect", ParallelProcess.Effect.NONE)
    restricted = bool(answers.get("restricted", False))
    concluded_on = answers.get("concluded_on")
    if kind not in ParallelProcess.Kind.values:
        raise CaseActionRefused(UNKNOWN_KIND, field="kind")
    if status not in ParallelProcess.Status.values:
        raise CaseActionRefused(UNKNOWN_STATUS, field="status")
    if effect not in ParallelProcess.Effect.values:
        raise CaseActionRefused(UNKNOWN_EFFECT, field="effect")
    texts = {name: TEXTS.clean(name, cast(str, answers.get(name, ""))) for name in TEXT_ANSWERS}
    if kind == ParallelProcess.Kind.OTHER and not texts["notes"]:
        raise CaseActionRefused(OTHER_KIND_NOTE, field="notes")
    if restricted and not texts["restriction_terms"]:
        raise CaseActionRefused(TERMS_NEEDED, field="restriction_terms")
    if not restricted and texts["restriction_terms"]:
        raise CaseActionRefused(TERMS_WITHOUT_RESTRICTION, field="restricted")
    if effect == ParallelProcess.Effect.OTHER and not texts["effect_note"]:
        raise CaseActionRefused(EFFECT_NOTE_NEEDED, field="effect_note")
    if effect != ParallelProcess.Effect.OTHER and texts["effect_note"]:
        raise CaseActionRefused(EFFECT_NOTE_NOT_OTHER, field="effect")
    if status == ParallelProcess.Status.CONCLUDED and concluded_on is None:
        raise CaseActionRefused(CONCLUDED_ON_NEEDED, field="concluded_on")
    if status != ParallelProcess.Status.CONCLUDED and concluded_on is not None:
        raise CaseActionRefused(CONCLUDED_ON_NOT_CONCLUDED, field="concluded_on")
    if concluded_on is not None:
        not_future(concluded_on, today=today, field="concluded_on")
    hearing, end = answers.get("next_hearing_on"), answers.get("expected_end_on")
    if hearing is not None and end is not None and end < hearing:
        raise CaseActionRefused(END_BEFORE_HEARING, field="expected_end_on")
    if hearing is not None and concluded_on is not None and hearing > concluded_on:
        raise CaseActionRefused(HEARING_AFTER_CONCLUDED, field="next_hearing_on")
    return {
        "kind": kind,
        "status": status,
        "next_hearing_on": hearing,
        "expected_end_on": end,
        "concluded_on": concluded_on,
        "restricted": restricted,
        "effect": effect,
        **texts,
    }


def _checked_answers(
    acting: Acting, case: Case, at: datetime | None, answers: ProcessAnswers
) -> tuple[Grant | None, datetime, dict[str, Any]]:
    """The checks shared by adding and changing a process: the right to keep the register, the moment, and the
    answers checked (:func:`_checked`)."""
    grant = allowed(acting, RECORD, case)
    at = now(at)
    return grant, at, _checked(local_today(at), answers)


def _write(process: ParallelProcess, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in SEALED:
            process.seal(name, value)
        else:
            setattr(process, name, value)


def _inserted(*, case: Case, acting: Acting, at: datetime, values: dict[str, Any]) -> ParallelProcess:
    """A new row of the register, made (and so last changed) by the person acting at ``at``, its answers written."""
    process = ParallelProcess(case=case, created_by=acting.user, created_at=at, updated_by=acting.user, updated_at=at)
    _write(process, values)
    process.save(force_insert=True)
    return process


def _facts(process: ParallelProcess) -> dict[str, Any]:
    """What the audit trail keeps of a process: its kind, status, dates and flags, never its words."""
    return {
        "process": process.pk,
        "kind": process.kind,
        "status": process.status,
        "next_hearing_on": process.next_hearing_on,
        "expected_end_on": process.expected_end_on,
        "concluded_on": process.concluded_on,
        "restricted": process.restricted,
        "effect": process.effect,
    }


def process_create(
    *, case: Case, acting: Acting, at: datetime, kind: str, status: str, notes: str = ""
) -> ParallelProcess:
    """One row of the register from the notification (inside the caller's transaction; the caller checks)."""
    return _inserted(case=case, acting=acting, at=at, values={"kind": kind, "status": status, "notes": notes})


def processes_from_notification(*, case: Case, acting: Acting, at: datetime, named: Iterable[str]) -> int:
    """The register's first entries, from the processes the notification named: each active, of the kind its words
    name, or "other" with the words as its note. Runs inside the notification's transaction; how many were made."""
    made = 0
    for item in named:
        kind, note = kind_for_named(item)
        process_create(case=case, acting=acting, at=at, kind=kind, status=ParallelProcess.Status.ACTIVE, notes=note)
        made += 1
    return made


def parallel_process_add(
    *, acting: Acting, case: Case, at: datetime | None = None, **answers: Unpack[ProcessAnswers]
) -> ParallelProcess:
    """Add a process to the case's register."""
    grant, at, values = _checked_answers(acting, case, at, answers)
    with transaction.atomic():
        process = _inserted(case=case, acting=acting, at=at, values=values)
        audit_case(acting, "case.parallel_process_added", case, obj=process, grant=grant, **_facts(process))
    return process


def parallel_process_change(
    *,
    acting: Acting,
    case: Case,
    process_id: int,
    opened_version: int | None = None,
    at: datetime | None = None,
    **answers: Unpack[ProcessAnswers],
) -> ParallelProcess:
    """Change a process of the register: every answer is given again, as the form shows them all.

    ``opened_version`` is the process's version the page showed (:func:`process_stamp`); when somebody has saved
    it since, :class:`cspr.kernel.edits.StaleEdit` is raised and nothing is written (``None``: no check).
    """
    grant, at, values = _checked_answers(acting, case, at, answers)
    with transaction.atomic():
        process = (
            ParallelProcess.objects.select_for_update()
            .select_related("updated_by")
            .filter(case=case, pk=process_id)
            .first()
        )
        if process is None:
            raise CaseActionRefused(PROCESS_NOT_FOUND)
        check_not_stale(what="The process", opened=opened_version, current=process_stamp(process))
        _write(process, values)
        process.version += 1
        process.updated_by = person(acting)
        process.updated_at = at
        process.save()
        audit_case(
            acting,
            "case.parallel_process_changed",
            case,
            obj=process,
            grant=grant,
            version=process.version,
            **_facts(process),
        )
    return process


def parallel_process_liaison_record(
    *,
    acting: Acting,
    case: Case,
    process_id: int,
    held_on: date,
    with_whom: str,
    agreed: str,
    at: datetime | None = None,
) -> LiaisonEntry:
    """Record a discussion with a process's lead: when, with whom and what was agreed (§9.4)."""
    grant = allowed(acting, RECORD, case)
    at = now(at)
    not_future(held_on, today=local_today(at), field="held_on")
    with_whom = TEXTS.clean("with_whom", with_whom)
    agreed = TEXTS.clean("agreed", agreed)
    if not with_whom:
        raise CaseActionRefused(WITH_WHOM_NEEDED, field="with_whom")
    if not agreed:
        raise CaseActionRefused(AGREED_NEEDED, field="agreed")
    with transaction.atomic():
        process = ParallelProcess.objects.filter(case=case, pk=process_id).first()
        if process is None:
            raise CaseActionRefused(PROCESS_NOT_FOUND)
        entry = inserted(
            LiaisonEntry(process=process, held_on=held_on, recorded_by=acting.user, recorded_at=at),
            with_whom=with_whom,
            agreed=agreed,
        )
        audit_case(
            acting,
            "case.parallel_process_liaison_recorded",
            case,
            obj=entry,
            grant=grant,
            process=process.pk,
            kind=process.kind,
            held_on=held_on,
        )
    return entry
