"""Operators' command: revoke an API token by the prefix shown when it was issued."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.accounts.operators import acting_superuser, add_by_argument
from cspr.api.selectors import api_tokens_by_prefix
from cspr.api.services import TOKEN_PREFIX, api_token_revoke

PREFIX_TOO_SHORT = f"Give at least the first {len(TOKEN_PREFIX) + 4} characters of the token (its prefix)."
NO_SUCH_TOKEN = "No API token has the prefix {prefix!r}."  # noqa: S105 - not a secret
AMBIGUOUS = "More than one API token starts with {prefix!r}: {choices}. Give more of the prefix."
_PREFIX_SHAPE = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]+$")


class Command(BaseCommand):
    help = "Revoke an API token, given the prefix printed when it was issued. Takes effect on its next request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="The token's prefix, e.g. cspr_AbCd1234.")
        add_by_argument(parser, doing="revoking it")

    def handle(self, *args: Any, **options: Any) -> None:
        acting = acting_superuser(options["by"])
        # A whole token pasted by mistake is cut to its prefix, so the secret goes no further.
        prefix = options["prefix"].strip().rstrip("…")[: len(TOKEN_PREFIX) + 8]
        if len(prefix) < len(TOKEN_PREFIX) + 4 or not _PREFIX_SHAPE.match(prefix):
            raise CommandError(PREFIX_TOO_SHORT, returncode=2)
        tokens = list(api_tokens_by_prefix(prefix=prefix))
        if not tokens:
            raise CommandError(NO_SUCH_TOKEN.format(prefix=prefix), returncode=2)
        if len(tokens) > 1:
            raise CommandError(
                AMBIGUOUS.format(prefix=prefix, choices=", ".join(token.prefix for token in tokens)), returncode=2
            )
        token = tokens[0]
        if api_token_revoke(acting=acting, token=token):
            self.stdout.write(f"Revoked API token {token.prefix}… ({token.name}) of {token.membership.user.email}.")
        else:
            self.stdout.write(f"API token {token.prefix}… ({token.name}) was already revoked.")
