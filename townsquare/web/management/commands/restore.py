"""``manage.py restore FILE --yes``: replace the database's contents with a checked backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.web.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup's contents, after checking the backup. Stop "
        "Townsquare's processes first; afterwards run manage.py migrate if the backup is older than the code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Confirm: the database's contents are replaced.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces everything in the database: add --yes to go ahead.", returncode=2)
        try:
            check = backup_restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(check.summary())
        self.stdout.write("Restored.")
