"""Operators' command: issue an API token acting with one membership's permissions. Prints the token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from cspr.accounts.operators import PersonCommand, acting_superuser
from cspr.api.services import api_token_issue
from cspr.domain.roles import Role
from cspr.partnerships.scoping import scope_for
from cspr.partnerships.selectors import partnership_by_code, user_memberships

NO_SUCH_PARTNERSHIP = "No partnership has the code {code!r}."
NO_MEMBERSHIP = "{email} has no active membership in {partnership}{matching}."
AMBIGUOUS = (
    "{email} has more than one active membership in {partnership}{matching}: {choices}. "
    "Say which with --role (and --organisation)."
)


class Command(PersonCommand):
    help = (
        "Issue an API token for a person's membership of a partnership. The token acts with that one membership's "
        "role, organisation and partnership. It is printed once, alone on the last line; only its hash is kept."
    )

    email_help = "The person (often a service account) the token acts as."
    doing = "issuing it"
    by_required = False

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--partnership", required=True, help="The partnership's code, e.g. NVALE.")
        parser.add_argument(
            "--role", choices=[role.value for role in Role], help="Which membership, when the person has several."
        )
        parser.add_argument("--organisation", help="The membership's organisation, when the role alone is ambiguous.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'Northvale case system'.")

    def handle(self, *args: Any, **options: Any) -> None:
        acting = acting_superuser(options["by"])
        person = self.person(options["email"], active=True)
        partnership = partnership_by_code(code=options["partnership"])
        if partnership is None:
            raise CommandError(NO_SUCH_PARTNERSHIP.format(code=options["partnership"]), returncode=2)
        memberships = user_memberships(scope=scope_for(person)).filter(partnership=partnership)
        matching = ""
        if options["role"]:
            memberships = memberships.filter(role=options["role"])
            matching = f" as {Role(options['role']).label.lower()}"
        if options["organisation"]:
            memberships = memberships.filter(organisation__name__iexact=options["organisation"].strip())
            matching += f" for {options['organisation'].strip()}"
        found = list(memberships)
        if not found:
            raise CommandError(
                NO_MEMBERSHIP.format(email=person.email, partnership=partnership.name, matching=matching), returncode=2
            )
        if len(found) > 1:
            choices = "; ".join(
                f"{Role(m.role).value}" + (f" ({m.organisation})" if m.organisation_id else "") for m in found
            )
            raise CommandError(
                AMBIGUOUS.format(email=person.email, partnership=partnership.name, matching=matching, choices=choices),
                returncode=2,
            )
        membership = found[0]
        name = options["name"].strip() or f"{person.email} as {Role(membership.role).label.lower()}"
        issued = api_token_issue(acting=acting, membership=membership, name=name[:200])
        self.stdout.write(
            f"Issued API token {issued.token.prefix}… ({issued.token.name}) for {person.email}, "
            f"{membership}.\nIt is shown once and cannot be shown again: store it now. "
            f"Revoke it with: manage.py revoke_api_token --prefix {issued.token.prefix}"
        )
        self.stdout.write(issued.secret)
