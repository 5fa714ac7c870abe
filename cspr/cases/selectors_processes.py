"""Reads of a case's register of parallel processes (procedure §8.8, §9).

The case is the one its page found through the person's scope (:func:`cspr.cases.selectors.case_get`); every read
here is of that case's rows. The free text is revealed only with ``reveal`` (the ``cases.read_free_text`` rule,
ADR 0009); without it a recorded value reads as "Recorded" and is never decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Required, TypedDict

from django.db.models import Prefetch
from django.utils import timezone

from cspr.cases.models import Case, LiaisonEntry, ParallelProcess
from cspr.cases.selectors import person_name as _name
from cspr.cases.selectors import sealed_words as _text

PROCESS_TEXTS = ("contact", "restriction_terms", "effect_note", "notes")


class ProcessAnswers(TypedDict, total=False):
    """A process's answers: what the register holds of it, as its page reads them (:func:`process_answers`) and as
    :func:`cspr.cases.services.parallel_process_add` and ``parallel_process_change`` take them, as keyword arguments
    (the form's ``PROCESS_FIELDS``; one left out is as their check takes it)."""

    kind: Required[str]
    status: Required[str]
    lead_organisation: str
    contact: str
    next_hearing_on: date | None
    expected_end_on: date | None
    concluded_on: date | None
    restricted: bool
    restriction_terms: str
    effect: str
    effect_note: str
    notes: str


@dataclass(frozen=True)
class LiaisonRow:
    held_on: date
    with_whom: str
    agreed: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ProcessRow:
    """One process as its page shows it: its answers (the text for a reader allowed it), its kind, status and effect
    in words, who changed it last and when, and the liaison with it."""

    id: int
    answers: ProcessAnswers
    kind_label: str
    status_label: str
    effect_label: str
    updated_by: str
    updated_on: date
    liaison: tuple[LiaisonRow, ...]


def process_answers(process: ParallelProcess, *, reveal: bool) -> ProcessAnswers:
    """The process's answers, its text revealed only with ``reveal`` (else whether each was recorded)."""
    return ProcessAnswers(
        kind=process.kind,
        status=process.status,
        lead_organisation=process.lead_organisation,
        contact=_text(process, "contact", reveal=reveal),
        next_hearing_on=process.next_hearing_on,
        expected_end_on=process.expected_end_on,
        concluded_on=process.concluded_on,
        restricted=process.restricted,
        restriction_terms=_text(process, "restriction_terms", reveal=reveal),
        effect=process.effect,
        effect_note=_text(process, "effect_note", reveal=reveal),
        notes=_text(process, "notes", reveal=reveal),
    )


def case_processes(*, case: Case, reveal: bool = False) -> list[ProcessRow]:
    """The case's register, in the order the processes were added, each with its liaison entries."""
    liaison = Prefetch("liaison", queryset=LiaisonEntry.objects.select_related("recorded_by"))
    processes = ParallelProcess.objects.filter(case=case).select_related("updated_by").prefetch_related(liaison)
    return [
        ProcessRow(
            id=process.pk,
            answers=process_answers(process, reveal=reveal),
            kind_label=process.get_kind_display(),
            status_label=process.get_status_display(),
            effect_label=process.get_effect_display(),
            updated_by=_name(process.updated_by),
            updated_on=timezone.localdate(process.updated_at),
            liaison=tuple(
                LiaisonRow(
                    held_on=entry.held_on,
                    with_whom=_text(entry, "with_whom", reveal=reveal),
                    agreed=_text(entry, "agreed", reveal=reveal),
                    recorded_by=_name(entry.recorded_by),
                    recorded_at=entry.recorded_at,
                )
                for entry in process.liaison.all()
            ),
        )
        for process in processes
    ]


def case_process_get(*, case: Case, process_id: int) -> ParallelProcess | None:
    """One process of the case's register (with who saved it last), or ``None``."""
    return ParallelProcess.objects.filter(case=case, pk=process_id).select_related("updated_by").first()


def process_answers_revealed(process: ParallelProcess) -> dict[str, object]:
    """The process's answers as its change form starts from: every value, the sealed text revealed (the form is
    the business unit's, who may read it), and the restriction as the form's yes or no."""
    return {**process_answers(process, reveal=True), "restricted": "yes" if process.restricted else "no"}


@dataclass(frozen=True)
class ProcessFacts:
    """What the API answers of a process: kind, status and key dates, no words."""

    kind: str
    kind_label: str
    status: str
    status_label: str
    next_hearing_on: date | None
    expected_end_on: date | None
    concluded_on: date | None


def case_process_facts(*, case: Case) -> list[ProcessFacts]:
    """The register's facts only (nothing sealed is read)."""
    rows = ParallelProcess.objects.filter(case=case).only(
        "kind", "status", "next_hearing_on", "expected_end_on", "concluded_on", "case_id"
    )
    return [
        ProcessFacts(
            kind=row.kind,
            kind_label=row.get_kind_display(),
            status=row.status,
            status_label=row.get_status_display(),
            next_hearing_on=row.next_hearing_on,
            expected_end_on=row.expected_end_on,
            concluded_on=row.concluded_on,
        )
        for row in rows
    ]
