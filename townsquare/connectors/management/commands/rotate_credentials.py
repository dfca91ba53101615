"""Re-encrypt every stored platform credential with the newest key in TOWNSQUARE_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from townsquare.connectors.crypto import CredentialsUnreadable
from townsquare.connectors.upkeep import credentials_rotate_all


class Command(BaseCommand):
    help = "Re-encrypt stored platform credentials with the newest key (run after adding a key at the front)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = credentials_rotate_all()
        except CredentialsUnreadable as exc:
            raise CommandError(f"{exc} Put the old key back (after the new one) and run this again.") from exc
        self.stdout.write(f"Re-encrypted {count} connection(s) with the newest key.")
