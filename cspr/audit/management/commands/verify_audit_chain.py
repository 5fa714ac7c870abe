"""Check that no audit event was changed, removed or reordered."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cspr.audit.selectors import audit_chain_problems


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain. Exit status 1 if any link is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_chain_problems())
        for problem in problems:
            where = f"event {problem.event_id}" if problem.event_id else "chain head"
            self.stderr.write(f"{where}: {problem.problem}")
        if problems:
            raise CommandError(f"The audit trail failed verification ({len(problems)} problem(s)).")
        self.stdout.write("The audit trail verifies.")
