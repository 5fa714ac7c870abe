"""The service kit: the few things every service does, written once.

* :func:`now` and :func:`local_today` — the moment of a write (a test may pass one in) and its date in England.
* :func:`require` and :func:`allowed` — the object rule's check, and the membership that allows the action.
* :func:`not_future` — a date something was done is not after today.
* :func:`chosen_or_other` — how something was done: one of its choices, with words when it was "other".
* :func:`inserted` — a new row written, its free text sealed.
* :func:`audit` and :func:`audit_case` — one event on the trail, with the acting person, membership and address.
* :class:`CaseWrite` — what a write to a case works on (who, the case locked, the membership, the moment), with its
  event on the trail; an app's own kind adds what its writes share (the review, the decision …).
* :func:`tell` — one e-mail to each address through the outbox; :func:`tell_case` writes one about a case the way
  every such e-mail is written (the reference, what happened, what to do and the link), to the addresses a service
  chose (often :func:`cspr.partnerships.selectors.member_emails`).
* :func:`link` — an absolute link into the service, for e-mails.
* :func:`pseudonym` and :func:`pseudonyms_text` — "Child A" … and how a list of them reads in a message.

Messages carry references and pseudonyms only; :func:`tell` must be called inside the write's transaction (the
outbox row commits, or rolls back, with the change it announces).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import rules
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cspr.audit.models import AuditEvent
from cspr.audit.services import audit_record
from cspr.domain.roles import Role
from cspr.kernel.acting import Acting, Grant, Scope
from cspr.kernel.errors import CaseActionRefused
from cspr.kernel.sealing import SealedModel
from cspr.kernel.text import FieldTexts
from cspr.messaging.services import message_queue

if TYPE_CHECKING:
    from cspr.accounts.models import User
    from cspr.partnerships.models import Partnership

NOT_ALLOWED = "You cannot do this on this case."
DATE_IN_FUTURE = "The date must be today or in the past."
PSEUDONYM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NO_CHILD_RECORDED = "no child recorded"


class CaseLike(Protocol):
    """What the kit needs of a case (the kernel never imports the cases app)."""

    pk: Any
    reference: str
    partnership_id: int
    partnership: Partnership


def now(at: datetime | None = None) -> datetime:
    return at if at is not None else timezone.now()


def person(acting: Acting) -> User:
    """The person acting, for a row that names who changed it. Every case rule needs a membership, so the service's
    own jobs (nobody signed in) never get this far; refused all the same rather than recorded as nobody."""
    if acting.user is None:
        raise CaseActionRefused(NOT_ALLOWED)
    return acting.user


def local_today(at: datetime | None = None) -> date:
    return timezone.localdate(now(at))


def require(rule: str, scope: Scope, case: CaseLike, message: str = NOT_ALLOWED) -> None:
    """Refuse unless the object rule (an app's ``rules.py``) allows this scope on the case."""
    if not rules.test_rule(rule, scope, case):
        raise CaseActionRefused(message)


def allowed(acting: Acting, rule: str, case: CaseLike, roles: Iterable[Role]) -> Grant | None:
    """Refuse unless ``rule`` allows the person acting on the case; the membership that allows it, of ``roles``
    (the roles the rule is open to)."""
    require(rule, acting.scope, case)
    return acting.grant_for(case.partnership_id, roles)


def not_future(day: date, *, today: date, field: str) -> None:
    """Refuse a date something was done that is after ``today``."""
    if day > today:
        raise CaseActionRefused(DATE_IN_FUTURE, field=field)


def chosen_or_other(
    choice: str, words: str, *, choices: Collection[str], texts: FieldTexts, needed: str, words_needed: str
) -> str:
    """Refuse a ``method`` not among ``choices`` (with ``needed``); the words of ``method_other`` (cleaned by
    ``texts``, required with ``words_needed`` when the choice is "other"), else nothing."""
    if choice not in choices:
        raise CaseActionRefused(needed, field="method")
    if choice != "other":
        return ""
    words = texts.clean("method_other", words)
    if not words:
        raise CaseActionRefused(words_needed, field="method_other")
    return words


def inserted[Row: SealedModel](row: Row, **texts: str) -> Row:
    """``row`` written as a new row, each of its ``texts`` sealed first (inside the caller's transaction)."""
    for name, value in texts.items():
        row.seal(name, value)
    row.save(force_insert=True)
    return row


def audit(
    acting: Acting,
    verb: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    partnership: Partnership | int | None = None,
    grant: Grant | None = None,
    **details: Any,
) -> AuditEvent:
    """One event on the trail: what happened (``verb`` and ``details``: references and ids, never who a child
    is), done by ``acting`` through ``grant`` (the membership that allowed it) when a rule picked one."""
    return audit_record(
        actor=acting.user,
        verb=verb,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        details=details,
        partnership=partnership,
        membership=grant.membership_id if grant is not None else None,
        ip_address=acting.client_ip,
    )


def audit_case(
    acting: Acting,
    verb: str,
    case: CaseLike,
    *,
    obj: models.Model | None = None,
    grant: Grant | None = None,
    **details: Any,
) -> AuditEvent:
    """An event about a case (or about ``obj``, a row of it): its reference goes with every one."""
    return audit(
        acting,
        verb,
        obj=obj if obj is not None else case,  # type: ignore[arg-type]  # a case is a model
        partnership=case.partnership_id,
        grant=grant,
        reference=case.reference,
        **details,
    )


@dataclass(frozen=True, kw_only=True)
class CaseWrite:
    """What a write to a case works on, inside its transaction: who is acting, the case (locked), the membership that
    allows the write and the moment. An app's kind of write adds what its own writes share."""

    verbs: ClassVar[str] = ""
    """What the verbs of the app's events begin with (``"local_review."``), when its writes name them short."""

    acting: Acting
    case: CaseLike
    grant: Grant | None
    at: datetime

    def audit(self, verb: str, obj: models.Model | None = None, **details: Any) -> AuditEvent:
        """The write's event on the trail, about ``obj`` (a row of the case, else the case), through the membership."""
        return audit_case(self.acting, f"{self.verbs}{verb}", self.case, obj=obj, grant=self.grant, **details)


def tell(*, partnership: Partnership | None, to: Iterable[str], subject: str, body: str, kind: str) -> int:
    """Queue one e-mail to each address (inside the caller's transaction); how many were queued.

    A message about a partnership's work opens with the partnership's name, so a person who belongs to several
    partnerships knows at once which one writes; the service's own messages about an account have none."""
    if partnership is not None:
        body = f"{partnership.name}\n\n{body}"
    count = 0
    for address in to:
        message_queue(to=address, subject=subject, body=body, kind=kind, partnership=partnership)
        count += 1
    return count


def tell_case(*, case: CaseLike, to: Iterable[str], about: str, news: str, then: str, link: str, kind: str) -> int:
    """Queue an e-mail about a case (inside the caller's transaction), written as every one is: the subject is the
    case's reference and what the message is ``about``; the body, under the partnership's name (:func:`tell`), says
    what happened (``news``), then what to do (``then``) with the ``link`` that does it. How many were queued.

    The words name the case by its reference (and its children by pseudonym, where the news needs them), never who
    anyone is: the reader follows the link and signs in."""
    subject = f"{case.reference}: {about}"
    body = f"{news}\n\n{then}: {link}\n"
    return tell(partnership=case.partnership, to=to, subject=subject, body=body, kind=kind)


def link(view_name: str, **kwargs: Any) -> str:
    """An absolute link to a page of the service (``SERVICE_URL`` and the named URL), for an e-mail."""
    return f"{settings.SERVICE_URL}{reverse(view_name, kwargs=kwargs or None)}"


def pseudonym(position: int) -> str:
    """The pseudonym of a case's child at ``position`` (from 0): "Child A" … "Child Z", then "Child AA" …"""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = PSEUDONYM_LETTERS[remainder] + letters
    return f"Child {letters}"


def pseudonyms_text(pseudonyms: Iterable[str]) -> str:
    """How a case's children are named in a message: "Child A, Child B", or that none is recorded yet."""
    return ", ".join(pseudonyms) or NO_CHILD_RECORDED
