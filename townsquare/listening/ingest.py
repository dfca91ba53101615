"""The inbox ingest's listening stage: match each new item against its council's compiled queries (the set
already built; see cache.py), keep the matches, then run the council's triggers on the same items.

The matches of a batch are written by one ``executemany`` (an item caught by nine queries is nine rows,
and building a model instance for each costs more than matching): no ORM per row on this path.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.listening.selectors import listening_match
from townsquare.listening.triggers import triggers_run

if TYPE_CHECKING:
    from townsquare.inbox.models import ReceivedItem

MATCH_TABLE = ListeningMatch._meta.db_table
# Names from the model; values are bound. A match already kept (a retried batch) is left as it is.
MATCH_INSERT = (
    f"INSERT INTO {MATCH_TABLE} (council_id, query_id, item_id, channel_id, at) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (item_id, query_id) DO NOTHING"
)


def matches_insert(council_id: int, rows: list[ReceivedItem], hits: list[list[int]], now: dt.datetime) -> int:
    """Keep which queries caught each item, in one statement for the batch; returns how many rows were given."""
    adapt = connection.ops.adapt_datetimefield_value
    when: dict[Any, Any] = {}  # one conversion per distinct time (a poll's items share few)
    values: list[tuple[Any, ...]] = []
    for row, ids in zip(rows, hits, strict=True):
        if not ids:
            continue
        at = row.created_at or now
        stored = when.get(at)
        if stored is None:
            stored = when[at] = adapt(at)
        values.extend((council_id, q, row.pk, row.channel_id, stored) for q in ids)
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(MATCH_INSERT, values)
    return len(values)


def listening_ingest(council: Council, rows: list[ReceivedItem]) -> dict[int, list[int]]:
    """Store which queries caught each item and fire the triggers; returns item id -> query ids."""
    hits = listening_match(council.pk, [r.text for r in rows], [r.channel_id for r in rows])
    fired = {q for ids in hits for q in ids}
    if fired:
        # The set in hand may be seconds older than the queries: one deleted or paused since catches nothing.
        live = set(
            ListeningQuery.objects.filter(council=council, active=True, pk__in=fired).values_list("pk", flat=True)
        )
        if live != fired:
            hits = [[q for q in ids if q in live] for ids in hits]
        matches_insert(council.pk, rows, hits, timezone.now())
    caught = {row.pk: ids for row, ids in zip(rows, hits, strict=True) if ids}
    triggers_run(council=council, rows=rows, caught=caught)
    return caught
