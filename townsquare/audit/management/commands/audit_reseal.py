from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from townsquare.audit.models import AuditChainHead, AuditEvent
from townsquare.audit.reseal import reseal
from townsquare.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = (
        "After putting a new key at the front of TOWNSQUARE_AUDIT_KEYS: check the whole trail with the keys "
        "listed, then seal every event again with the newest, so the old key can be removed. Heads exported "
        "before no longer match: export a new one afterwards and keep the old with a note of the rotation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify_chain()
        if problems:
            raise CommandError(
                f"The trail does not verify ({len(problems)} problem(s) in {checked} events): "
                "nothing was sealed again. Run verify_audit_chain to see them."
            )
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().all().count()  # no event is appended meanwhile
            done = reseal(AuditEvent, AuditChainHead, connection)
        self.stdout.write(f"{done} audit events sealed again with the newest key.")
