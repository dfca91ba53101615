from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.audit.chain import chain_of, head_parse
from townsquare.audit.services import audit_verify_chain
from townsquare.councils.models import Council


class Command(BaseCommand):
    help = (
        "Check every seal of the audit trail's chains and report any event edited or removed. With --head "
        "(a file written by export_audit_head, or its text), events removed since that export are found too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", default="", help="a chain head exported earlier: a file, or the value itself")
        parser.add_argument("--council", default="", help="check only this council's chain (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        heads = None
        if options["head"]:
            given = options["head"]
            path = Path(given)
            try:
                heads = head_parse(path.read_text(encoding="utf-8") if path.is_file() else given)
            except (OSError, ValueError) as exc:
                raise CommandError(f"--head: {exc}") from exc
        chains = None
        if options["council"]:
            council = Council.objects.filter(slug=options["council"]).first()
            if council is None:
                raise CommandError(f"No council {options['council']!r}.")
            chains = [chain_of(council.pk)]
        checked, problems = audit_verify_chain(chains=chains, heads=heads)
        for problem in problems:
            self.stderr.write(f"chain {problem.chain}, event {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s) in {checked} events.")
        against = f", matching the head exported earlier ({len(heads)} chain(s))" if heads else ""
        self.stdout.write(f"Audit chain intact: {checked} events verified{against}.")
