"""How long a piece of typed text is, for every minimum length in the domain (reasons, late reasons); and the
service's own words put in a sentence: a label inside one, a count of things."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["counted", "in_sentence", "text_length"]

_SPACES = re.compile(r"\s+")


def text_length(text: str) -> int:
    """Characters that count: leading and trailing space dropped, each run of spaces or line breaks counted once,
    and invisible formatting characters (zero-width spaces and joiners, direction marks, soft hyphens: Unicode's
    category Cf) not counted at all, so a reason cannot be made of nothing the reader sees."""
    visible = "".join(char for char in text or "" if unicodedata.category(char) != "Cf")
    return len(_SPACES.sub(" ", visible).strip())


# Names that keep their capital inside a sentence (besides abbreviations such as PRG, DfE or DHR, kept by their form).
PROPER_NOUNS = ("Panel", "Ofsted", "Executive Group", "Secretary of State", "Independent Chair", "Child ")


def in_sentence(label: object) -> str:
    """A label as it reads inside a sentence: its first letter lowered ("Information provided to the Panel" →
    "information provided to the Panel"), unless it starts with a name or an abbreviation ("PRG chair" stays).
    Lowering every letter would lower the names too."""
    text = str(label)
    first_word = text.split(" ", 1)[0]
    if text.startswith(PROPER_NOUNS) or sum(letter.isupper() for letter in first_word) > 1:
        return text
    return text[:1].lower() + text[1:]


def counted(count: int, thing: str, things: str = "") -> str:
    """ "1 item", "2 items": a number and the word for that many (``things`` where adding an "s" is wrong)."""
    return f"{count} {thing if count == 1 else things or thing + 's'}"
