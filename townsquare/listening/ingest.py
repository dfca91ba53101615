"""The inbox ingest's listening stage: match each new item against its council's compiled queries (the set
already built; see cache.py), keep the matches, then run the council's triggers on the same items.

An item is caught by some eight queries, so the matches are most of the rows the ingest writes, and
this stage is kept to a few microseconds an item:

- whether the queries caught are still live (none paused or deleted since the set was built) is one
  read of the council's revision a batch: every change to a query moves it (services.py), so a set
  built at the revision in force caught live queries only, and only a set older than that has its
  catches checked against the queries themselves;
- the rows go to the database as one statement per item on SQLite (its query ids as a JSON list that
  ``json_each`` unrolls) and one for the batch on PostgreSQL (arrays that ``unnest`` unrolls), with no
  model instance or per-row conversion; a match already kept (a retried batch) is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from townsquare import sqlrows
from townsquare.councils.models import Council
from townsquare.listening.cache import Compiled, compiled_for
from townsquare.listening.models import ListeningMatch, ListeningQuery, ListeningRevision
from townsquare.listening.triggers import triggers_run

if TYPE_CHECKING:
    from townsquare.inbox.models import ReceivedItem

MATCH_TABLE = ListeningMatch._meta.db_table
MATCH_COLUMNS = "(council_id, query_id, item_id, channel_id, at)"
ON_CONFLICT = "ON CONFLICT (item_id, query_id) DO NOTHING"
# Names from the models; values are bound. SQLite needs the WHERE to read ON CONFLICT as the upsert's.
SQLITE_INSERT = (
    f"INSERT INTO {MATCH_TABLE} {MATCH_COLUMNS} "  # noqa: S608
    f"SELECT %s, value, %s, %s, %s FROM json_each(%s) WHERE true {ON_CONFLICT}"
)
POSTGRES_INSERT = (
    f"INSERT INTO {MATCH_TABLE} {MATCH_COLUMNS} "  # noqa: S608
    "SELECT %s, q, i, c, a FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::timestamptz[]) AS u(q, i, c, a) "
    f"{ON_CONFLICT}"
)
REVISION = f"SELECT version FROM {ListeningRevision._meta.db_table} WHERE council_id = %s"  # noqa: S608


def revision_now(council_id: int) -> int:
    """The council's revision as it stands. On PostgreSQL the row is share-locked to the end of the
    transaction: a change to a query locks it first (services.py), so none can commit between this read
    and the matches' insert (a match of a query deleted meanwhile would break its foreign key)."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(REVISION + (" FOR SHARE" if db.vendor == "postgresql" else ""), [council_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def live_hits(council_id: int, compiled: Compiled, hits: list[list[int]]) -> list[list[int]]:
    """``hits`` less any query paused or deleted since ``compiled`` was built."""
    if compiled.version[1] == revision_now(council_id):
        return hits
    # The set in hand is older than the queries (being rebuilt, seconds at most): ask them.
    live = set(ListeningQuery.objects.filter(council_id=council_id, active=True).values_list("pk", flat=True))
    return [[q for q in ids if q in live] for ids in hits]


def matches_insert(council_id: int, rows: list[ReceivedItem], hits: list[list[int]], now: dt.datetime) -> int:
    """Keep which queries caught each item; returns how many matches were given (kept or already kept)."""
    db = connections[DEFAULT_DB_ALIAS]
    adapt = sqlrows.time_adapter(db)
    when: dict[Any, Any] = {}  # one conversion per distinct time (a poll's items share few)
    caught = [(row, ids) for row, ids in zip(rows, hits, strict=True) if ids]
    if not caught:
        return 0
    times = []
    for row, _ids in caught:
        said = row.created_at or now
        stored = when.get(said)
        if stored is None:
            stored = when[said] = adapt(said)
        times.append(stored)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            query_ids, item_ids, channel_ids, ats = [], [], [], []
            for (row, ids), at in zip(caught, times, strict=True):
                query_ids += ids
                item_ids += [row.id] * len(ids)
                channel_ids += [row.channel_id] * len(ids)
                ats += [at] * len(ids)
            cursor.execute(POSTGRES_INSERT, [council_id, query_ids, item_ids, channel_ids, ats])
        else:
            cursor.executemany(
                SQLITE_INSERT,
                [
                    (council_id, row.id, row.channel_id, at, orjson.dumps(ids).decode())
                    for (row, ids), at in zip(caught, times, strict=True)
                ],
            )
    return sum(len(ids) for _row, ids in caught)


def listening_ingest(council: Council, rows: list[ReceivedItem]) -> dict[int, list[int]]:
    """Store which queries caught each item and fire the triggers; returns item id -> query ids."""
    compiled = compiled_for(council.pk)
    hits = compiled.hits([r.text for r in rows], [r.channel_id for r in rows])
    if any(hits):
        hits = live_hits(council.pk, compiled, hits)
        matches_insert(council.pk, rows, hits, timezone.now())
    caught = {row.id: ids for row, ids in zip(rows, hits, strict=True) if ids}
    triggers_run(council=council, rows=rows, caught=caught)
    return caught
