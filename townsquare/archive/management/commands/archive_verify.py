from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.archive.services import archive_verify
from townsquare.councils.models import Council


class Command(BaseCommand):
    help = (
        "Check every seal of the archive's chains (one per council) and report any version changed or "
        "removed other than by a disposal run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", default="", help="check only this council's archive (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        council = None
        if options["council"]:
            council = Council.objects.filter(slug=options["council"]).first()
            if council is None:
                raise CommandError(f"No council {options['council']!r}.")
        checked, problems = archive_verify(council=council)
        for problem in problems:
            self.stderr.write(f"council {problem.council_id}, version {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(f"The archive does not verify: {len(problems)} problem(s) in {checked} versions.")
        self.stdout.write(f"The archive verifies: {checked} versions checked.")
