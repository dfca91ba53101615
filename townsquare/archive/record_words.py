"""PostgreSQL: every word of a record's versions kept on the record itself, for newest-first searches.

A search wants the newest fifty records holding the words. With the words only on the versions,
each candidate cost a visit to the version table (538 MB at a million records, far beyond the
server's cache) to learn the record, then one to the record for its time and filters: 60 to 70 ms of
the server's time for three common words seldom together. ``archive_archiverecord.search_vector``
holds the words of all the record's versions (kept by ``refresh``, which ``search.index_versions``
calls wherever versions are added, as it feeds SQLite's index), with a GIN index: the planner
either walks the council's newest-first index checking each record's own words (common words) or
takes the GIN index's hits and sorts them (rare ones), never touching the versions.

A record matches when one version holds every word; the record's words are those of all its
versions together, so they can only find too much, never too little. A record of one version
(nearly all of them) is exact as it stands; one with several is checked against its versions'
own words (``archive_version_search_gin``'s column) before it counts (``newest_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

RECORD = "archive_archiverecord"
WORDS_OF = (
    "SELECT record_id, to_tsvector('simple', string_agg(text, ' ' ORDER BY n)) AS words "
    "FROM archive_archiveversion WHERE {} GROUP BY record_id"
)
CREATE = (
    f"ALTER TABLE {RECORD} ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"UPDATE {RECORD} r SET search_vector = w.words FROM ({WORDS_OF.format('TRUE')}) w WHERE w.record_id = r.id",  # noqa: S608
    f"CREATE INDEX IF NOT EXISTS archive_record_search_gin ON {RECORD} USING gin (search_vector)",
)
DROP = (
    "DROP INDEX IF EXISTS archive_record_search_gin",
    f"ALTER TABLE {RECORD} DROP COLUMN IF EXISTS search_vector",
)
# The records of the given versions, their words read again from all their versions.
REFRESH = (
    f"UPDATE {RECORD} r SET search_vector = w.words FROM "  # noqa: S608
    f"({WORDS_OF.format('record_id IN (SELECT record_id FROM archive_archiveversion WHERE id = ANY(%s))')}) w "
    "WHERE w.record_id = r.id"
)
EXACT = (
    "SELECT DISTINCT record_id FROM archive_archiveversion "
    "WHERE record_id = ANY(%s) AND search_vector @@ plainto_tsquery('simple', %s)"
)


def refresh(version_ids: Sequence[int]) -> None:
    """Bring the words of the records of these (new) versions up to date (PostgreSQL; nothing elsewhere)."""
    if connection.vendor != "postgresql" or not version_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(REFRESH, [list(version_ids)])


def rebuild() -> int:
    """Every record's words afresh (PostgreSQL): after versions arrived another way. Returns how many."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(CREATE[1])
        return int(cursor.rowcount)


def newest_ids(
    conditions: Callable[[tuple[Any, int] | None], tuple[str, list[Any]]],
    words: Sequence[str],
    *,
    before: tuple[Any, int] | None,
    wanted: int,
    step: int | None = None,
) -> list[int]:
    """Ids of the ``wanted`` newest records whose versions hold every word, among those ``conditions(before)``
    finds (SQL on ``archive_archiverecord``, older than a cursor's time and id): a page of candidates by the
    record's words, those of several versions checked against their versions, and more read if that
    left too few."""
    step = step or wanted
    text = " ".join(words)
    found: list[int] = []
    with connection.cursor() as cursor:
        while True:
            where, params = conditions(before)
            statement = (
                f"SELECT id, version_count FROM {RECORD} WHERE {where} "  # noqa: S608
                f"AND search_vector @@ plainto_tsquery('simple', %s) "
                f"ORDER BY {RECORD}.occurred_at DESC, {RECORD}.id DESC LIMIT %s"
            )
            # The values written into the statement: its plan must be made for these words and dates (walk the
            # newest records for common words, take the GIN index's hits for rare ones). With parameters, the
            # server keeps one generic plan for every search once the statement is prepared, and took 170 ms
            # for a common word in a year with it. The same search asked again is prepared as it stands.
            cursor.execute(connection.ops.compose_sql(statement, [*params, text, step]))  # type: ignore[attr-defined]
            rows = cursor.fetchall()
            several = [pk for pk, count in rows if count > 1]
            exact: set[int] = set()
            if several:
                cursor.execute(EXACT, [several, text])
                exact = {pk for (pk,) in cursor.fetchall()}
            found += [pk for pk, count in rows if count <= 1 or pk in exact]
            if len(found) >= wanted or len(rows) < step:
                return found[:wanted]
            cursor.execute(f"SELECT occurred_at FROM {RECORD} WHERE id = %s", [rows[-1][0]])  # noqa: S608
            before = (cursor.fetchone()[0], rows[-1][0])
