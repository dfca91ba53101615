from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townsquare.audit.chain import head_value
from townsquare.audit.services import audit_chain_heads


class Command(BaseCommand):
    help = (
        "Print (or write to --output) the newest event of every audit chain: keep it outside this server, "
        "and later run verify_audit_chain --head with it to prove no event up to then was changed or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="write the head to this file instead of printing it")

    def handle(self, *args: Any, **options: Any) -> None:
        value = head_value(audit_chain_heads())
        if options["output"]:
            Path(options["output"]).write_text(value + "\n", encoding="utf-8")
            self.stderr.write(f"Chain head written to {options['output']}.")
        else:
            self.stdout.write(value)
