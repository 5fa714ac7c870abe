"""How long a piece of typed text is, for every minimum length in the domain (reasons, late reasons)."""

from __future__ import annotations

import re

__all__ = ["text_length"]

_SPACES = re.compile(r"\s+")


def text_length(text: str) -> int:
    """Characters that count: leading and trailing space dropped, each run of spaces or line breaks counted once."""
    return len(_SPACES.sub(" ", text or "").strip())
