"""The API's search page in plain SQL: which records, with their rows (``page``), then their versions.

The JSON API answers a search with fifty records at a time; building its statements
through the ORM cost several times what the database spends on them. Here the filters of an
``ArchiveQuery``, the person's channels and the cursor become one WHERE clause on
``archive_archiverecord`` (``record_conditions``), which the index reads of ``search`` take as
they are, and rows come back as plain tuples. ``selectors.query_filter`` is the same filter as a
queryset, for everything else; the tests hold the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from django.db import connection
from django.utils import timezone

from townsquare.archive import record_words
from townsquare.archive.search import ArchiveQuery, newest_matching_rows
from townsquare.sqlrows import among

RECORD = "archive_archiverecord"


def _columns(time: str, metadata: str) -> tuple[str, str]:
    """The record's and the version's columns; ``time`` wraps a time column (``SQLITE_TIME``, ``PG_TIME``), ``metadata``
    the version's metadata (to come back as JSON text, written into the answer as it is)."""
    record = (
        f"{RECORD}.id, {RECORD}.kind, {RECORD}.channel_id, channels_channel.name, channels_channel.platform, "
        f"{RECORD}.platform, {RECORD}.external_id, {RECORD}.url, {RECORD}.author, {RECORD}.thread_key, "
        + ", ".join(time.format(f"{RECORD}.{c}") for c in ("occurred_at", "first_seen_at", "edited_at", "deleted_at"))
        + f", {RECORD}.content_hash, {RECORD}.version_count"
    )
    stored = metadata.format("metadata")
    version = f"record_id, n, event, text, {stored}, {time.format('captured_at')}, content_hash, hash"
    return record, version


# SQLite: a time column as the API writes it, made from the UTC text Django stores (``2026-03-31 09:15:00``,
# microseconds only where there are any): 20 µs a page against 50 for ``when_json`` on each (an expression also
# keeps the column's declared type, and so Django's converter to a datetime, out of the way).
SQLITE_TIME = "replace({}, ' ', 'T') || 'Z'"
# PostgreSQL: a time column as UTC text, read by ``when_json`` with no datetime made in between (psycopg's
# loader of times and the ISO formatting cost more than the rest of the row).
PG_TIME = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
NEWEST = f"ORDER BY {RECORD}.occurred_at DESC, {RECORD}.id DESC"
CHANNEL = f"LEFT JOIN channels_channel ON channels_channel.id = {RECORD}.channel_id "


