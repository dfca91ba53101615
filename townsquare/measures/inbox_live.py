"""The inbox's monthly summaries kept in step with the inbox, in the transaction of each change.

The inbox calls one of three functions where its items change:
- ``inbox_measures_received_rows(rows=...)`` once items are stored (in the storing transaction);
- ``inbox_measures_classified_rows(rows=...)`` once the pipeline has given new items their sentiment
  and service (they were counted unclassified when stored);
- ``with inbox_measures_follow(item_ids=...):`` around any other change of stored items (a status,
  an assignment, a reply sent): the months move by the difference the change made, and an item
  answered for the first time has its first response recorded then.

Each moves a few summary rows (two statements for all of them) and raises the council's summary version, so the
dashboard never shows a figure older than the inbox. ``inbox_summaries_refresh`` (the hourly job)
and ``inbox_summaries_rebuild`` recompute whole months from the items: a repair, not the way in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from townsquare import sqlrows
from townsquare.inbox.models import ReceivedItem
from townsquare.measures.inbox import ANSWERED, CHUNK, FIELDS, SENTIMENTS, item_counts, month_start
from townsquare.measures.models import InboxFirstResponse, InboxMonthly
from townsquare.measures.stamps import stamp_raise

# (council, channel, service key, month): one summary row.
RowKey = tuple[int, int, int, dt.date]
State = tuple[RowKey, dict[str, int]]


def _state_pairs(item_ids: list[int], *, lock: bool = False) -> Iterator[tuple[int, State, State]]:
    """Each item's row and what it adds to it now, beside what it added as stored, before the pipeline
    classified it (no sentiment and no service): both from one read of the item."""
    for start in range(0, len(item_ids), CHUNK):
        ids = item_ids[start : start + CHUNK]
        items = ReceivedItem.objects.filter(pk__in=ids)
        if lock and transaction.get_connection().in_atomic_block:
            items = items.select_for_update()
        responses = dict(InboxFirstResponse.objects.filter(item_id__in=ids).values_list("item_id", "responded_at"))
        for pk, council_id, channel_id, service_id, sentiment, status, received_at, updated_at in items.values_list(
            *FIELDS
        ):
            month = month_start(received_at)
            responded = responses.get(pk)
            now = (
                (council_id, channel_id, service_id or 0, month),
                item_counts(sentiment, status, received_at, updated_at, responded),
            )
            stored = ((council_id, channel_id, 0, month), item_counts("", status, received_at, updated_at, responded))
            yield pk, now, stored


def _states(item_ids: list[int], *, lock: bool = False) -> dict[int, State]:
    """Each item's row and what it adds to it now."""
    return {pk: now for pk, now, _ in _state_pairs(item_ids, lock=lock)}


def _move(before: dict[int, State], after: dict[int, State]) -> None:
    """Move the summary rows by ``after`` less ``before`` (one UPDATE per row that changes)."""
    deltas: dict[RowKey, Counter[str]] = {}
    for states, sign in ((after, 1), (before, -1)):
        for key, counts in states.values():
            delta = deltas.setdefault(key, Counter())
            for name, count in counts.items():
                delta[name] += sign * count
    _apply(deltas)


# Names are the model's own; values are bound. Each row a change moves is made (at zero) where there is
# none, then moved: two statements for all the rows, not two ORM queries a row, in the order of their keys.
MONTHLY = InboxMonthly._meta.db_table
KEYS = ("id", "council_id", "channel_id", "service_key", "month")
COUNTS = [f.attname for f in InboxMonthly._meta.concrete_fields if f.attname not in KEYS]  # each its column
KEY = "channel_id = %s AND service_key = %s AND month = %s"
MAKE = (
    f"INSERT INTO {MONTHLY} (council_id, channel_id, service_key, month, {', '.join(COUNTS)}) "  # noqa: S608
    f"VALUES (%s, %s, %s, %s{', 0' * len(COUNTS)}) ON CONFLICT (channel_id, service_key, month) DO NOTHING"
)
MOVE = f"UPDATE {MONTHLY} SET {', '.join(f'{name} = {name} + %s' for name in COUNTS)} WHERE {KEY}"  # noqa: S608


