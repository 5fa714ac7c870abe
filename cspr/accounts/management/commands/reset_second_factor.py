"""Operators' command: remove a person's authenticator app and recovery codes (they set up again at sign-in)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.accounts.selectors import user_by_email
from cspr.accounts.services import second_factor_reset
from cspr.partnerships.scoping import acting_for

NO_SUCH_ACCOUNT = "No account has the e-mail address {email!r}."
NOT_A_SUPERUSER = "{email!r} is not an active superuser: only a superuser may reset a second factor."


class Command(BaseCommand):
    help = (
        "Reset a person's second factor: their authenticator app and recovery codes are removed and every "
        "session of theirs ends, so at their next sign-in they set up a new app. Audited, with --by as the actor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The e-mail address of the person whose app is lost.")
        parser.add_argument("--by", required=True, help="The e-mail address of the superuser doing this.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = user_by_email(email=options["by"])
        if actor is None or not actor.is_superuser or not actor.is_active:
            raise CommandError(NOT_A_SUPERUSER.format(email=options["by"]), returncode=2)
        person = user_by_email(email=options["email"])
        if person is None:
            raise CommandError(NO_SUCH_ACCOUNT.format(email=options["email"]), returncode=2)
        removed = second_factor_reset(acting=acting_for(actor, via="command"), user=person)
        self.stdout.write(
            f"Reset the second factor of {person.email}: {removed} device(s) removed and their sessions ended. "
            "They will set up a new authenticator app when they next sign in."
        )
