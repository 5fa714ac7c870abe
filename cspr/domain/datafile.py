"""Reading the domain's data files (``data/*.toml`` beside its modules), checked as they are read.

Each reader says where a value is (``where``: the file, the entry and the key) so that a mistake in a file stops the
import with a :class:`DataFileError` a person can find and fix, rather than a wrong value reaching a page.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path

__all__ = ["DataFileError", "flag", "items", "known", "listed", "member", "named", "read", "table", "text", "words"]


class DataFileError(ValueError):
    """A data file says something its reader cannot hold; the message names the file, the entry and the key."""


def read(path: Path) -> dict[str, object]:
    """The file's document, or :class:`DataFileError` naming the file and where its TOML is wrong."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path}: {error}") from None


def table(value: object, where: str) -> dict[str, object]:
    """``value`` when it is a table."""
    if not isinstance(value, dict):
        raise DataFileError(f"{where}: expected a table, found {value!r}")
    return value


def known(entry: Mapping[str, object], keys: tuple[str, ...], where: str) -> None:
    """Refuses a key that is not one of ``keys``."""
    unknown = sorted(set(entry) - set(keys))
    if unknown:
        raise DataFileError(f"{where}: unknown key {', '.join(unknown)} (expected {', '.join(keys)})")


def words(value: object, where: str) -> str:
    """``value`` when it is words, not blank."""
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(f"{where}: expected words, found {value!r}")
    return value


def text(entry: Mapping[str, object], key: str, where: str) -> str:
    """The words at ``key``: there, and not blank."""
    if key not in entry:
        raise DataFileError(f"{where}: missing {key}")
    return words(entry[key], f"{where}.{key}")


def items(entry: Mapping[str, object], key: str, where: str) -> list[object]:
    """The list at ``key``: there, and not empty."""
    if key not in entry:
        raise DataFileError(f"{where}: missing {key}")
    value = entry[key]
    if not isinstance(value, list) or not value:
        raise DataFileError(f"{where}.{key}: expected a list that is not empty, found {value!r}")
    return value


def listed[T](
    entry: Mapping[str, object], key: str, where: str, read: Callable[[object, str], T], *, required: bool = False
) -> tuple[T, ...]:
    """Each item of the list at ``key`` as ``read`` makes it (given the item and where it is); none when the key is
    left out, unless it is ``required``, but a list that is there must not be empty."""
    if key not in entry and not required:
        return ()
    return tuple(read(item, f"{where}.{key}[{index}]") for index, item in enumerate(items(entry, key, where)))


def flag(entry: Mapping[str, object], key: str, where: str) -> bool:
    """The yes or no at ``key``; no when the key is left out."""
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise DataFileError(f"{where}.{key}: expected true or false, found {value!r}")
    return value


def member[E: StrEnum](enum: type[E], value: object, where: str) -> E:
    """``value`` as one of ``enum``'s members."""
    try:
        return enum(str(value))
    except ValueError:
        raise DataFileError(f"{where}: {value!r} is not one of {', '.join(enum)}") from None


def named[T](choices: Mapping[str, T], value: object, where: str) -> T:
    """The one of ``choices`` that ``value`` names."""
    if not isinstance(value, str) or value not in choices:
        raise DataFileError(f"{where}: {value!r} is not one of {', '.join(choices)}")
    return choices[value]
