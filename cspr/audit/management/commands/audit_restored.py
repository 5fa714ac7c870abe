"""Operators' command: after restoring the database from a backup, record that the audit trail was restored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cspr.accounts.selectors import user_by_email
from cspr.audit.services import AuditRestoreRefused, audit_restore_acknowledge
from cspr.partnerships.scoping import acting_for


class Command(BaseCommand):
    help = (
        "Run once after restoring the database from a backup, before the service is opened again: writes a "
        "signed 'audit.restored' event naming the head the trail was restored to, and a checkpoint that "
        "acknowledges the events lost with the restore. Refused if anything else in the trail fails to verify. "
        "Superusers only; audited with --by as the actor and the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", required=True, help="The e-mail address of the superuser doing this.")
        parser.add_argument("--reason", required=True, help="Which backup, and why (kept in the audit trail).")

    def handle(self, *args: Any, **options: Any) -> None:
        acting = acting_for(user_by_email(email=options["by"]), via="command")
        try:
            event = audit_restore_acknowledge(acting=acting, reason=options["reason"])
        except AuditRestoreRefused as refusal:
            raise CommandError(str(refusal), returncode=2) from refusal
        restored_to = event.details["restored_to"]
        lost = event.details["checkpoints_recorded"] - restored_to
        self.stdout.write(
            f"Recorded the restore: the audit trail was restored to event {restored_to}"
            + (f"; the {lost} newer event(s) the checkpoints recorded are acknowledged as lost." if lost > 0 else ".")
        )
