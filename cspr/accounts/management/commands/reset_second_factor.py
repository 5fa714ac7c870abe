"""Operators' command: remove a person's authenticator app and recovery codes (they set up again at sign-in)."""

from __future__ import annotations

from typing import Any

from cspr.accounts.operators import PersonCommand, acting_superuser
from cspr.accounts.services import second_factor_reset

NOT_A_SUPERUSER = "{email!r} is not an active superuser: only a superuser may reset a second factor."


class Command(PersonCommand):
    help = (
        "Reset a person's second factor: their authenticator app and recovery codes are removed and every "
        "session of theirs ends, so at their next sign-in they set up a new app. Audited, with --by as the actor."
    )

    email_help = "The e-mail address of the person whose app is lost."

    def handle(self, *args: Any, **options: Any) -> None:
        acting = acting_superuser(options["by"], refusal=NOT_A_SUPERUSER)
        person = self.person(options["email"])
        removed = second_factor_reset(acting=acting, user=person)
        self.stdout.write(
            f"Reset the second factor of {person.email}: {removed} device(s) removed and their sessions ended. "
            "They will set up a new authenticator app when they next sign in."
        )
