"""The inbox's full-text index: SQLite FTS5 on the embedded default, PostgreSQL full-text search at scale.

On SQLite the index is the contentless FTS5 table ``inbox_receiveditem_fts`` (rowid = item id),
written by the pipeline; on PostgreSQL a GIN index over ``to_tsvector('simple', text)`` keeps
itself up to date, so there is nothing to write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from townsquare.inbox.models import ReceivedItem

FTS_TABLE = "inbox_receiveditem_fts"
WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, author, content='', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"
POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS inbox_receiveditem_text_gin ON inbox_receiveditem "
    "USING gin (to_tsvector('simple', text))"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS inbox_receiveditem_text_gin"


def index_items(rows: Sequence[tuple[int, str, str]]) -> None:
    """Add ``(id, text, author)`` rows to the index (SQLite; PostgreSQL's index follows the table).

    In order of id: FTS5 writes the terms it holds to disk whenever a row comes with a lower id than the one
    before (a batch is stored in the order of its platform ids, which is not always the order of its items),
    and a segment written a row costs several times the row itself, and more merging later."""
    if connection.vendor != "sqlite" or not rows:
        return
    ordered = sorted(rows, key=lambda row: row[0])
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, body, author) VALUES (%s, %s, %s)", ordered)  # noqa: S608


def index_rebuild() -> int:
    """Index every stored item afresh (SQLite): after rows arrived by another route than the
    pipeline (a restored backup, ``loaddata``) or were removed. Returns how many were indexed."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")  # noqa: S608
    rows = [
        (pk, text, f"{handle} {name}")
        for pk, text, handle, name in ReceivedItem.objects.values_list("pk", "text", "author_handle", "author_name")
    ]
    for start in range(0, len(rows), 5000):
        index_items(rows[start : start + 5000])
    return len(rows)


def words(query: str) -> list[str]:
    """The words of a search (at most 20); any syntax is read as words."""
    return WORD.findall(query or "")[:20]


def _match(found: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in found)


def hit_ids(query: str, *, beyond: int | None, older: bool, limit: int) -> list[int]:
    """SQLite: the ids of up to ``limit`` items holding every word of ``query``, newest first (``older``)
    from below ``beyond`` or oldest first from above it. FTS5 walks its hits in rowid order and stops at
    the limit, so a common word costs no more than a rare one."""
    found = words(query)
    if not found:
        return []
    where = f"{FTS_TABLE} MATCH %s"
    params: list[Any] = [_match(found)]
    if beyond is not None:
        where += " AND rowid < %s" if older else " AND rowid > %s"
        params.append(beyond)
    order = "DESC" if older else "ASC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {where} ORDER BY rowid {order} LIMIT %s",  # noqa: S608
            [*params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def search_filter(items: QuerySet[ReceivedItem], query: str) -> QuerySet[ReceivedItem]:
    """Items whose text (or, on SQLite, author) holds every word of ``query``; any syntax is read as words."""
    found = words(query)
    if not found:
        return items
    if connection.vendor == "sqlite":
        return items.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_match(found)]))  # noqa: S608, S611
    if connection.vendor == "postgresql":
        # A condition on the row itself (the expression the GIN index holds), not a list of ids: the
        # planner may then walk the newest-first index and stop at the page, or read the GIN index for
        # rare words, whichever its statistics say is cheaper.
        return items.filter(
            RawSQL(
                "to_tsvector('simple', inbox_receiveditem.text) @@ plainto_tsquery('simple', %s)",
                [" ".join(found)],
                output_field=BooleanField(),
            )
        )
    for word in found:
        items = items.filter(text__icontains=word)
    return items
