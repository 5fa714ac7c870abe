"""How long a piece of typed text is, for every minimum length in the domain (reasons, late reasons)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["text_length"]

_SPACES = re.compile(r"\s+")


def text_length(text: str) -> int:
    """Characters that count: leading and trailing space dropped, each run of spaces or line breaks counted once,
    and invisible formatting characters (zero-width spaces and joiners, direction marks, soft hyphens: Unicode's
    category Cf) not counted at all, so a reason cannot be made of nothing the reader sees."""
    visible = "".join(char for char in text or "" if unicodedata.category(char) != "Cf")
    return len(_SPACES.sub(" ", visible).strip())
