from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report any event that was edited or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify_chain()
        for problem in problems:
            self.stderr.write(f"event {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s) in {checked} events.")
        self.stdout.write(f"Audit chain intact: {checked} events verified.")
