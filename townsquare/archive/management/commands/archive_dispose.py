from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.archive.disposal import disposal_preview, disposal_run
from townsquare.audit.services import audit_as_job
from townsquare.councils.models import Council


class Command(BaseCommand):
    help = "Dispose of a council's archived records past retention and not held; --preview only says what would go."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("council", help="the council's slug")
        parser.add_argument("--preview", action="store_true", help="list what would go and why, remove nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"No council {options['council']!r}.")
        if options["preview"]:
            for line in disposal_preview(council=council):
                self.stdout.write(f"{line.to_go} to go, {line.held} held: {line.reason}")
            return
        with audit_as_job("archive_dispose command"):
            for disposal in disposal_run(actor=None, council=council):
                self.stdout.write(f"{disposal.count} {disposal.kind} records disposed of under {disposal.class_label}.")
