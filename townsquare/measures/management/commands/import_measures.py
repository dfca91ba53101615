"""manage.py import_measures --council SLUG FILE: a council's own history of its accounts' figures,
in the machine format ``date,platform,channel,metric,value``; all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.councils.models import Council
from townsquare.measures.importing import ImportFileError, figures_parse, machine_mapping, table_from_upload
from townsquare.measures.services import measures_import

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Import a council's figures from CSV (date,platform,channel,metric,value): every row or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", required=True, help="The council's slug, e.g. riverside.")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, council: str, file: Path, **options: Any) -> None:
        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council with the slug {council!r}.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file} is larger than {MAX_BYTES // 1024 // 1024} MB: split it by year.")
        try:
            rows = table_from_upload(file.name, file.read_bytes())
            if not rows:
                raise ImportFileError(f"{file} is empty.")
            parsed = figures_parse(council=found, rows=rows[1:], mapping=machine_mapping(rows[0]))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if parsed.errors:
            raise CommandError("Nothing was imported:\n" + "\n".join(parsed.errors))
        stored = measures_import(actor=None, council=found, figures=parsed.figures, source_name=file.name)
        self.stdout.write(f"Imported {stored} figures for {found.name}.")
