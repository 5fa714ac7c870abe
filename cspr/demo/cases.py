"""Invented demo cases for Northvale, created through the services with fixed dates (January to November 2026).

The cases themselves are data, in ``data/cases.toml`` beside this module: every name, date of birth and address
there is made up and obviously fictional. :func:`demo_cases` reads the file into the dataclasses below, checking
each value against the field it fills, and :func:`seed_demo_cases` creates them. Called from
``cspr.demo.partnerships.seed_demo`` inside its transaction, so it runs once, on an empty database.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from cspr.cases.models import Case, DutyKind
from cspr.cases.notification import NotificationData
from cspr.cases.services import (
    case_route,
    duty_record,
    family_told_record,
    la_decision_record,
    notification_submit,
    parallel_process_add,
)
from cspr.demo.common import BUSINESS_UNIT, LONDON, NOTIFIER, acting, answers, on
from cspr.demo.local_reviews import LOCAL_REVIEW_STEPS, LocalReviewStep
from cspr.demo.national_reviews import NATIONAL_REVIEW_STEPS, NationalReviewStep
from cspr.demo.rapid_reviews import RAPID_REVIEW_STEPS, RapidReviewStep
from cspr.letters.services import letter_sent_record
from cspr.partnerships.models import Partnership

CASES_FILE = Path(__file__).resolve().parent / "data" / "cases.toml"


@dataclass(frozen=True)
class LaDecision:
    """The local authority's decision, recorded by its notifier on the day it is dated."""

    notify_panel: bool
    decided_on: date
    reason: str
    hour: int = 10

    def take(self, case: Case) -> None:
        la_decision_record(
            acting=acting(NOTIFIER), case=case, recorded_at=on(self.decided_on, self.hour), **answers(self)
        )


@dataclass(frozen=True)
class Duty:
    """A notification duty done, recorded by ``by`` on the day it was done."""

    by: str
    kind: DutyKind
    done_on: date
    panel_reference: str = ""
    hour: int = 10

    def take(self, case: Case) -> None:
        duty_record(acting=acting(self.by), case=case, recorded_at=on(self.done_on, self.hour), **answers(self))


@dataclass(frozen=True)
class Route:
    """The business unit moves the case on."""

    transition: str
    at: datetime
    reason: str = ""

    def take(self, case: Case) -> None:
        case_route(acting=acting(BUSINESS_UNIT), case=case, transition=self.transition, reason=self.reason, at=self.at)


@dataclass(frozen=True)
class Process:
    """The business unit adds a parallel process to the case's register (§9) at ``at``."""

    kind: str
    status: str
    at: datetime
    lead_organisation: str = ""
    contact: str = ""
    next_hearing_on: date | None = None
    expected_end_on: date | None = None
    restricted: bool = False
    restriction_terms: str = ""
    effect: str = "none"
    notes: str = ""

    def take(self, case: Case) -> None:
        parallel_process_add(acting=acting(BUSINESS_UNIT), case=case, at=self.at, **answers(self))


@dataclass(frozen=True)
class TellFamily:
    """The business unit records that the family was told the latest decision on the case (§5.3, §8.6)."""

    told_on: date
    method: str
    told_by: str
    what_was_said: str
    hour: int = 10

    def take(self, case: Case) -> None:
        family_told_record(acting=acting(BUSINESS_UNIT), case=case, at=on(self.told_on, self.hour), **answers(self))


@dataclass(frozen=True)
class SendLetter:
    """The business unit records that a letter of the catalogue went (``cspr.domain.letters``), as the one who sent
    it, on the day it was sent."""

    letter: str
    sent_on: date
    method: str
    hour: int = 10

    def take(self, case: Case) -> None:
        letter_sent_record(acting=acting(BUSINESS_UNIT), case=case, at=on(self.sent_on, self.hour), **answers(self))


Step = (
    LaDecision
    | Duty
    | Route
    | Process
    | TellFamily
    | SendLetter
    | RapidReviewStep
    | NationalReviewStep
    | LocalReviewStep
)


@dataclass(frozen=True)
class DemoCase:
    """One demo case: who submits it and when, what it says, and what is done on it afterwards, in order."""

    by: str
    submitted_at: datetime
    notification: NotificationData
    referral: bool = False
    steps: tuple[Step, ...] = ()

    def seed(self, partnership: Partnership) -> Case:
        case = notification_submit(
            acting=acting(self.by),
            partnership=partnership,
            data=self.notification,
            as_referral=self.referral,
            submitted_at=self.submitted_at,
        )
        for step in self.steps:
            step.take(case)
        return case


