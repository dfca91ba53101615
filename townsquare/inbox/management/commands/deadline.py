"""``manage.py deadline {foi,eir,sar} YYYY-MM-DD [--nation ...]``: print a request's statutory deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townsquare.inbox.deadlines import Nation, deadline


class Command(BaseCommand):
    help = (
        "Print the statutory deadline (YYYY-MM-DD) of an FOI, EIR or subject access request received on a date. "
        "FOI and EIR count working days in every part of the UK; --nation sets the bank holidays a subject "
        "access deadline moves past."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["foi", "eir", "sar"])
        parser.add_argument("received", help="The day the request was received, as YYYY-MM-DD.")
        parser.add_argument("--nation", choices=[n.value for n in Nation], default=Nation.ENGLAND.value)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            received = dt.date.fromisoformat(options["received"])
        except ValueError as error:
            raise CommandError(f"{options['received']!r} is not a date: write it as YYYY-MM-DD.") from error
        self.stdout.write(deadline(options["kind"], received, Nation(options["nation"])).isoformat())
