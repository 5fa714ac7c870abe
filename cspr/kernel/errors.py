"""Exceptions the case services raise (kept apart so every case module can import them)."""

from __future__ import annotations


class CaseActionRefused(ValueError):
    """A case action cannot be taken; ``str(error)`` says why, ``field`` names the input at fault if any."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
