"""``manage.py backup [--output FILE]``: copy the whole database to one file, checked, while Townsquare runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.web.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Back up the whole database to one new file (SQLite: an online copy; PostgreSQL: pg_dump's custom "
        "format), read it back and say whether it is whole. Default: var/backups/townsquare-<time>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="The new file to write (it must not exist).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = backup_make(options["output"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(check.summary())
