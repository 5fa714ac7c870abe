"""The one policy for free text typed by people (forms, services, the API, chronology imports).

Professionals type special-category facts about children into reasons, notes, returns and the rapid review
record; that text is later read as evidence, exported to Word and stored on PostgreSQL. Every free-text value
goes through :func:`clean_text` (or :func:`text_problem`, which only says what is wrong), so the same input is
refused or kept the same way whichever door it came in by.

Refused, with a message naming the field (nothing is silently removed):

- control characters (Unicode category Cc): NUL, the rest of C0, DEL and C1, except tab, line feed and carriage
  return. PostgreSQL cannot store NUL; the others are invisible, break the Word export (XML 1.0 forbids them) and
  have no place in typed prose;
- bidirectional embedding, override and isolate controls (U+202A to U+202E, U+2066 to U+2069): they reorder what a
  reader sees without changing what is stored, so a record could read differently from what it says ("Trojan
  Source"). The implicit marks (U+200E, U+200F, U+061C) are kept: they cannot reorder a run of text, and text
  pasted from right-to-left languages carries them;
- lone surrogates (U+D800 to U+DFFF), which JSON can carry but neither UTF-8, the encryption nor PostgreSQL accept;
- Unicode noncharacters (U+FDD0 to U+FDEF and the last two code points of every plane): not for interchange, and
  U+FFFE/U+FFFF make the Word export fail;
- tag characters (U+E0000 to U+E007F): invisible, they can carry hidden text alongside what the reader sees.

Normalised, identically for one-line and multi-line fields: line breaks (CR LF, CR, U+2028, U+2029) become
``\\n``; the text is put in Unicode NFC (so the same words typed on two systems compare and search alike); spaces
at the end of every line are removed, and so are blank lines and spaces at the start and end of the text. Runs of
spaces inside a line, tabs and blank lines between paragraphs are kept: people align chronologies and lists with
them, and collapsing them would change what was recorded.

Length is counted after normalising (so a line break counts once, as the browser counts it), in characters, and
bounded by the kind of field: :data:`ONE_LINE`, :data:`PLACE`, :data:`ADDRESS`, :data:`NOTE`, :data:`REASON`,
:data:`NARRATIVE`.

Pure Python: the form field (:class:`cspr.core.forms.FreeTextField`), the services and the API schemas adapt it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# -- limits, by kind of field ---------------------------------------------------------------------------------------

ONE_LINE = 200
"""Names, roles, titles, places and other one-line answers."""
PLACE = 500
"""Where a meeting is, or the link to join it."""
ADDRESS = 1_000
"""A postal address."""
NOTE = 2_000
"""A short note: a chronology entry, a link's note, a partnership's own wording."""
REASON = 5_000
"""A reason for a decision, an extension or lateness."""
NARRATIVE = 20_000
"""Paragraphs: the notification's outline, a return's narrative, the rapid review record's sections."""

# -- messages -------------------------------------------------------------------------------------------------------

CONTROL = "{What} must not contain control characters"
DIRECTION = "{What} must not contain hidden characters that change the direction of text"
HIDDEN = "{What} must not contain hidden tag characters"
INVALID = "{What} must not contain characters that are not valid text"
TOO_LONG = "{What} must be {limit:,} characters or fewer"

# -- the refused characters -----------------------------------------------------------------------------------------

_ALLOWED_CONTROLS = "\t\n\r"
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029")


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_kind(char: str) -> str:
    """The message template refusing ``char``, or "" when the policy allows it."""
    code = ord(char)
    if char in _BIDI_CONTROLS:
        return DIRECTION
    if 0xD800 <= code <= 0xDFFF or _is_noncharacter(code):
        return INVALID
    if 0xE0000 <= code <= 0xE007F:
        return HIDDEN
    if (code < 0x20 or 0x7F <= code <= 0x9F) and char not in _ALLOWED_CONTROLS:
        return CONTROL
    return ""


