"""What an archive search asks for (``ArchiveQuery``), and the full-text index it runs on.

On SQLite the index is the contentless FTS5 table ``archive_fts``, written by the capture services.
Its rowid is ``fts_rowid``: the record's time in whole seconds, then the version id, so the index
itself lists matches newest first and a search for the newest fifty reads only as far as it needs
(``newest_matching``). On PostgreSQL a GIN index over each version's stored words keeps itself up
to date, and the words of all a record's versions are kept on the record too (``record_words``),
which newest-first searches read. A record matches when any of its versions holds every word, so a
post edited to remove a phrase is still found by it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from townsquare.archive import record_words
from townsquare.archive.models import ArchiveRecord, ArchiveVersion, Kind
from townsquare.channels.models import Platform

FTS_TABLE = "archive_fts"
RECORD = "archive_archiverecord"
WORD = re.compile(r"\w+", re.UNICODE)
ONLY = ("", "edited", "deleted")

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, author, content='', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"
POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS archive_version_text_gin ON archive_archiveversion "
    "USING gin (to_tsvector('simple', text))"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS archive_version_text_gin"
# Since migration 0004: the words kept in a generated column, so a candidate is checked without parsing its text.
POSTGRES_VECTOR_CREATE = (
    "ALTER TABLE archive_archiveversion ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED",
    "CREATE INDEX IF NOT EXISTS archive_version_search_gin ON archive_archiveversion USING gin (search_vector)",
)
POSTGRES_VECTOR_DROP = (
    "DROP INDEX IF EXISTS archive_version_search_gin",
    "ALTER TABLE archive_archiveversion DROP COLUMN IF EXISTS search_vector",
)


@dataclass(frozen=True)
class ArchiveQuery:
    """An archive search: words, and filters that all must hold. Stored with a legal hold or a request."""

    q: str = ""
    channel_ids: tuple[int, ...] = ()
    platforms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    author: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    only: str = ""  # "", "edited" or "deleted"

    @property
    def words(self) -> tuple[str, ...]:
        """The words all of which must be found; any search syntax is read as words."""
        return tuple(WORD.findall(self.q or ""))[:20]

    def is_empty(self) -> bool:
        return self == ArchiveQuery()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["channel_ids"] = list(self.channel_ids)
        data["platforms"] = list(self.platforms)
        data["kinds"] = list(self.kinds)
        data["date_from"] = self.date_from.isoformat() if self.date_from else None
        data["date_to"] = self.date_to.isoformat() if self.date_to else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArchiveQuery:
        """Read what ``to_json`` wrote; ValidationError if it is not that."""
        if not isinstance(data, Mapping):
            raise ValidationError("A saved archive search must be a JSON object.")
        return _checked(
            q=data.get("q") or "",
            channels=[str(v) for v in data.get("channel_ids") or []],
            platforms=[str(v) for v in data.get("platforms") or []],
            kinds=[str(v) for v in data.get("kinds") or []],
            author=data.get("author") or "",
            date_from=data.get("date_from") or "",
            date_to=data.get("date_to") or "",
            only=data.get("only") or "",
        )

    @classmethod
    def from_querydict(cls, params: Any) -> ArchiveQuery:
        """Read a search form or query string (``q``, ``channel``, ``platform``, ``kind`` — each may be
        repeated — ``author``, ``from``, ``to``, ``only``); ValidationError naming every bad value."""

        def many(name: str) -> list[str]:
            values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name, "")]
            return [v.strip() for value in values for v in str(value or "").split(",") if v.strip()]

        def one(name: str) -> str:
            return str(params.get(name, "") or "").strip()

        return _checked(
            q=one("q"),
            channels=many("channel"),
            platforms=many("platform"),
            kinds=many("kind"),
            author=one("author"),
            date_from=one("from"),
            date_to=one("to"),
            only=one("only"),
        )


def _date(value: Any, label: str, problems: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"The {label} date must be a date like 2026-03-31.")
        return None


def _checked(
    *,
    q: Any,
    channels: Sequence[str],
    platforms: Sequence[str],
    kinds: Sequence[str],
    author: Any,
    date_from: Any,
    date_to: Any,
    only: Any,
) -> ArchiveQuery:
    problems: list[str] = []
    q, author, only = str(q).strip(), str(author).strip(), str(only).strip()
    if len(q) > 500:
        problems.append("The search words must be 500 characters or fewer.")
    if len(author) > 300:
        problems.append("The author must be 300 characters or fewer.")
    bad = [c for c in channels if not (c.isdigit() and len(c) < 12)]
    if bad:
        problems.append("A channel must be given by its number.")
    bad = [p for p in platforms if p not in Platform.values]
    if bad:
        problems.append(f"Unknown platform {bad[0]!r}: use one of {', '.join(Platform.values)}.")
    bad = [k for k in kinds if k not in Kind.values]
    if bad:
        problems.append(f"Unknown kind of record {bad[0]!r}: use one of {', '.join(Kind.values)}.")
    if only not in ONLY:
        problems.append("Only must be empty, edited or deleted.")
    start, end = _date(date_from, "from", problems), _date(date_to, "to", problems)
    if start and end and start > end:
        problems.append("The from date must not be after the to date.")
    if problems:
        raise ValidationError(problems)
    return ArchiveQuery(
        q=q,
        channel_ids=tuple(sorted({int(c) for c in channels})),
        platforms=tuple(sorted(set(platforms))),
        kinds=tuple(sorted(set(kinds))),
        author=author,
        date_from=start,
        date_to=end,
        only=only,
    )


SPAN = 1_000_000_000  # version ids below this; the seconds above it


def fts_rowid(occurred_at: dt.datetime, version_id: int) -> int:
    return int(occurred_at.timestamp()) * SPAN + version_id


def index_versions(rows: Sequence[tuple[int, dt.datetime, str, str]]) -> None:
    """Add ``(version id, record time, text, author)`` rows to the index (SQLite); on PostgreSQL, whose index of
    each version's words follows the table, bring their records' own words up to date (``record_words``)."""
    if connection.vendor == "postgresql":
        record_words.refresh([row[0] for row in rows])
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, body, author) VALUES (%s, %s, %s)",  # noqa: S608
            [(fts_rowid(when, pk), text, author) for pk, when, text, author in rows],
        )


def index_forget(rows: Sequence[tuple[int, dt.datetime, str, str]]) -> None:
    """Remove rows, given as ``index_versions`` was (a contentless index forgets a row given what it indexed)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body, author) VALUES ('delete', %s, %s, %s)",  # noqa: S608
            [(fts_rowid(when, pk), text, author) for pk, when, text, author in rows],
        )


