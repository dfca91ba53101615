"""Reading the audit trail, for auditors' pages, exports and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.db.models import QuerySet

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def audit_events_for(
    *, council: Council, action: str = "", actor: str = "", since: str = "", until: str = "", object_type: str = ""
) -> QuerySet[AuditEvent]:
    """The council's events, newest first; bad filter values are ignored, never a crash."""
    events = AuditEvent.objects.filter(council=council)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    if (start := _date(since)) is not None:
        events = events.filter(created_at__date__gte=start)
    if (end := _date(until)) is not None:
        events = events.filter(created_at__date__lte=end)
    return events.order_by("-seq")


def audit_actions(*, council: Council) -> list[str]:
    return sorted(set(AuditEvent.objects.filter(council=council).values_list("action", flat=True)))


def audit_to_csv(events: Iterable[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "seq",
            "when_utc",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object",
            "before",
            "after",
            "reason",
            "hash",
            "prev_hash",
        ]
    )
    for e in events:
        row = [
            e.seq,
            e.created_at.astimezone(dt.UTC).isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_label,
            e.before,
            e.after,
            e.reason,
            e.hash,
            e.prev_hash,
        ]
        writer.writerow(["'" + str(v) if str(v)[:1] in {"=", "+", "-", "@"} else v for v in row])
    return out.getvalue()