class DemoDataError(ValueError):
    """The demo data file says something the dataclasses cannot hold; the message names the file and the value."""


STEPS: dict[str, type[Step]] = {
    "la_decision": LaDecision,
    "duty": Duty,
    "route": Route,
    "process": Process,
    "family_told": TellFamily,
    "letter_sent": SendLetter,
    **RAPID_REVIEW_STEPS,
    **NATIONAL_REVIEW_STEPS,
    **LOCAL_REVIEW_STEPS,
}
"""What each step of a case is called in the data file (its ``step`` key)."""


def _table(cls: type[Any], values: Any, where: str) -> Any:
    """An instance of the dataclass ``cls`` from a table of the data file: no unknown key, none missing."""
    if not isinstance(values, Mapping):
        raise DemoDataError(f"{where}: expected a table, found {values!r}")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise DemoDataError(f"{where}: unknown key {', '.join(unknown)} (a {cls.__name__} has {', '.join(fields)})")
    missing = [
        name
        for name, field in fields.items()
        if name not in values and field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise DemoDataError(f"{where}: missing {', '.join(missing)}")
    hints = get_type_hints(cls)
    return cls(**{name: _value(hints[name], value, f"{where}.{name}") for name, value in values.items()})


def _value(kind: Any, value: Any, where: str) -> Any:
    """``value`` as the field type ``kind`` holds it, or a :class:`DemoDataError` saying where it does not fit."""
    if get_origin(kind) is tuple:  # tuple[item, ...]: a list in the file
        if not isinstance(value, list):
            raise DemoDataError(f"{where}: expected a list, found {value!r}")
        return tuple(_value(get_args(kind)[0], item, f"{where}[{index}]") for index, item in enumerate(value))
    if get_origin(kind) is types.UnionType:
        options = [option for option in get_args(kind) if option is not type(None)]
        if len(options) == 1:  # optional: the file leaves the key out for None
            return _value(options[0], value, where)
        return _step(value, where)  # the one union of several types: a step of a case
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _table(kind, value, where)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(str(member.value) for member in kind)
            raise DemoDataError(f"{where}: {value!r} is not one of {choices}") from None
    if kind is datetime and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=LONDON)  # the file's times are Europe/London
    if kind is date and isinstance(value, date) and not isinstance(value, datetime):
        return value
    if kind in (str, bool) and isinstance(value, kind):
        return value
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise DemoDataError(f"{where}: expected {getattr(kind, '__name__', kind)}, found {value!r}")


def _step(values: Any, where: str) -> Step:
    """A step of a case, the dataclass named by its ``step`` key."""
    name = values.get("step") if isinstance(values, Mapping) else None
    if name not in STEPS:
        raise DemoDataError(f"{where}: step must be one of {', '.join(STEPS)}, found {name!r}")
    fields = {key: value for key, value in values.items() if key != "step"}
    return _table(STEPS[name], fields, f"{where} ({name})")


def demo_cases(path: Path = CASES_FILE) -> tuple[DemoCase, ...]:
    """The demo cases in the data file, in the order they are created; each notification starts from the file's
    ``notification_defaults``."""
    with path.open("rb") as file:
        try:
            document = tomllib.load(file)
        except tomllib.TOMLDecodeError as error:
            raise DemoDataError(f"{path}: {error}") from None
    unknown = sorted(set(document) - {"notification_defaults", "cases"})
    if unknown:
        raise DemoDataError(f"{path}: unknown key {', '.join(unknown)} (the file has notification_defaults, cases)")
    defaults = document.get("notification_defaults", {})
    cases = []
    for index, values in enumerate(document.get("cases", [])):
        where = f"{path}: cases[{index}]"
        if isinstance(values, Mapping) and isinstance(values.get("notification"), Mapping):
            values = {**values, "notification": {**defaults, **values["notification"]}}
        cases.append(_table(DemoCase, values, where))
    return tuple(cases)


def seed_demo_cases(*, partnership: Partnership) -> list[Case]:
    """The data file's cases, at several stages. Returns them in the order created."""
    return [demo.seed(partnership) for demo in demo_cases()]
