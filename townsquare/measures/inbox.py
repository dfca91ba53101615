"""The inbox's monthly summaries: how many items each channel received (by service and sentiment), and
how those items were answered, so the dashboard and the report never group the inbox's history.

What the inbox stores today decides what is measured:
- first response: the first change of an item's status to "awaiting resident" or "resolved" (the
  council has answered), read from the audit trail that records every status change;
- resolution: an item whose status is "resolved", resolved at its ``updated_at`` (the inbox sets it
  on every change of status or assignment, so for a resolved item it is the moment it was resolved);
- both counted against the month the item was received, in seconds from ``received_at``.
The target is one council-wide response time (``RESPONSE_TARGET``) until services have their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.measures.models import InboxFirstResponse, InboxMonthly, InboxWatermark
from townsquare.measures.stamps import stamp_raise

RESPONSE_TARGET = dt.timedelta(hours=24)
ANSWERED = frozenset({ReceivedItem.Status.AWAITING_RESIDENT.value, ReceivedItem.Status.RESOLVED.value})
STATUS_ACTIONS = ("inbox.status_changed", "inbox.assigned")
ITEM_TYPE = ReceivedItem._meta.label_lower
# Items are taken in once the pipeline has had time to classify them (it runs straight after storing).
SETTLE = dt.timedelta(minutes=2)
CHUNK = 2000
SENTIMENTS = frozenset({"positive", "neutral", "negative"})


def month_start(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    after = (month + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(month, dt.time(), zone), dt.datetime.combine(after, dt.time(), zone))


def first_responses_take(events: Iterable[AuditEvent]) -> set[int]:
    """Record each item's first answer among ``events`` (oldest first) unless it has one; returns the
    ids of the items the events were about."""
    items: set[int] = set()
    answered: dict[int, dt.datetime] = {}
    for event in events:
        if not event.object_id.isdigit():
            continue
        item_id = int(event.object_id)
        items.add(item_id)
        if (event.after or {}).get("status") in ANSWERED and item_id not in answered:
            answered[item_id] = event.created_at
    InboxFirstResponse.objects.bulk_create(
        [InboxFirstResponse(item_id=pk, responded_at=when) for pk, when in answered.items()],
        ignore_conflicts=True,
        batch_size=CHUNK,  # an earlier answer, already recorded, stands
    )
    return items


def item_counts(
    sentiment: str,
    status: str,
    received_at: dt.datetime,
    updated_at: dt.datetime | None,
    responded_at: dt.datetime | None,
) -> dict[str, int]:
    """What one item adds to its month's row: received, its sentiment, its first response and its
    resolution (seconds from ``received_at``)."""
    counts = {"received": 1}
    if sentiment in SENTIMENTS:
        counts[sentiment] = 1
    if responded_at is not None:
        waited = max(responded_at - received_at, dt.timedelta())
        counts["responded"] = 1
        counts["response_seconds"] = int(waited.total_seconds())
        counts["responded_in_target"] = int(waited <= RESPONSE_TARGET)
    if status == ReceivedItem.Status.RESOLVED and updated_at is not None:
        counts["resolved"] = 1
        counts["resolution_seconds"] = int(max(updated_at - received_at, dt.timedelta()).total_seconds())
    return counts


def _summarise(
    rows: dict[tuple[int, int, dt.date], InboxMonthly],
    items: Iterable[tuple[int, int, int, int | None, str, str, dt.datetime, dt.datetime | None]],
    responses: dict[int, dt.datetime],
) -> None:
    """Add items (pk, council, channel, service, sentiment, status, received, updated) to their rows."""
    for pk, council_id, channel_id, service_id, sentiment, status, received_at, updated_at in items:
        month = month_start(received_at)
        key = (channel_id, service_id or 0, month)
        row = rows.get(key)
        if row is None:
            row = rows[key] = InboxMonthly(
                council_id=council_id, channel_id=channel_id, service_key=service_id or 0, month=month
            )
        for name, count in item_counts(sentiment, status, received_at, updated_at, responses.get(pk)).items():
            setattr(row, name, getattr(row, name) + count)


FIELDS = ("pk", "council_id", "channel_id", "service_id", "sentiment", "status", "received_at", "updated_at")


def inbox_month_refresh(*, council_id: int, month: dt.date) -> None:
    """Recompute a council's month from the items received in it (read by the council and time index)."""
    first, after = _month_bounds(month)
    items = list(
        ReceivedItem.objects.filter(council_id=council_id, received_at__gte=first, received_at__lt=after).values_list(
            *FIELDS
        )
    )
    responses: dict[int, dt.datetime] = {}
    for start in range(0, len(items), CHUNK):
        ids = [row[0] for row in items[start : start + CHUNK]]
        responses.update(InboxFirstResponse.objects.filter(item_id__in=ids).values_list("item_id", "responded_at"))
    rows: dict[tuple[int, int, dt.date], InboxMonthly] = {}
    _summarise(rows, items, responses)
    with transaction.atomic():
        InboxMonthly.objects.filter(council_id=council_id, month=month).delete()
        InboxMonthly.objects.bulk_create(rows.values(), batch_size=CHUNK)
        stamp_raise(council_ids=[council_id])


