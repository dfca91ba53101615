"""Import a committee report's recommendations table (or strategy timetable) from a file.

    manage.py import_actions --council riverside [--dry-run] [--meeting-date 2021-09-07] FILE

Prints each parsed row as a line of JSON; with --dry-run nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.councils.models import Council
from townsquare.governance.importing import ImportProblem, parse_action_table
from townsquare.governance.models import ActionPlan
from townsquare.governance.services import action_plan_import


class Command(BaseCommand):
    help = "Import recommendations from a committee table (tab-separated, CSV, HTML, Markdown or report prose)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The table as a text file; - reads standard input.")
        parser.add_argument("--council", required=True, help="The council's slug, e.g. riverside")
        parser.add_argument("--dry-run", action="store_true", help="Print the parsed rows; save nothing.")
        parser.add_argument("--title", default="", help="The action plan's title (default: the report's heading)")
        parser.add_argument("--source-body", default="", help="The task group or panel, e.g. Social Media Task Group")
        parser.add_argument("--meeting-date", default="", help="YYYY-MM-DD; relative timescales count from it")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council with the slug {options['council']!r}.")
        meeting_on = None
        if options["meeting_date"]:
            try:
                meeting_on = dt.date.fromisoformat(options["meeting_date"])
            except ValueError as exc:
                raise CommandError("Give --meeting-date as YYYY-MM-DD.") from exc
        try:
            text = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        try:
            table = parse_action_table(text, start=meeting_on)
        except ImportProblem as problem:
            raise CommandError(str(problem)) from problem
        for row in table.rows:
            self.stdout.write(json.dumps(row.as_json(), ensure_ascii=False))
        if options["dry_run"]:
            self.stderr.write(f"Dry run: {len(table.rows)} {table.kind} read, nothing saved.")
            return
        try:
            saved = action_plan_import(
                actor=None,
                council=council,
                table=table,
                title=options["title"] or table.title,
                source_body=options["source_body"],
                meeting_on=meeting_on or table.meeting_on,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        what = f"action plan {saved.pk}" if isinstance(saved, ActionPlan) else "the strategy timetable"
        self.stderr.write(f"Saved {len(table.rows)} {table.kind} to {what}.")
