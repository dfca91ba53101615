"""Write a module's current version as a SCORM 1.2 package for a council's learning system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.councils.models import Council
from townsquare.learning.scorm import package
from townsquare.learning.selectors import current_version, module_for


class Command(BaseCommand):
    help = "Export an e-learning module as a SCORM 1.2 package (zip) for a learning management system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", required=True, help="The council's slug, e.g. riverside")
        parser.add_argument("--module", required=True, help="The module's slug, e.g. staff-social-media")
        parser.add_argument("--out", required=True, help="Where to write the zip, e.g. staff-social-media.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        council = Council.objects.filter(slug=options["council"]).first()
        if council is None:
            raise CommandError(f"There is no council '{options['council']}'.")
        module = module_for(council=council, slug=options["module"])
        if module is None:
            raise CommandError(f"{council.name} has no module '{options['module']}'.")
        version = current_version(module=module)
        if version is None:
            raise CommandError(f"'{module.title}' has no published version to export.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        out.write_bytes(package(version))
        self.stdout.write(f"Wrote {module.title}, version {version.number}, to {out} (SCORM 1.2).")
