"""manage.py measures_rebuild: the summaries the dashboard reads, built again from the daily figures
and the inbox (after a restore, a bulk load, or a change of the response target)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from townsquare.measures.inbox import inbox_summaries_rebuild
from townsquare.measures.services import summaries_rebuild


class Command(BaseCommand):
    help = "Rebuild the measures' monthly and latest summaries and the inbox's monthly summaries."

    def handle(self, *args: Any, **options: Any) -> None:
        months, latest = summaries_rebuild()
        inbox = inbox_summaries_rebuild()
        self.stdout.write(f"Rebuilt {months} monthly figures, {latest} latest figures and {inbox} inbox months.")