def _apply(deltas: dict[RowKey, Counter[str]]) -> None:
    """Move each summary row by its delta."""
    councils: set[int] = set()
    made: list[list[Any]] = []
    moved: list[list[Any]] = []
    adapt = connection.ops.adapt_datefield_value
    for (council_id, channel_id, service_key, month), delta in sorted(deltas.items()):
        if not any(delta.values()):
            continue
        councils.add(council_id)
        key = [channel_id, service_key, adapt(month)]
        made.append([council_id, *key])
        moved.append([*(delta.get(name, 0) for name in COUNTS), *key])
    if not made:
        return
    with connection.cursor() as cursor:
        cursor.executemany(MAKE, made)
        cursor.executemany(MOVE, moved)
    stamp_raise(council_ids=councils)


def inbox_measures_classified(*, item_ids: Iterable[int]) -> None:
    """Move new items, counted unclassified when stored, to their sentiment and service; call once,
    after the pipeline classified them (items it could not classify stay as they were)."""
    ids = sorted(set(item_ids))
    if not ids:
        return
    with transaction.atomic():
        classified = list(ReceivedItem.objects.filter(pk__in=ids, enriched=True).values_list("pk", flat=True))
        before: dict[int, State] = {}
        after: dict[int, State] = {}
        for pk, now, stored in _state_pairs(classified, lock=True):
            before[pk], after[pk] = stored, now
        _move(before, after)


def _new_deltas(rows: Sequence[ReceivedItem], *, classified: bool) -> dict[RowKey, Counter[str]]:
    """What items just stored add to their rows, summed by row: as stored (no sentiment, no service), or
    classified less as stored. A new item has no first response and is not resolved, so it adds one
    received and, once classified, one of its sentiment (``item_counts`` for such an item). A batch
    shares its moment of arrival: its month is worked out once."""
    months: dict[dt.datetime, dt.date] = {}
    counts: Counter[tuple[RowKey, str]] = Counter()  # one count a (row, name): no Counter made an item
    for row in rows:
        month = months.get(row.received_at)
        if month is None:
            month = months[row.received_at] = month_start(row.received_at)
        stored = (row.council_id, row.channel_id, 0, month)
        if not classified:
            counts[stored, "received"] += 1
            continue
        now = (row.council_id, row.channel_id, row.service_id or 0, month)
        if now != stored:
            counts[stored, "received"] -= 1
            counts[now, "received"] += 1
        if row.sentiment in SENTIMENTS:
            counts[now, row.sentiment] += 1
    deltas: dict[RowKey, Counter[str]] = {}
    for (key, name), count in counts.items():
        deltas.setdefault(key, Counter())[name] += count
    return deltas


def inbox_measures_received_rows(*, rows: Sequence[ReceivedItem]) -> None:
    """Count items just stored, from the rows in hand (call in the storing transaction: nothing else can
    have changed them yet)."""
    if rows:
        with transaction.atomic():
            _apply(_new_deltas(rows, classified=False))


def inbox_measures_classified_rows(*, rows: Sequence[ReceivedItem]) -> None:
    """Move items the pipeline has just classified to their sentiment and service, from the rows in hand.
    Call in the transaction that wrote their classification, after writing it: the write holds the rows,
    so a change by an officer waits for it. An item an officer changed between storing and classifying
    (its status is no longer "new") is read from the database instead (``inbox_measures_classified``)."""
    done = [row for row in rows if row.enriched and row.id is not None]
    if not done:
        return
    with transaction.atomic():
        changed = {
            pk
            for (pk,) in sqlrows.rows_among(
                ReceivedItem,
                "id",
                "id",
                [row.id for row in done],
                also="status <> %s",
                params=[ReceivedItem.Status.NEW.value],
            )
        }
        changed |= {row.id for row in done if row.status != ReceivedItem.Status.NEW}  # not as just stored
        quiet = [row for row in done if row.id not in changed]
        _apply(_new_deltas(quiet, classified=True))
        if changed:
            inbox_measures_classified(item_ids=changed)


def _first_responses_record(item_ids: list[int], now: dt.datetime) -> None:
    answered = ReceivedItem.objects.filter(pk__in=item_ids, status__in=ANSWERED).values_list("pk", flat=True)
    InboxFirstResponse.objects.bulk_create(
        [InboxFirstResponse(item_id=pk, responded_at=now) for pk in answered],
        ignore_conflicts=True,  # an earlier first response stands
    )


@contextmanager
def inbox_measures_follow(*, item_ids: Iterable[int]) -> Iterator[None]:
    """Around a change to stored items, inside the change's transaction: their months' summaries
    move by the difference the change made (the items are locked until it commits, so two changes
    to one item are counted one after the other)."""
    ids = sorted(set(item_ids))
    with transaction.atomic():
        before = _states(ids, lock=True)
        yield
        _first_responses_record(ids, timezone.now())
        _move(before, _states(ids))
