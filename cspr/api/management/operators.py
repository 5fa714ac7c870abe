"""What the token commands share: who is running them."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from cspr.accounts.selectors import user_by_email
from cspr.kernel.acting import Acting
from cspr.partnerships.scoping import acting_for

NOT_A_SUPERUSER = "--by {email!r} is not an active superuser."


def add_by_argument(parser: CommandParser, *, doing: str) -> None:
    parser.add_argument("--by", help=f"The e-mail address of the superuser {doing} (recorded in the audit trail).")


def acting_superuser(email: str | None) -> Acting:
    """The superuser named by ``--by`` acting (the service itself when not given); a CommandError for anyone else."""
    if not email:
        return acting_for(None, via="command")
    actor = user_by_email(email=email)
    if actor is None or not actor.is_superuser or not actor.is_active:
        raise CommandError(NOT_A_SUPERUSER.format(email=email), returncode=2)
    return acting_for(actor, via="command")
