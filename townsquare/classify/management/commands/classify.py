"""Classify messages from a file: ``manage.py classify --input FILE [--council SLUG] [--first-pass]``.

FILE holds one message a line (UTF-8; ``-`` reads standard input). Writes one JSON object a line,
in order: ``{"sentiment": ..., "categories": [...], "risk": ..., "language": ..., "service": name or
null}``; ``service`` comes from the named council's services, and is null without ``--council``.
Blank lines give blank-text answers, so line numbers match. The second pass runs unless
``--first-pass`` is given. Exits 2 with a message when the file or the council is wrong.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.classify.services import classify_texts, classify_texts_second_pass
from townsquare.councils.models import Council

BATCH = 2000


class Command(BaseCommand):
    help = "Classify messages, one a line: sentiment, categories, risk, language and service, as JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="A UTF-8 text file, one message a line (- for stdin).")
        parser.add_argument("--council", help="A council's slug: route each message to one of its services.")
        parser.add_argument("--first-pass", action="store_true", help="Only the fast first pass (ingest speed).")

    def handle(self, *args: Any, **options: Any) -> None:
        council = None
        if options["council"]:
            council = Council.objects.filter(slug=options["council"]).first()
            if council is None:
                raise CommandError(f"No council with the slug {options['council']!r}.", returncode=2)
        lines = self._read(options["input"])
        run = classify_texts if options["first_pass"] else classify_texts_second_pass
        for start in range(0, len(lines), BATCH):
            for result in run(lines[start : start + BATCH], council):
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))

    def _read(self, name: str) -> list[str]:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}.", returncode=2) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{name} is not UTF-8 text (byte {exc.start}).", returncode=2) from exc
        return text.splitlines()
