"""Letters: the partnership's letterhead (set by its admin), a letter of a case prepared for download, and the
record that it was sent.

No letter is stored and none is e-mailed (ADR 0019): :func:`letter_prepare` builds one in memory from the catalogue
(:mod:`cspr.domain.letters`), the case's facts and the letterhead, and the download hands it over. A letter that names
the family is a view of identifying details, asked and audited exactly as on the identifying-details page
(:func:`cspr.cases.services.identifying_details_view`). Nothing here queues a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.image.image import Image

from cspr.cases.facts import CaseDetail, case_detail
from cspr.cases.models import Case, DutyKind
from cspr.cases.selectors import case_children, case_duties
from cspr.cases.services import IdentifyingDetails, identifying_details_view
from cspr.core.policy import LETTER_WRITERS, LETTERHEAD_EDITORS
from cspr.domain.letters import LETTERS, LetterFacts, LetterKind, LetterText, Recipient, letter_text, long_date
from cspr.files.models import Purpose
from cspr.files.services import (
    FileDownload,
    FileEvents,
    FileKind,
    FileRejected,
    StoredFileRefused,
    Upload,
    stored_file_kept,
    stored_file_open,
    stored_file_remove,
)
from cspr.kernel import text
from cspr.kernel.acting import Acting
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.kit import allowed, audit, audit_case, chosen_or_other, local_today, not_future, now, person
from cspr.kernel.text import FieldTexts
from cspr.letters import selectors
from cspr.letters.models import Letterhead, LetterSent
from cspr.partnerships.models import Partnership
from cspr.partnerships.scoping import Grant
from cspr.partnerships.selectors import partnership_contacts

__all__ = [
    "LOGO",
    "PreparedLetter",
    "letter_prepare",
    "letter_sent_record",
    "letterhead_logo_open",
    "letterhead_logo_set",
    "letterhead_set",
]

OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
NOT_ADMIN = "Only the partnership admin can change the letterhead."
ADDRESS_NEEDED = "Enter the partnership's address"
ADDRESS_TOO_LONG = "The address must be {lines} lines or fewer"
SIGN_OFF_NEEDED = "Enter who signs the letters, and their role"
LOGO_TYPE = "The logo must be a PNG or JPEG image."
LOGO_UNREADABLE = "The logo cannot be read as a picture: save it again as a PNG or JPEG image, then upload that file."
LOGO_TOO_BIG = "The logo must be smaller than {kilobytes} KB."
LETTER_NOT_DUE = "This letter is not due on this case: the decision it tells of has not been made."
SENT_BEFORE_DECISION = "The date it was sent must be on or after the day of the decision ({day})."
METHOD_NEEDED = "Choose how the letter was sent."
METHOD_OTHER_NEEDED = "Say how the letter was sent."

ADDRESS_LINES = 8
LOGO_MAX_BYTES = 512 * 1024
LOGO_TITLE = "The partnership's logo"
#: Why the logo is opened: to be shown on the letterhead page or put on a letter (the store records it).
LOGO_REASON = "The partnership's logo, on its letterhead or a letter"

#: The logo is kept like any file (checked by content, encrypted, audited), but only as a picture a letter can hold.
LOGO = FileKind(
    Purpose.LETTERHEAD_LOGO, "letterhead.logo_set", "letterhead.logo_opened", kinds=frozenset({"png", "jpeg"})
)

TEXTS = FieldTexts(
    {
        text.ADDRESS: {"address": "The address"},
        text.ONE_LINE: {"sign_off": "Who signs the letters", "method_other": "How it was sent"},
    },
    refused=CaseActionRefused,
)


# -- the letterhead -------------------------------------------------------------------------------------------------


def _may_edit(acting: Acting, partnership: Partnership) -> Grant | None:
    """The partnership admin's membership (the service itself, loading the demo, needs none)."""
    if not acting.is_system and not acting.scope.has_any_role(partnership.pk, LETTERHEAD_EDITORS):
        raise CaseActionRefused(NOT_ADMIN)
    return acting.grant_for(partnership.pk, LETTERHEAD_EDITORS)


def _letterhead_locked(partnership: Partnership, acting: Acting, at: datetime) -> Letterhead:
    """The partnership's letterhead, locked for the change (made empty the first time)."""
    letterhead, _ = Letterhead.objects.select_for_update().get_or_create(
        partnership=partnership, defaults={"changed_by": acting.user, "changed_at": at}
    )
    letterhead.changed_by = acting.user
    letterhead.changed_at = at
    return letterhead