def _moment(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    # One value as an equality: PostgreSQL reads an index in order past "= ANY(array)" only by sorting what it
    # found, so a platform's or a kind's newest records were found by walking the whole council's instead.
    if len(values) == 1:
        return f"{RECORD}.{column} = %s", [values[0]]
    return among(f"{RECORD}.{column}", values)


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def record_conditions(
    *,
    council_id: int,
    channel_ids: Sequence[int] | None,
    query: ArchiveQuery,
    before: tuple[dt.datetime, int] | None = None,
) -> tuple[str, list[Any]] | None:
    """The WHERE clause (on ``archive_archiverecord``) of the council's records among ``channel_ids`` (None:
    every channel) that the query's filters find, older than ``before`` (a cursor's time and id); None
    when it can find nothing. The words are not part of it: the full-text index reads apply them."""
    parts, params = [f"{RECORD}.council_id = %s"], [council_id]

    def add(sql: str, values: list[Any]) -> None:
        parts.append(sql)
        params.extend(values)

    if channel_ids is not None:
        if not channel_ids:
            return None
        add(*_in("channel_id", channel_ids))
    if query.channel_ids:
        add(*_in("channel_id", query.channel_ids))
    if query.platforms:
        add(*_in("platform", query.platforms))
    if query.kinds:
        add(*_in("kind", query.kinds))
    if query.author:
        # As Django's icontains: case-insensitive, the value's own % and _ taken literally.
        like = "ILIKE %s" if connection.vendor == "postgresql" else "LIKE %s ESCAPE '\\'"
        add(f"{RECORD}.author {like}", [_like(query.author)])
    if query.date_from:
        add(f"{RECORD}.occurred_at >= %s", [_moment(_day_start(query.date_from))])
    if query.date_to:
        add(f"{RECORD}.occurred_at < %s", [_moment(_day_start(query.date_to + dt.timedelta(days=1)))])
    if query.only == "edited":
        add(f"{RECORD}.edited_at IS NOT NULL", [])
    elif query.only == "deleted":
        add(f"{RECORD}.deleted_at IS NOT NULL", [])
    if before is not None:
        moment = _moment(before[0])
        add(
            f"({RECORD}.occurred_at < %s OR ({RECORD}.occurred_at = %s AND {RECORD}.id < %s))",
            [moment, moment, before[1]],
        )
    return " AND ".join(parts), params


def _aware(value: Any) -> dt.datetime | None:
    """A datetime as the ORM gives it: SQLite keeps UTC as text, PostgreSQL answers with a datetime."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def when_json(value: Any) -> str | None:
    """A stored time as the API writes it (``datetime.isoformat`` in UTC, ``Z`` for the zone, microseconds only
    where there are any): SQLite's text as Django stores it (``2026-03-31 09:15:00``, microseconds where there
    are any) and PostgreSQL's ``PG_TIME`` (always six digits) rewritten directly, anything else through a
    datetime."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) in (19, 26) and value[10] == " " and value[4] == "-":
        if value.endswith(".000000"):
            value = value[:19]
        return f"{value[:10]}T{value[11:]}Z"
    moment = _aware(value)
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def page_rows(ids: Sequence[int], limit: int) -> list[dict[str, Any]]:
    """The records ``ids``, newest first, at most ``limit``, each as the API gives it (``api.RecordSerializer``'s
    fields, times as ISO text, the channel as ``{id, name, platform}``) with ``versions``, oldest first; each
    version's metadata is its stored JSON as an ``orjson.Fragment``, written into the answer unparsed."""
    if not ids:
        return []
    sqlite = connection.vendor == "sqlite"
    record_columns, _ = _columns(SQLITE_TIME if sqlite else PG_TIME, "{}")
    chosen, params = _in("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {record_columns} FROM {RECORD} {CHANNEL} WHERE {chosen} {NEWEST} LIMIT %s",  # noqa: S608
            [*params, limit],
        )
        return _with_versions(cursor.fetchall(), made=sqlite)


def page(
    *,
    council_id: int,
    channel_ids: Sequence[int] | None,
    query: ArchiveQuery,
    before: tuple[dt.datetime, int] | None,
    wanted: int,
) -> list[dict[str, Any]]:
    """The newest ``wanted`` records the search finds, older than ``before``, as ``page_rows`` gives them.

    Without words they are read newest first by the council's index; with words, by the full-text index
    read newest first (SQLite, ``newest_matching_rows``), or by the words kept on each record (PostgreSQL,
    ``record_words``). On SQLite the statement that finds them reads their columns too (``sqlite_rows``),
    then their versions: two statements a page. On PostgreSQL their ids, then ``page_rows``."""
    conditions = record_conditions(council_id=council_id, channel_ids=channel_ids, query=query, before=before)
    if conditions is None:
        return []
    where, params = conditions
    words = query.words
    if connection.vendor == "sqlite":
        # The record's time as stored last: the order (text: unary + keeps the value and drops the declared
        # type, for which Django's converter would make a datetime).
        columns = f"{_columns(SQLITE_TIME, '{}')[0]}, +{RECORD}.occurred_at"
        return _with_versions(sqlite_rows(where, params, query, before, wanted, columns=columns), made=True)
    if words:

        def older(moment: tuple[dt.datetime, int] | None) -> tuple[str, list[Any]]:
            found = record_conditions(council_id=council_id, channel_ids=channel_ids, query=query, before=moment)
            assert found is not None  # as above: only no channels at all finds nothing
            return found

        # The whole council, by its time alone: ``archive_newest_words`` holds all the walk asks.
        walk = channel_ids is None and not (query.channel_ids or query.platforms or query.kinds or query.author)
        ids = record_words.newest_ids(older, words, before=before, wanted=wanted, walk=walk and not query.only)
    else:
        with connection.cursor() as cursor:
            statement = f"SELECT {RECORD}.id FROM {RECORD} WHERE {where} {NEWEST} LIMIT %s"  # noqa: S608
            cursor.execute(statement, [*params, wanted])
            ids = [row[0] for row in cursor.fetchall()]
    return page_rows(ids, wanted)