def _touched(item_ids: Iterable[int]) -> set[tuple[int, dt.date]]:
    ids = list(item_ids)
    found: set[tuple[int, dt.date]] = set()
    for start in range(0, len(ids), CHUNK):
        for council_id, received_at in ReceivedItem.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "council_id", "received_at"
        ):
            found.add((council_id, month_start(received_at)))
    return found


@dataclass(frozen=True)
class Refreshed:
    items: int
    events: int
    months: int


def inbox_summaries_refresh(*, now: dt.datetime | None = None) -> Refreshed:
    """Take in the items and status changes since the last run and refresh the months they touch.
    Safe to run again and from two workers at once (the watermark row is locked)."""
    now = now or timezone.now()
    with transaction.atomic():
        mark, _ = InboxWatermark.objects.select_for_update().get_or_create(pk=1)
        new_items = list(
            ReceivedItem.objects.filter(pk__gt=mark.last_item_id, received_at__lte=now - SETTLE)
            .order_by("pk")
            .values_list("pk", "council_id", "received_at")
        )
        touched = {(council_id, month_start(received_at)) for _, council_id, received_at in new_items}
        events = list(
            AuditEvent.objects.filter(pk__gt=mark.last_event_id, object_type=ITEM_TYPE, action__in=STATUS_ACTIONS)
            .order_by("pk")
            .only("pk", "object_id", "after", "created_at")
        )
        touched |= _touched(first_responses_take(events))
        for council_id, month in sorted(touched):
            inbox_month_refresh(council_id=council_id, month=month)
        if new_items:
            mark.last_item_id = new_items[-1][0]
        if events:
            mark.last_event_id = events[-1].pk
        mark.save()
    return Refreshed(len(new_items), len(events), len(touched))


def inbox_summaries_rebuild() -> int:
    """Every month of every council's inbox again, from the items and the whole audit trail, in one
    pass over each (for a new installation, a restored backup or a changed target)."""
    with transaction.atomic():
        InboxFirstResponse.objects.all().delete()
        events = AuditEvent.objects.filter(object_type=ITEM_TYPE, action__in=STATUS_ACTIONS).order_by("pk")
        first_responses_take(events.only("pk", "object_id", "after", "created_at").iterator(chunk_size=CHUNK))
        responses = dict(InboxFirstResponse.objects.values_list("item_id", "responded_at").iterator(chunk_size=CHUNK))
        rows: dict[tuple[int, int, dt.date], InboxMonthly] = {}
        _summarise(rows, ReceivedItem.objects.values_list(*FIELDS).iterator(chunk_size=CHUNK), responses)
        InboxMonthly.objects.all().delete()
        InboxMonthly.objects.bulk_create(rows.values(), batch_size=CHUNK)
        last_item = ReceivedItem.objects.aggregate(last=models.Max("pk"))["last"] or 0
        last_event = events.aggregate(last=models.Max("pk"))["last"] or 0
        InboxWatermark.objects.update_or_create(pk=1, defaults={"last_item_id": last_item, "last_event_id": last_event})
        stamp_raise(council_ids=Council.objects.values_list("pk", flat=True))
    return len(rows)