def letterhead_set(
    *, acting: Acting, partnership: Partnership, address: str, sign_off: str, at: datetime | None = None
) -> Letterhead:
    """The partnership's address (a line each, at most :data:`ADDRESS_LINES`) and the line its letters are signed
    with. One audit event, ``letterhead.set``, with how many lines (never the words)."""
    grant = _may_edit(acting, partnership)
    at = now(at)
    address = TEXTS.clean("address", address)
    lines = [line for line in address.split("\n") if line.strip()]
    if not lines:
        raise CaseActionRefused(ADDRESS_NEEDED, field="address")
    if len(lines) > ADDRESS_LINES:
        raise CaseActionRefused(ADDRESS_TOO_LONG.format(lines=ADDRESS_LINES), field="address")
    sign_off = TEXTS.needed("sign_off", sign_off, SIGN_OFF_NEEDED)
    with transaction.atomic():
        letterhead = _letterhead_locked(partnership, acting, at)
        letterhead.address = "\n".join(line.strip() for line in lines)
        letterhead.sign_off = sign_off
        letterhead.save()
        audit(acting, "letterhead.set", obj=letterhead, partnership=partnership, grant=grant, address_lines=len(lines))
    return letterhead


def _letter_can_hold(upload: Any) -> None:
    """Refuse a picture a Word letter cannot hold: its opening bytes may say PNG or JPEG while the rest is broken, and
    every letter of the partnership would then fail to be built."""
    content = upload.read()
    upload.seek(0)
    try:
        Image.from_blob(content)
    except (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError):
        raise FileRejected(LOGO_UNREADABLE, reason="type") from None


