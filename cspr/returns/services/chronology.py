"""A return's chronology: entries typed, changed or removed, a CSV or XLSX file imported (each row checked, none
doubled), and the merged chronology as a Word document.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from cspr.cases.models import Case
from cspr.core.forms import EARLIEST_HISTORICAL_DATE
from cspr.domain.letters import long_date
from cspr.kernel import documents, kit, text
from cspr.kernel.acting import Acting
from cspr.kernel.crypto import normalise
from cspr.kernel.text import clean_text
from cspr.returns.models import AgencyReturn, ChronologyEntry, InformationRequest
from cspr.returns.services.common import (
    CONTRIBUTOR_ROLES,
    READER_ROLES,
    ReturnActionRefused,
    _contribution,
    _require,
)

IMPORT_MAX_ROWS = 2_000
IMPORT_KINDS = frozenset({"csv", "xlsx"})
DATE_NEEDED = "Enter the date of the event."
EVENT_NEEDED = "Enter what happened."
ENTRY_NOT_FOUND = "There is no such chronology entry on this return."
IMPORT_ARCHIVE = (
    "The selected workbook would expand to more than the service can check: save the chronology as a CSV file, or "
    "split it into smaller workbooks"
)

IMPORT_ALL_THERE = "Every row of this file is already in the chronology: nothing was added"
IMPORT_FILE_NEEDED = "Select a CSV or Excel (XLSX) file."
IMPORT_TOO_BIG = "The file must be smaller than {limit} KB."
IMPORT_TYPE = "The file must be a CSV file or an Excel spreadsheet (XLSX)."
IMPORT_HEADER = "The first row must name the columns: date, event and (optionally) source."
IMPORT_TOO_MANY = "The file has more than {limit} rows: split it into smaller files."
IMPORT_EMPTY = "The file has no rows under the header row."
ROW_DATE_MISSING = "the date is missing"
ROW_DATE_INVALID = "'{value}' is not a date (use 2026-03-31 or 31/03/2026)"
ROW_DATE_FUTURE = "the date is in the future"
ROW_DATE_EARLY = "the date is before 1900"
ROW_EVENT_MISSING = "the event is missing"


def _entry_values(happened_on: date | None, event: str, source: str) -> tuple[date, str, str]:
    """A chronology entry's date, event and source as typed, checked and cleaned (an event and a date needed)."""
    if happened_on is None:
        raise ReturnActionRefused(DATE_NEEDED, field="happened_on")
    event = clean_text(event, subject="The event", limit=text.NOTE, field="event", refused=ReturnActionRefused)
    source = clean_text(source, subject="The source", limit=text.NOTE, field="source", refused=ReturnActionRefused)
    if not event:
        raise ReturnActionRefused(EVENT_NEEDED, field="event")
    return happened_on, event, source


def chronology_entry_add(
    *,
    acting: Acting,
    info_request: InformationRequest,
    happened_on: date | None,
    event: str,
    source: str = "",
    at: datetime | None = None,
) -> ChronologyEntry:
    writing = _contribution(acting, info_request, at)
    happened_on, event, source = _entry_values(happened_on, event, source)
    with writing.draft_change() as draft:
        entry = _entry_create(draft, happened_on=happened_on, event=event, source=source)
        writing.audit("returns.chronology_entry_added", draft, entry=str(entry.uuid))
    return entry


def _entry_create(draft: AgencyReturn, *, happened_on: date, event: str, source: str, position: int = 0) -> Any:
    return kit.inserted(
        ChronologyEntry(agency_return=draft, happened_on=happened_on, position=position), event=event, source=source
    )


def _draft_entry(draft: AgencyReturn, entry_id: int) -> ChronologyEntry:
    """An entry of the draft being written; refused when it has none of that id."""
    entry = ChronologyEntry.objects.filter(agency_return=draft, pk=entry_id).first()
    if entry is None:
        raise ReturnActionRefused(ENTRY_NOT_FOUND)
    return entry


def chronology_entry_remove(
    *, acting: Acting, info_request: InformationRequest, entry_id: int, at: datetime | None = None
) -> None:
    writing = _contribution(acting, info_request, at)
    with writing.draft_change(create=False) as draft:
        entry = _draft_entry(draft, entry_id)
        entry_uuid = str(entry.uuid)
        entry.delete()
        writing.audit("returns.chronology_entry_removed", draft, entry=entry_uuid)


