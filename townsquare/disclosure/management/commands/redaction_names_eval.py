"""``manage.py redaction_names_eval [--file PATH]``: precision and recall of the name recogniser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townsquare.disclosure.evaluation import LABELLED, names_evaluate


class Command(BaseCommand):
    help = "Measure how well redaction finds people's names, on sentences with the names marked [[like this]]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=LABELLED)

    def handle(self, *args: Any, **options: Any) -> None:
        s = names_evaluate(options["file"])
        self.stdout.write(
            f"sentences {s.sentences}, names marked {s.names}, names found {s.found}\n"
            f"overlap: precision {s.precision:.2f}, recall {s.recall:.2f}\n"
            f"exact span: precision {s.exact_precision:.2f}, recall {s.exact_recall:.2f}"
        )