def sqlite_rows(
    where: str,
    params: list[Any],
    query: ArchiveQuery,
    before: tuple[dt.datetime, int] | None,
    wanted: int,
    *,
    columns: str,
) -> list[tuple[Any, ...]]:
    """SQLite: the newest ``wanted`` records ``where`` finds (``record_conditions``), newest first, each a row of
    ``columns`` (SQL: the record's id first, its time as stored last; the channel may be named). Without
    words read newest first by the council's index; with words, as the full-text index gives them
    (``newest_matching_rows``), then put in order."""
    if query.words:
        upper, since = _time_bounds(query, before)
        found = newest_matching_rows(
            where, params, query.words, before=upper, after=since, wanted=wanted, columns=columns, join=CHANNEL
        )
        found.sort(key=lambda row: (row[-1], row[0]), reverse=True)
        return found[:wanted]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {RECORD} {CHANNEL} WHERE {where} {NEWEST} LIMIT %s",  # noqa: S608
            [*params, wanted],
        )
        return cursor.fetchall()


def _time_bounds(
    query: ArchiveQuery, before: tuple[dt.datetime, int] | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The bounds of the records' time a full-text read may take: before the cursor and the ``to`` date's
    end, from the ``from`` date's start."""
    until = _day_start(query.date_to + dt.timedelta(days=1)) if query.date_to else None
    upper = min(u for u in (before[0] if before else None, until) if u is not None) if before or until else None
    return upper, _day_start(query.date_from) if query.date_from else None


def _with_versions(records: Sequence[Sequence[Any]], *, made: bool) -> list[dict[str, Any]]:
    """The records' rows (``_columns``' record columns first) as the API gives them, with their versions read;
    ``made``: their times are in the API's form already."""
    rows: list[dict[str, Any]] = []
    by_id: dict[int, list[dict[str, Any]]] = {}
    for row in records:
        versions: list[dict[str, Any]] = []
        by_id[row[0]] = versions
        rows.append(_record(row, versions, made=made))
    if not rows:
        return rows
    sqlite = connection.vendor == "sqlite"
    _, version_columns = _columns(SQLITE_TIME if sqlite else PG_TIME, "{}" if sqlite else "{}::text")
    chosen, params = among("record_id", list(by_id))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {version_columns} FROM archive_archiveversion WHERE {chosen} ORDER BY record_id, n",  # noqa: S608
            params,
        )
        for record_id, n, event, text, metadata, captured_at, content_hash, seal in cursor.fetchall():
            by_id[record_id].append(
                {
                    "n": n,
                    "event": event,
                    "text": text,
                    "metadata": orjson.Fragment(metadata) if metadata is not None else None,
                    "captured_at": captured_at if sqlite else when_json(captured_at),
                    "content_hash": content_hash,
                    "hash": seal,
                }
            )
    return rows


def _record(row: Sequence[Any], versions: list[dict[str, Any]], *, made: bool) -> dict[str, Any]:
    """A record's row as the API gives it; ``made``: its times are in the API's form already (``SQLITE_TIME``)."""
    pk, kind, channel_id, channel_name, channel_platform, platform, external_id, url, author, thread_key = row[:10]
    occurred_at, first_seen_at, edited_at, deleted_at = row[10:14] if made else map(when_json, row[10:14])
    content_hash, version_count = row[14:16]
    return {
        "id": pk,
        "kind": kind,
        "channel": {"id": channel_id, "name": channel_name, "platform": channel_platform} if channel_id else None,
        "platform": platform,
        "external_id": external_id,
        "url": url,
        "author": author,
        "thread_key": thread_key,
        "occurred_at": occurred_at,
        "first_seen_at": first_seen_at,
        "edited_at": edited_at,
        "deleted_at": deleted_at,
        "content_hash": content_hash,
        "version_count": version_count,
        "versions": versions,
    }
