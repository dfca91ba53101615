"""Match texts against listening queries: ``manage.py listen_match --queries FILE --input FILE``.

The queries file holds one query a line, the input file one text a line (UTF-8; ``-`` reads standard
input for the input). Writes one JSON object a line, in order: ``{"matches": [...]}``, the 0-based
line numbers of the queries the text matches, ascending. A blank query line is no query (numbering
is kept). A query that cannot be parsed stops the run before any output: its line and character
are named, and the exit code is 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.listening.matcher import compile_queries
from townsquare.listening.query import QuerySyntaxError, parse


def _lines(name: str, *, allow_stdin: bool) -> list[str]:
    try:
        text = sys.stdin.read() if allow_stdin and name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {name}: {exc}", returncode=2) from exc
    return text.splitlines()


class Command(BaseCommand):
    help = "Match texts (one a line) against listening queries (one a line); JSON lines of query line numbers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queries", required=True, help="A UTF-8 text file, one query a line.")
        parser.add_argument("--input", required=True, help="A UTF-8 text file, one text a line (- for stdin).")

    def handle(self, *args: Any, **options: Any) -> None:
        parsed = []
        for number, line in enumerate(_lines(options["queries"], allow_stdin=False)):
            if not line.strip():
                continue
            try:
                parsed.append((number, parse(line)))
            except QuerySyntaxError as exc:
                raise CommandError(
                    f"{options['queries']} line {number + 1}, character {exc.position + 1}: {exc.message}\n"
                    f"  {line}\n  {' ' * exc.position}^",
                    returncode=2,
                ) from exc
        match_set = compile_queries(parsed)
        out = self.stdout
        for text in _lines(options["input"], allow_stdin=True):
            out.write(json.dumps({"matches": match_set.match(text)}))
