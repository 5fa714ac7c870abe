"""What the operators' commands share: the person a command is about, found by e-mail address, and the operator
running it, named by ``--by`` and recorded as the actor in the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.accounts.selectors import user_by_email
from cspr.kernel.acting import Acting
from cspr.partnerships.scoping import acting_for

if TYPE_CHECKING:
    from cspr.accounts.models import User

NO_SUCH_ACCOUNT = "No account has the e-mail address {email!r}."
NO_SUCH_ACTIVE_ACCOUNT = "No active account has the e-mail address {email!r}."
NOT_A_SUPERUSER = "--by {email!r} is not an active superuser."


def add_by_argument(parser: CommandParser, *, doing: str, required: bool = False) -> None:
    parser.add_argument(
        "--by", required=required, help=f"The e-mail address of the superuser {doing} (recorded in the audit trail)."
    )


def acting_superuser(email: str | None, *, refusal: str = NOT_A_SUPERUSER) -> Acting:
    """The superuser named by ``--by`` acting (the service itself when none is named); a CommandError saying
    ``refusal`` for anyone else."""
    if not email:
        return acting_for(None, via="command")
    actor = user_by_email(email=email)
    if actor is None or not actor.is_superuser or not actor.is_active:
        raise CommandError(refusal.format(email=email), returncode=2)
    return acting_for(actor, via="command")


class PersonCommand(BaseCommand):
    """An operators' command about one person (``--email``), run by a superuser (``--by``)."""

    email_help = "The e-mail address of the account."
    doing = "doing this"
    by_required = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help=self.email_help)
        add_by_argument(parser, doing=self.doing, required=self.by_required)

    def person(self, email: str, *, active: bool = False) -> User:
        """The account with this address (an active one, with ``active``), or a CommandError."""
        person = user_by_email(email=email)
        if person is None or (active and not person.is_active):
            raise CommandError(
                (NO_SUCH_ACTIVE_ACCOUNT if active else NO_SUCH_ACCOUNT).format(email=email), returncode=2
            )
        return person