def letterhead_logo_set(
    *, acting: Acting, partnership: Partnership, upload: Any, at: datetime | None = None
) -> Letterhead:
    """Keep a new logo (PNG or JPEG, by name and by content, smaller than :data:`LOGO_MAX_BYTES`) through the file
    store and put it on the letterhead; the logo it replaces is removed. Audited by the store: the logo kept
    (``letterhead.logo_set``, with its checksum) and the old one removed."""
    grant = _may_edit(acting, partnership)
    at = now(at)
    if upload is not None and getattr(upload, "size", 0) > LOGO_MAX_BYTES:
        raise FileRejected(LOGO_TOO_BIG.format(kilobytes=LOGO_MAX_BYTES // 1024), reason="size")
    if upload is not None:
        _letter_can_hold(upload)
    try:
        with stored_file_kept(
            acting=acting,
            partnership=partnership,
            upload=Upload(upload, LOGO_TITLE, at),
            events=FileEvents(LOGO, grant=grant, details={"letterhead": partnership.code}),
        ) as stored_file:
            letterhead = _letterhead_locked(partnership, acting, at)
            replaced = letterhead.logo
            letterhead.logo = stored_file
            letterhead.save()
            if replaced is not None:
                stored_file_remove(acting=acting, stored_file=replaced, grant=grant, letterhead=partnership.code)
    except FileRejected as refused:
        if refused.reason == "type":
            raise FileRejected(LOGO_TYPE, reason="type") from None
        raise
    return letterhead


def letterhead_logo_open(*, acting: Acting, letterhead: Letterhead | None) -> FileDownload | None:
    """The logo's picture, opened through the store (checked whole, audited with :data:`LOGO_REASON`); ``None``
    without a logo, or when the store refuses it (the refusal is on the trail; the letter goes without)."""
    if letterhead is None or letterhead.logo is None:
        return None
    try:
        # Under a neutral name: the name it was uploaded under is never decrypted for a letter.
        logo = letterhead.logo
        return stored_file_open(
            acting=acting, stored_file=logo, reason=LOGO_REASON, neutral_name="logo", events=FileEvents(LOGO)
        )
    except StoredFileRefused:
        return None


# -- a case's letters -----------------------------------------------------------------------------------------------


def _due(case: Case, code: str) -> tuple[LetterKind, date]:
    """The letter of the catalogue and the day of its decision, refused unless the case has reached it."""
    kind = LETTERS.get(code)
    day = (
        selectors.decided_on(
            kind, selectors.case_stages_reached(case=case), selectors.case_decisions_recorded(case=case)
        )
        if kind is not None
        else None
    )
    if kind is None or day is None:
        raise CaseActionRefused(LETTER_NOT_DUE)
    return kind, day


@dataclass(frozen=True)
class PreparedLetter:
    """A letter ready to be written out as a Word document: the letterhead, the recipient, the references, the words
    and the marking. Names of the family only when ``identifying``."""

    kind: LetterKind
    reference: str
    partnership: str
    address: tuple[str, ...]
    logo: FileDownload | None
    dated: date
    recipient: tuple[str, ...]
    their_reference: str
    words: LetterText
    sign_off: str
    marking: str = OFFICIAL_SENSITIVE

    @property
    def identifying(self) -> bool:
        return self.kind.identifying

    @property
    def filename(self) -> str:
        return f"{self.reference}-{self.kind.code}.docx"


def _audit(acting: Acting, event: str, case: Case, grant: Grant | None, kind: LetterKind, **details: Any) -> None:
    """A letter's audit event: which letter of the catalogue and whom it goes to, with the event's own ``details``."""
    audit_case(acting, event, case, grant=grant, letter=kind.code, recipient=kind.recipient.value, **details)


def _family(details: IdentifyingDetails) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """(the children's names, whom the letter is addressed to, the lines of their address) from the identifying
    details: the first household member named, at their address (or the first child's), else the family."""
    children = tuple(child.name or child.pseudonym for child in details.children)
    member = next((member for member in details.household if member.name), None)
    addressee = member.name if member is not None else ""
    address = (member.address if member is not None else "") or next(
        (child.address for child in details.children if child.address), ""
    )
    lines = tuple(line.strip() for line in address.replace(",", "\n").split("\n") if line.strip())
    return children, addressee, lines


def _national(acting: Acting, case: Case, kind: LetterKind) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(the children's pseudonyms, the recipient's lines, the Panel's reference for a letter to the Panel): the
    recipient as the partnership admin named the contact (the body's own name until one is set)."""
    contacts = partnership_contacts(scope=acting.scope, partnership_id=case.partnership_id)
    contact = next((each for each in contacts if each.kind == kind.recipient.value), None)
    recipient = (contact.name,) if contact is not None and contact.name else (kind.recipient.label,)
    theirs = ""
    if kind.recipient is Recipient.PANEL:
        notified = [duty for duty in case_duties(case=case) if duty.kind == DutyKind.PANEL_NOTIFIED]
        theirs = next((duty.panel_reference for duty in reversed(notified) if duty.panel_reference), "")
    return tuple(child.pseudonym for child in case_children(case=case)), recipient, theirs


def letter_prepare(
    *, acting: Acting, case: Case, letter: str, purpose: str = "", purpose_other: str = "", at: datetime | None = None
) -> PreparedLetter:
    """One letter of the case, due at a decision the case has reached, for download; audited as
    ``letter.prepared``. A letter that names the family needs the purpose, and reveals the identifying details as the
    identifying-details page does (its own audit event, ``case.identifying_details_viewed``, with the purpose)."""
    grant = allowed(acting, "letters.prepare", case, LETTER_WRITERS)
    kind, decided = _due(case, letter)
    if kind.identifying:
        details = identifying_details_view(acting=acting, case=case, purpose=purpose, purpose_other=purpose_other)
        children, addressee, lines = _family(details)
        recipient, theirs = (addressee or f"The family of {', '.join(children)}", *lines), ""
    else:
        children, recipient, theirs = _national(acting, case, kind)
        addressee = ""
    letterhead = selectors.letterhead_get(partnership_id=case.partnership_id)
    logo = letterhead_logo_open(acting=acting, letterhead=letterhead)
    partnership = case.partnership.name
    facts = LetterFacts(
        reference=case.reference,
        partnership=partnership,
        decided_on=decided,
        children=children,
        addressee=addressee,
        reviewer=case_detail(case=case, detail=CaseDetail.REVIEWER),
    )
    with transaction.atomic():
        _audit(acting, "letter.prepared", case, grant, kind, identifying=kind.identifying)
    return PreparedLetter(
        kind=kind,
        reference=case.reference,
        partnership=partnership,
        address=tuple(letterhead.address_lines) if letterhead is not None else (),
        logo=logo,
        dated=local_today(at),
        recipient=recipient,
        their_reference=theirs,
        words=letter_text(kind, facts),
        sign_off=letterhead.sign_off if letterhead is not None else "",
    )


def letter_sent_record(
    *,
    acting: Acting,
    case: Case,
    letter: str,
    sent_on: date,
    method: str,
    method_other: str = "",
    at: datetime | None = None,
) -> LetterSent:
    """Record that a letter due on the case was sent: on what day (not in the future, not before its decision), how,
    and by the person acting. One immutable row and one audit event, ``letter.sent`` (the letter, its recipient,
    the day and the method; never the words of "other", which are sealed)."""
    grant = allowed(acting, "letters.prepare", case, LETTER_WRITERS)
    at = now(at)
    kind, decided = _due(case, letter)
    not_future(sent_on, today=local_today(at), field="sent_on")
    if sent_on < decided:
        raise CaseActionRefused(SENT_BEFORE_DECISION.format(day=long_date(decided)), field="sent_on")
    method_other = chosen_or_other(
        method,
        method_other,
        choices=LetterSent.Method.values,
        texts=TEXTS,
        needed=METHOD_NEEDED,
        words_needed=METHOD_OTHER_NEEDED,
    )
    row = LetterSent(
        case=case,
        letter=kind.code,
        recipient=kind.recipient.value,
        names_family=kind.identifying,
        sent_on=sent_on,
        method=method,
        recorded_by=person(acting),
        recorded_at=at,
    )
    row.seal("method_other", method_other)
    with transaction.atomic():
        row.save(force_insert=True)
        _audit(acting, "letter.sent", case, grant, kind, sent_on=sent_on, method=method)
    return row