def chronology_entry_change(
    *,
    acting: Acting,
    info_request: InformationRequest,
    entry_id: int,
    happened_on: date | None,
    event: str,
    source: str = "",
    at: datetime | None = None,
) -> ChronologyEntry:
    """Correct an entry of the return being written (typed or imported); a submitted version stays as it was."""
    writing = _contribution(acting, info_request, at)
    happened_on, event, source = _entry_values(happened_on, event, source)
    with writing.draft_change(create=False) as draft:
        entry = _draft_entry(draft, entry_id)
        entry.happened_on = happened_on
        entry.seal("event", event)
        entry.seal("source", source)
        entry.save(update_fields=["happened_on", "event_sealed", "source_sealed"])
        writing.audit("returns.chronology_entry_changed", draft, entry=str(entry.uuid))
    return entry


@dataclass(frozen=True)
class RowProblem:
    row: int
    why: str


@dataclass(frozen=True)
class ImportReport:
    added: int
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)
    already_there: tuple[int, ...] = ()
    """Rows already in the chronology (the same date, event and source), not added again."""


def _import_limit() -> int:
    return int(getattr(settings, "RETURN_IMPORT_MAX_BYTES", 1024 * 1024))


def _read_upload(upload: Any) -> bytes:
    if upload is None:
        raise ReturnActionRefused(IMPORT_FILE_NEEDED, field="file")
    limit = _import_limit()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ReturnActionRefused(IMPORT_TOO_BIG.format(limit=limit // 1024), field="file")
    data = b""
    chunks = upload.chunks() if hasattr(upload, "chunks") else [upload.read()]
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise ReturnActionRefused(IMPORT_TOO_BIG.format(limit=limit // 1024), field="file")
    if not data:
        raise ReturnActionRefused(IMPORT_FILE_NEEDED, field="file")
    return data


def _import_kind(upload: Any, data: bytes) -> str:
    """The file store's checks, for a chronology: a safe name ending .csv or .xlsx, content that agrees with it, and
    (for a workbook) an archive that does not expand past fifty times the upload limit."""
    try:
        claimed = documents.check_upload_name(upload, allowed=IMPORT_KINDS)
        return documents.check_content(
            io.BytesIO(data), claimed=claimed, allowed=IMPORT_KINDS, max_expanded=50 * _import_limit()
        )
    except documents.FileRejected as error:
        if error.reason == "archive":
            raise ReturnActionRefused(IMPORT_ARCHIVE, field="file") from error
        raise ReturnActionRefused(IMPORT_TYPE if error.reason == "type" else error.message, field="file") from error


def _rows_from_xlsx(data: bytes) -> list[list[Any]]:
    """The first sheet's rows of a workbook the store's checks passed (so not a zip bomb)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for count, row in enumerate(sheet.iter_rows(values_only=True)):
                if count > IMPORT_MAX_ROWS + 1:
                    break
                rows.append(list(row))
        finally:
            workbook.close()
    except Exception as error:  # any fault inside an uploaded workbook is the file's, not ours
        # openpyxl reads lazily: a damaged sheet (bad XML, a missing part) fails while rows are read, with
        # whatever exception its parser raises. Whatever it is, the person is told the file cannot be read.
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error
    return rows


def _rows_from_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error
    if "\x00" in text:
        raise ReturnActionRefused(IMPORT_TYPE, field="file")
    try:
        return list(csv.reader(io.StringIO(text)))[: IMPORT_MAX_ROWS + 2]
    except csv.Error as error:
        raise ReturnActionRefused(IMPORT_TYPE, field="file") from error


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day_month_year(text: str) -> date:
    day, month, year = text.split("/")
    if len(year) != 4:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def _cell_date(value: Any, today: date) -> tuple[date | None, str]:
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _cell_text(value)
        if not text:
            return None, ROW_DATE_MISSING
        for parse in (date.fromisoformat, _day_month_year):
            try:
                day = parse(text)
                break
            except (ValueError, OverflowError):
                continue
        if day is None:
            return None, ROW_DATE_INVALID.format(value=text[:40])
    if day is not None and day > today:
        return None, ROW_DATE_FUTURE
    if day is not None and day < EARLIEST_HISTORICAL_DATE:
        return None, ROW_DATE_EARLY
    return day, ""


def parse_chronology(
    rows: list[list[Any]], *, today: date
) -> tuple[list[tuple[int, date, str, str]], list[RowProblem]]:
    """Good rows (row number, date, event, source) and the problems with the others. Row numbers are as a
    spreadsheet shows them (header = row 1)."""
    if not rows:
        raise ReturnActionRefused(IMPORT_EMPTY, field="file")
    header = [_cell_text(cell).casefold() for cell in rows[0]]
    if "date" not in header or "event" not in header:
        raise ReturnActionRefused(IMPORT_HEADER, field="file")
    if len(rows) - 1 > IMPORT_MAX_ROWS:
        raise ReturnActionRefused(IMPORT_TOO_MANY.format(limit=IMPORT_MAX_ROWS), field="file")
    date_at, event_at = header.index("date"), header.index("event")
    source_at = header.index("source") if "source" in header else None
    good: list[tuple[int, date, str, str]] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * 3
        if all(_cell_text(cell) == "" for cell in row):
            continue  # blank lines are not errors
        day, why = _cell_date(cells[date_at], today)
        event = _cell_text(cells[event_at])
        source = _cell_text(cells[source_at]) if source_at is not None else ""
        if not why and not event:
            why = ROW_EVENT_MISSING
        for value, subject in ((event, "The event"), (source, "The source")):
            problem = None if why else text.text_problem(value, subject=subject, limit=text.NOTE)
            if problem is not None:
                why = problem[0]
        if why or day is None:
            problems.append(RowProblem(row=number, why=why or ROW_DATE_MISSING))
            continue
        good.append((number, day, text.normalise(event), text.normalise(source)))
    if not good and not problems:
        raise ReturnActionRefused(IMPORT_EMPTY, field="file")
    return good, problems


def chronology_import(
    *, acting: Acting, info_request: InformationRequest, upload: Any, at: datetime | None = None
) -> ImportReport:
    """Add the readable rows of a CSV or XLSX chronology to the draft; report every row that could not be read."""
    writing = _contribution(acting, info_request, at)
    data = _read_upload(upload)
    rows = _rows_from_xlsx(data) if _import_kind(upload, data) == "xlsx" else _rows_from_csv(data)
    parsed, problems = parse_chronology(rows, today=kit.local_today(writing.at))
    with writing.draft_change() as draft:
        # The same file imported twice (or two files that overlap) must not double the chronology: a row whose
        # date, event and source are already an entry of this return is reported, not added.
        existing = list(ChronologyEntry.objects.filter(agency_return=draft))
        seen = {_entry_identity(entry.happened_on, entry.unseal("event"), entry.unseal("source")) for entry in existing}
        added = 0
        already: list[int] = []
        for number, day, event, source in parsed:
            identity = _entry_identity(day, event, source)
            if identity in seen:
                already.append(number)
                continue
            seen.add(identity)
            _entry_create(draft, happened_on=day, event=event, source=source, position=len(existing) + added)
            added += 1
        if parsed and not added and not problems:
            raise ReturnActionRefused(IMPORT_ALL_THERE, field="file")
        writing.audit(
            "returns.chronology_imported",
            draft,
            added=added,
            rows_refused=[problem.row for problem in problems],
            rows_already_there=already,
        )
    return ImportReport(added=added, problems=tuple(problems), already_there=tuple(already))


def _entry_identity(day: date, event: str, source: str) -> tuple[date, str, str]:
    """What makes two chronology entries the same: the date, and the event and source with spacing and case
    folded (a file saved again by a spreadsheet may differ only in those)."""
    return day, normalise(event), normalise(source)


def chronology_download(*, acting: Acting, case: Case, rows: list[Any], filters: dict[str, Any]) -> bytes:
    """The merged chronology (already filtered to what this person may see) as a Word document; audited."""
    from cspr.returns.exports import chronology_document

    grant = _require("returns.read_chronology", acting, case, READER_ROLES + CONTRIBUTOR_ROLES)
    with transaction.atomic():
        kit.audit_case(
            acting,
            "returns.chronology_downloaded",
            case,
            grant=grant,
            entries=len(rows),
            **{key: value for key, value in filters.items() if value},
        )
    words = []
    if filters.get("organisation"):
        words.append(f"Organisation: {filters['organisation']}.")
    if filters.get("date_from"):
        words.append(f"From {long_date(filters['date_from'])}.")
    if filters.get("date_to"):
        words.append(f"To {long_date(filters['date_to'])}.")
    return chronology_document(
        reference=case.reference, partnership=case.partnership.name, rows=rows, filters=" ".join(words)
    )
