"""Check that no audit event was changed, removed, added or reordered, and that the newest were not cut off."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from cspr.audit.selectors import ChainSummary, audit_chain_problems

WHERE = {"head": "chain head", "checkpoint": "checkpoints", "truncated": "chain end", "diverged": "chain"}


class Command(BaseCommand):
    help = (
        "Verify the audit trail: every event's signature and link, the chain head, and the signed checkpoints "
        "kept outside the database. Exit status 1 if anything does not verify."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary: list[ChainSummary] = []
        try:
            problems = list(audit_chain_problems(summary))
        except ImproperlyConfigured as error:
            raise CommandError(f"The audit trail cannot be verified: {error}") from error
        for problem in problems:
            label = WHERE.get(problem.kind, "chain")
            where = f"event {problem.event_id}" if problem.event_id else label
            self.stderr.write(f"{where}: {problem.problem}")
        if problems:
            raise CommandError(f"The audit trail failed verification ({len(problems)} problem(s)).")
        done = summary[0]
        self.stdout.write(
            f"The audit trail verifies: {done.length} event(s); signed checkpoints vouch for it "
            f"up to event {done.newest_checkpoint}."
        )
