"""Operators' command: disable an account in every partnership at once, or enable it again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from cspr.accounts.operators import PersonCommand
from cspr.accounts.selectors import user_by_email
from cspr.accounts.services import AccountChangeRefused, account_set_active
from cspr.partnerships.scoping import acting_for


class Command(PersonCommand):
    help = (
        "Disable an account everywhere (every membership stops working and every session ends at once), "
        "or enable it again with --enable. Superusers only; audited with --by as the actor and the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--reason", required=True, help="Why, in words (kept in the audit trail).")
        parser.add_argument("--enable", action="store_true", help="Enable the account again instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Whether --by may do this is the service's rule (it refuses anyone but an active superuser, in its words).
        acting = acting_for(user_by_email(email=options["by"]), via="command")
        person = self.person(options["email"])
        try:
            ended = account_set_active(acting=acting, user=person, active=options["enable"], reason=options["reason"])
        except AccountChangeRefused as refusal:
            raise CommandError(str(refusal), returncode=2) from refusal
        if options["enable"]:
            self.stdout.write(f"Enabled the account of {person.email}. Their memberships work again.")
        else:
            self.stdout.write(f"Disabled the account of {person.email} everywhere; {ended} session(s) ended.")
