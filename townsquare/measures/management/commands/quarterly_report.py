"""manage.py quarterly_report --council SLUG --quarter 2016Q1 --out DIR [--financial]: the quarter's
report to Members as .html, .pdf and .csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.councils.models import Council
from townsquare.measures.periods import Quarter
from townsquare.measures.report import report_build, report_csv, report_html, report_pdf


class Command(BaseCommand):
    help = "Write a quarter's social media report to Members as HTML, PDF and CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", required=True)
        parser.add_argument("--quarter", required=True, help="e.g. 2016Q1")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument(
            "--financial",
            action="store_true",
            help="Quarters of the financial year (April to June is Quarter 1); calendar otherwise.",
        )

    def handle(self, *args: Any, council: str, quarter: str, out: Path, financial: bool, **options: Any) -> None:
        found = Council.objects.filter(slug=council).first()
        if found is None:
            raise CommandError(f"No council with the slug {council!r}.")
        try:
            period = Quarter.parse(quarter, financial=financial)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out.mkdir(parents=True, exist_ok=True)
        report = report_build(council=found, quarter=period)
        stem = out / f"{found.slug}-{period.code}"
        stem.with_suffix(".html").write_text(report_html(report), encoding="utf-8")
        stem.with_suffix(".csv").write_text(report_csv(report), encoding="utf-8")
        stem.with_suffix(".pdf").write_bytes(report_pdf(report))
        self.stdout.write(f"Wrote {stem}.html, .pdf and .csv")
