"""``manage.py backup_check FILE``: read a backup without restoring it and say whether it is whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.web.backup import BackupError, backup_check


class Command(BaseCommand):
    help = "Check a backup without restoring it: whole or not, its tables, and the migrations it records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check = backup_check(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(check.summary())
        if not check.ok:
            raise CommandError(f"{options['file']} is not a whole backup.", returncode=2)
