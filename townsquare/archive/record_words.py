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
# The council's records newest first with their words beside them, and each platform's and each kind's: a search
# for common words reads one of them alone, neither the table nor the GIN index (an index-only scan). The council's
# is walked by ``newest_ids``; the planner takes the platform's and the kind's itself, for "library on X" 0.3 ms
# instead of 3.4 (570 rows of the table read for their words), "pothole, received" 0.2 instead of 3.5. Every write
# of a record (its words included) has these three more to keep: about 230 MB each at a million records.
WORDS_BESIDE = {
    "archive_newest_words": "council_id, occurred_at DESC, id DESC",
    "archive_platform_words": "council_id, platform, occurred_at DESC, id DESC",
    "archive_kind_words": "council_id, kind, occurred_at DESC, id DESC",
}
WORDS_BESIDE_CREATE = tuple(
    f"CREATE INDEX IF NOT EXISTS {name} ON {RECORD} ({key}) INCLUDE (version_count, search_vector)"
    for name, key in WORDS_BESIDE.items()
)
WORDS_BESIDE_DROP = tuple(f"DROP INDEX IF EXISTS {name}" for name in WORDS_BESIDE)
# How many of the newest records a walk reads at most: first a few, to see how common the words are; then as
# many as that says it will take, if no more than the second (beyond that the GIN index's hits are cheaper).
WALK_FIRST, WALK_MOST = 2_000, 20_000
EXACT = (
    "SELECT DISTINCT record_id FROM archive_archiveversion "
    "WHERE record_id = ANY(%s) AND search_vector @@ plainto_tsquery('simple', %s)"
)


def on_postgres(statements: Sequence[str]) -> Callable[[Any, Any], None]:
    """A migration's step that runs ``statements`` on PostgreSQL and does nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


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


def _walk(cursor: Any, where: str, params: list[Any], text: str, *, budget: int, step: int) -> list[tuple[int, int]]:
    """The newest ``step`` records holding the words among the newest ``budget`` that ``where`` finds, read from
    ``archive_newest_words`` alone (an index-only scan that stops at the ``step``-th): (id, version count)."""
    statement = (
        f"SELECT id, version_count FROM (SELECT id, version_count, occurred_at, search_vector "  # noqa: S608
        f"FROM {RECORD} WHERE {where} ORDER BY occurred_at DESC, id DESC LIMIT %s) newest "
        "WHERE search_vector @@ plainto_tsquery('simple', %s) ORDER BY occurred_at DESC, id DESC LIMIT %s"
    )
    cursor.execute(connection.ops.compose_sql(statement, [*params, budget, text, step]))  # type: ignore[attr-defined]
    return list(cursor.fetchall())


def newest_ids(
    conditions: Callable[[tuple[Any, int] | None], tuple[str, list[Any]]],
    words: Sequence[str],
    *,
    before: tuple[Any, int] | None,
    wanted: int,
    step: int | None = None,
    walk: bool = False,
) -> list[int]:
    """Ids of the ``wanted`` newest records whose versions hold every word, among those ``conditions(before)``
    finds (SQL on ``archive_archiverecord``, older than a cursor's time and id): a page of candidates by the
    record's words, those of several versions checked against their versions, and more read if that
    left too few.

    ``walk``: ``conditions`` ask only for the council, times and the cursor, which ``archive_newest_words``
    holds. Words in one record of a few hundred or more are then found by walking that index newest first
    (``swimming pool closure``, one in 200: 9,000 entries, 4 ms; the GIN index's 5,000 hits sorted took 15 ms,
    and the planner, which takes the words for independent, expects a fifth of the hits and chooses it).
    A walk that finds too few leaves the rest to the planner's choice, from the last record it found."""
    step = step or wanted
    text = " ".join(words)
    found: list[int] = []
    with connection.cursor() as cursor:
        if walk:
            where, params = conditions(before)
            rows = _walk(cursor, where, params, text, budget=WALK_FIRST, step=step)
            if 0 < len(rows) < step and WALK_FIRST * step <= WALK_MOST * len(rows):
                rows = _walk(cursor, where, params, text, budget=WALK_MOST, step=step)
            if len(rows) == step:  # the newest ``step`` there are: as the first statement below would give
                found += _exact(cursor, rows, text)
                if len(found) >= wanted:
                    return found[:wanted]
                before = _moment_of(cursor, rows[-1][0])
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
            found += _exact(cursor, rows, text)
            if len(found) >= wanted or len(rows) < step:
                return found[:wanted]
            before = _moment_of(cursor, rows[-1][0])


def _moment_of(cursor: Any, pk: int) -> tuple[Any, int]:
    """A record's time and id: where the next read of candidates starts."""
    cursor.execute(f"SELECT occurred_at FROM {RECORD} WHERE id = %s", [pk])  # noqa: S608
    return cursor.fetchone()[0], pk


def _exact(cursor: Any, rows: Sequence[tuple[int, int]], text: str) -> list[int]:
    """The ids of ``rows`` (id, version count) whose versions hold the words: a record of several versions is
    checked against each version's own words."""
    several = [pk for pk, count in rows if count > 1]
    exact: set[int] = set()
    if several:
        cursor.execute(EXACT, [several, text])
        exact = {pk for (pk,) in cursor.fetchall()}
    return [pk for pk, count in rows if count <= 1 or pk in exact]