def index_rebuild() -> int:
    """Index every stored version afresh (SQLite; on PostgreSQL every record's words): after rows arrived
    another way, or were disposed of."""
    if connection.vendor != "sqlite":
        return record_words.rebuild()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")  # noqa: S608
    versions = ArchiveVersion.objects.values_list("pk", "record__occurred_at", "text", "record__author")
    done, last = 0, 0
    while batch := list(versions.filter(pk__gt=last).order_by("pk")[:5000]):
        index_versions(batch)
        done, last = done + len(batch), batch[-1][0]
    return done


def _match(words: Sequence[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _record_conditions(records: QuerySet[ArchiveRecord]) -> tuple[str, list[Any]] | None:
    """The WHERE clause of ``records`` as SQL on ``archive_archiverecord`` alone; None if it needs a join
    (then the caller asks the usual way). Raises EmptyResultSet when it can find nothing."""
    query = records.query
    if sum(1 for count in query.alias_refcount.values() if count) > 1:  # a join still in use
        return None
    try:
        sql, params = query.get_compiler(using=records.db).compile(query.where)
    except FullResultSet:
        return "1", []
    return sql or "1", list(params)


def newest_matching(
    records: QuerySet[ArchiveRecord],
    words: Sequence[str],
    *,
    before: dt.datetime | None,
    after: dt.datetime | None = None,
    wanted: int,
    chunk: int | None = None,
) -> list[int] | None:
    """SQLite: ids of at least ``wanted`` of ``records`` whose versions hold every word, newest first (or all
    there are), with every match that could come before the ``wanted``-th, so that ordering them by time
    and id and taking ``wanted`` gives the true newest. ``before`` and ``after`` bound the records' time.
    How the index is read: ``newest_matching_rows``. None if ``records`` is filtered through another table."""
    try:
        conditions = _record_conditions(records)
    except EmptyResultSet:
        return []
    if conditions is None:
        return None
    found = newest_matching_rows(
        *conditions, words, before=before, after=after, wanted=wanted, chunk=chunk, columns=f"{RECORD}.id"
    )
    return [row[0] for row in found]


def newest_matching_rows(
    where: str,
    where_params: Sequence[Any],
    words: Sequence[str],
    *,
    before: dt.datetime | None,
    after: dt.datetime | None = None,
    wanted: int,
    columns: str,
    join: str = "",
    chunk: int | None = None,
) -> list[tuple[Any, ...]]:
    """``newest_matching`` of the records ``where`` (SQL on ``archive_archiverecord`` alone) finds, each as a
    row of ``columns`` (SQL, the record's id first; ``join`` may add a table to take them from), once a
    record, in the order the index gave them.

    One statement a chunk: the index is read newest first by rowid (the record's second, then the version)
    and joined row by row to the version and the record, whose filters it must pass, until the LIMIT is
    reached; neither all the hits nor their count is ever taken. Another chunk is read only when several
    versions of one record matched. The records of the second of the last hit read may lie just past it:
    they are read too, unless ``wanted`` records of later seconds were found already (the page is theirs)."""
    step = chunk or wanted + 8
    upper = (int(before.timestamp()) + 1) * SPAN if before is not None else 2**62
    lower = int(after.timestamp()) * SPAN if after is not None else 0
    statement = (
        f"SELECT {FTS_TABLE}.rowid, {columns} FROM {FTS_TABLE} "  # noqa: S608
        f"CROSS JOIN archive_archiveversion v ON v.id = {FTS_TABLE}.rowid %% {SPAN} "
        f"CROSS JOIN {RECORD} ON {RECORD}.id = v.record_id {join}"
        f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid < %s AND {FTS_TABLE}.rowid >= %s AND ({where}) "
        f"ORDER BY {FTS_TABLE}.rowid DESC"
    )
    match, found = _match(words), dict[Any, tuple[int, tuple[Any, ...]]]()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"{statement} LIMIT %s", [match, upper, lower, *where_params, step])
            rows = cursor.fetchall()
            for rowid, *row in rows:
                found.setdefault(row[0], (rowid, tuple(row)))
            if len(rows) < step:
                return [row for _, row in found.values()]
            upper = rows[-1][0]
            if len(found) >= wanted:
                break
        second = upper // SPAN
        if sum(1 for rowid, _ in found.values() if rowid // SPAN > second) < wanted:
            cursor.execute(statement, [match, upper, max(lower, second * SPAN), *where_params])
            for rowid, *row in cursor.fetchall():
                found.setdefault(row[0], (rowid, tuple(row)))
    return [row for _, row in found.values()]


def newest_matching_postgres(
    records: QuerySet[ArchiveRecord], words: Sequence[str], *, wanted: int
) -> list[int] | None:
    """PostgreSQL: ids of the ``wanted`` newest of ``records`` whose versions hold every word, read by the words
    kept on each record (``record_words.newest_ids``); None if ``records`` is filtered through another table."""
    try:
        conditions = _record_conditions(records)
    except EmptyResultSet:
        return []
    if conditions is None:
        return None
    where, params = conditions

    def older(before: tuple[dt.datetime, int] | None) -> tuple[str, list[Any]]:
        if before is None:
            return where, params
        moment = connection.ops.adapt_datetimefield_value(before[0])
        return (
            f"({where}) AND (archive_archiverecord.occurred_at < %s OR "
            "(archive_archiverecord.occurred_at = %s AND archive_archiverecord.id < %s))",
            [*params, moment, moment, before[1]],
        )

    return record_words.newest_ids(older, words, before=None, wanted=wanted)


def words_filter(records: QuerySet[ArchiveRecord], words: Sequence[str]) -> QuerySet[ArchiveRecord]:
    """Records any version of which holds every word (on SQLite, the author's name counts too)."""
    if not words:
        return records
    if connection.vendor == "sqlite":
        return records.filter(
            pk__in=RawSQL(  # noqa: S611
                "SELECT record_id FROM archive_archiveversion WHERE id IN "  # noqa: S608
                f"(SELECT rowid %% {SPAN} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                [_match(words)],
            )
        )
    if connection.vendor == "postgresql":
        return records.filter(
            pk__in=RawSQL(
                "SELECT record_id FROM archive_archiveversion WHERE search_vector @@ plainto_tsquery('simple', %s)",
                [" ".join(words)],
            )
        )
    for word in words:
        records = records.filter(versions__text__icontains=word)
    return records.distinct()
