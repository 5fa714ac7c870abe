"""Operators' command: create an account, or add a membership to an existing one."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cspr.accounts.selectors import user_exists
from cspr.accounts.services import user_get_or_create
from cspr.domain.roles import Role
from cspr.kernel.acting import system_acting
from cspr.partnerships.selectors import organisation_by_name, partnership_by_code
from cspr.partnerships.services import MembershipError, membership_grant


class Command(BaseCommand):
    help = (
        "Create an account with a membership, or add a membership to an existing account. "
        "The password comes from the PASSWORD environment variable or a prompt (new accounts only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--partnership", required=True, help="The partnership's code, for example BNES.")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--organisation", help="The organisation's name (needed for notifiers and contributors).")
        parser.add_argument("--name", default="", help="The person's full name (new accounts).")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_by_code(code=options["partnership"])
        if partnership is None:
            raise CommandError(f"No partnership has the code {options['partnership']!r}.", returncode=2)
        organisation = None
        if options["organisation"]:
            organisation = organisation_by_name(name=options["organisation"])
            if organisation is None:
                raise CommandError(f"No organisation is called {options['organisation']!r}.", returncode=2)
        role = Role(options["role"])
        email = options["email"].strip().lower()
        password = os.environ.get("PASSWORD")
        if password is None and not user_exists(email=email):
            password = getpass.getpass("Password for the new account: ")
        acting = system_acting()  # the operator is not named: the service itself acts
        try:
            with transaction.atomic():
                user, created = user_get_or_create(
                    acting=acting, email=email, full_name=options["name"] or email.split("@")[0], password=password
                )
                membership, added = membership_grant(
                    acting=acting, user=user, partnership=partnership, role=role, organisation=organisation
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
        except (MembershipError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from error
        account = "Created the account" if created else "The account already existed"
        change = "added" if added else "was already there"
        self.stdout.write(f"{account} {user.email}; membership {membership} {change}.")
