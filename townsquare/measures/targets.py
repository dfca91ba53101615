"""Setting and removing a measure's target (comms officers and admins), audited in the same
transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.councils.models import Council
from townsquare.measures.models import MeasureTarget
from townsquare.measures.stamps import stamp_raise


def _state(target: MeasureTarget) -> dict[str, Any]:
    return {
        "metric": target.metric,
        "platform": target.platform,
        "value": target.value,
        "tolerance_percent": target.tolerance_percent,
    }


def target_set(
    *, actor: Any, council: Council, metric: str, platform: str, value: int, tolerance_percent: int
) -> MeasureTarget:
    with transaction.atomic():
        target = (
            MeasureTarget.objects.select_for_update().filter(council=council, metric=metric, platform=platform).first()
        )
        before = _state(target) if target else None
        if target is None:
            target = MeasureTarget(council=council, metric=metric, platform=platform)
        target.value, target.tolerance_percent = value, tolerance_percent
        target.save()
        audit_record(
            actor=actor, council=council, action="measures.target_set", obj=target, before=before, after=_state(target)
        )
        stamp_raise(council_ids=[council.pk])
    return target


def target_remove(*, actor: Any, council: Council, target_id: int) -> bool:
    with transaction.atomic():
        target = MeasureTarget.objects.select_for_update().filter(council=council, pk=target_id).first()
        if target is None:
            return False
        audit_record(actor=actor, council=council, action="measures.target_removed", obj=target, before=_state(target))
        target.delete()
        stamp_raise(council_ids=[council.pk])
    return True
