from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from townsquare.archive.capture import archive_backfill
from townsquare.archive.index_tidy import index_tidy
from townsquare.archive.search import index_rebuild
from townsquare.councils.models import Council


class Command(BaseCommand):
    help = (
        "Archive what Townsquare already holds and the archive does not: published posts and replies, their "
        "approval history, received items and internal notes. Safe to run again. --reindex rebuilds the "
        "SQLite search index (after a restored backup)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", default="", help="only this council (its slug)")
        parser.add_argument("--reindex", action="store_true", help="rebuild the full-text index afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        council = None
        if options["council"]:
            council = Council.objects.filter(slug=options["council"]).first()
            if council is None:
                raise CommandError(f"No council {options['council']!r}.")
        done = archive_backfill(council=council)
        self.stdout.write("Archived: " + ", ".join(f"{count} {name}" for name, count in done.items()) + ".")
        if options["reindex"]:
            what = "versions" if connection.vendor == "sqlite" else "records' words"
            self.stdout.write(f"Search index rebuilt: {index_rebuild()} {what}.")
            index_tidy()  # written 5,000 versions a b-tree: merged into one, as the daily job would
