"""Re-encrypt every alert webhook address and shared secret with the newest key in TOWNSQUARE_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.alerts.crypto import SecretUnreadable
from townsquare.alerts.services import destinations_rotate_all


class Command(BaseCommand):
    help = "Re-encrypt alert webhook addresses and secrets with the newest key (run after adding a key at the front)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = destinations_rotate_all()
        except SecretUnreadable as exc:
            raise CommandError(f"{exc} Put the old key back (after the new one) and run this again.") from exc
        self.stdout.write(f"Re-encrypted {count} alert destination(s) with the newest key.")