_SUSPECT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe-\U0010ffff]"
)


def refused_message(value: str) -> str:
    """The template of the first refused character in ``value`` (see the module's list), or ""."""
    for match in _SUSPECT.finditer(value):
        kind = refused_kind(match.group())
        if kind:
            return kind
    return ""


def normalise(value: str) -> str:
    """Line breaks as ``\\n``, NFC, no spaces at line ends, no blank lines or spaces around the text.

    Only for text that :func:`refused_message` accepts (refused characters are never removed silently).
    """
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def subject_words(subject: str) -> dict[str, str]:
    """``what`` and ``What`` for the message templates, from how the field is named ("The case outline")."""
    return {"what": subject[:1].lower() + subject[1:], "What": subject[:1].upper() + subject[1:]}


class TextRefused(ValueError):
    """Free text the policy refuses; ``message`` names the field, ``field`` is its input name, ``code`` the kind."""

    def __init__(self, message: str, *, field: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


_CODES = {CONTROL: "control_characters", DIRECTION: "bidi_controls", HIDDEN: "tag_characters", INVALID: "invalid"}


def text_problem(value: str, *, subject: str, limit: int) -> tuple[str, str] | None:
    """What is wrong with ``value`` as (message, code), or None when :func:`clean_text` would accept it."""
    kind = refused_message(value)
    if kind:
        return kind.format(**subject_words(subject)), _CODES[kind]
    if len(normalise(value)) > limit:
        return TOO_LONG.format(limit=limit, **subject_words(subject)), "max_length"
    return None


def clean_text(
    value: str, *, subject: str, limit: int, field: str = "", refused: Callable[..., Exception] = TextRefused
) -> str:
    """``value`` normalised, or ``refused(message, field=field)`` raised naming ``subject``.

    Services pass their own refusal (``refused=CaseActionRefused``) so that their callers catch one exception.
    """
    if not isinstance(value, str):
        raise refused(f"{subject_words(subject)['What']} must be text", field=field)
    problem = text_problem(value, subject=subject, limit=limit)
    if problem is not None:
        raise refused(problem[0], field=field)
    return normalise(value)


class FieldTexts:
    """One app's free-text inputs, listed under the limit of their kind: how each is named in messages, with the
    refusal its callers catch.

    ``TEXTS = FieldTexts({PLACE: {"where": "Where the meeting is"}}, refused=CaseActionRefused)``, then
    ``TEXTS.clean("where", value)`` in the service (``TEXTS.needed("where", value, MESSAGE)`` where it may not be
    empty), and ``TEXTS.subject("where")`` for the form's field, so the page and the service say the same words. A
    name listed under two limits is a mistake in the table, refused here.
    """

    def __init__(self, kinds: dict[int, dict[str, str]], *, refused: Callable[..., Exception] = TextRefused):
        self.fields = {name: (subject, limit) for limit, named in kinds.items() for name, subject in named.items()}
        if len(self.fields) != sum(len(named) for named in kinds.values()):
            raise ValueError("A free-text input is listed under more than one limit.")
        self.refused = refused

    def subject(self, name: str) -> str:
        return self.fields[name][0]

    def limit(self, name: str) -> int:
        return self.fields[name][1]

    def clean(self, name: str, value: str | None, *, field: str = "") -> str:
        subject, limit = self.fields[name]
        return clean_text(value or "", subject=subject, limit=limit, field=field or name, refused=self.refused)

    def needed(self, name: str, value: str | None, message: str, *, field: str = "") -> str:
        """:meth:`clean`, for words the write cannot do without: refused with ``message`` when there are none."""
        value = self.clean(name, value, field=field)
        if not value:
            raise self.refused(message, field=field or name)
        return value


def printable(text: str, *, limit: int = 300) -> str:
    """Text safe to keep in the audit trail's JSON on either database: no NUL, no lone surrogates, bounded."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text[:limit])
