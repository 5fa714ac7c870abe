"""Enums whose members people read by a label (a status tag, a choice in a form or a column's choices)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar

__all__ = ["Labelled"]


class Labelled(StrEnum):
    """A member's label is its value in words ("due_soon": "Due soon"), unless the enum says other words for it in
    ``__labels__``, a table written under its members and keyed by them::

        class Basis(Labelled):
            STATUTORY = "statutory"
            LOCAL = "local"

            __labels__ = {LOCAL: "Local target"}
    """

    _value_: str  # the table below is not a member: every value is a string
    __labels__: ClassVar[Mapping[str, str]] = MappingProxyType({})

    @property
    def label(self) -> str:
        """The member's name as people read it."""
        return self.__labels__.get(self, self.value.replace("_", " ").capitalize())
