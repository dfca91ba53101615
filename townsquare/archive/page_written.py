"""The API's search page on SQLite, written as JSON by the database: the answer's ``results`` as they are.

``page_sql.page`` reads a page as rows and the API writes them with orjson. Each value fetched from
SQLite costs Python more than the database spends on it (an object, and the interpreter's lock given
up and taken again around each column's read), and a page is some two thousand values. Here each
record comes back as one text, written by SQLite's ``json_object`` (whose strings, numbers and nulls
are written exactly as orjson writes them), and each version as one; Python only joins them. The
version's metadata goes in as stored, as ``page_rows`` writes it. The tests compare the two answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from django.db import connection

from townsquare.archive.page_sql import RECORD, SQLITE_TIME, sqlite_rows
from townsquare.archive.search import ArchiveQuery
from townsquare.sqlrows import among

_TIMES = ("occurred_at", "first_seen_at", "edited_at", "deleted_at")
# A record as ``page_sql._record`` gives it, less its versions. json() makes the channel JSON whatever CASE
# does with the value's JSON type; no channel, a null.
RECORD_JSON = (
    f"json_object('id', {RECORD}.id, 'kind', {RECORD}.kind, 'channel', json(CASE WHEN {RECORD}.channel_id THEN "
    f"json_object('id', {RECORD}.channel_id, 'name', channels_channel.name, 'platform', channels_channel.platform) "
    f"END), 'platform', {RECORD}.platform, 'external_id', {RECORD}.external_id, 'url', {RECORD}.url, "
    f"'author', {RECORD}.author, 'thread_key', {RECORD}.thread_key, "
    + ", ".join(f"'{name}', {SQLITE_TIME.format(f'{RECORD}.{name}')}" for name in _TIMES)
    + f", 'content_hash', {RECORD}.content_hash, 'version_count', {RECORD}.version_count)"
)
# A version as ``page_sql._version`` gives it: the stored metadata spliced in between two objects (the first
# ends with its text's closing quote and brace, the second opens with its brace).
VERSION_JSON = (
    "rtrim(json_object('n', n, 'event', event, 'text', text), '}') || ',\"metadata\":' || coalesce(metadata, 'null')"
    f" || ',' || substr(json_object('captured_at', {SQLITE_TIME.format('captured_at')}, 'content_hash', content_hash, "
    "'hash', hash), 2)"
)


def page_written(
    conditions: tuple[str, list[Any]] | None, query: ArchiveQuery, before: tuple[dt.datetime, int] | None, limit: int
) -> tuple[orjson.Fragment, tuple[str, int] | None]:
    """The newest ``limit`` records the search finds (``conditions``: ``page_sql.record_conditions``), older than
    ``before``, as the API's ``results`` (a JSON array, as ``page_sql.page`` and orjson would write it), and
    the stored time and id of the last of them when there are more."""
    if conditions is None:
        return orjson.Fragment(b"[]"), None
    columns = f"{RECORD}.id, {RECORD_JSON}, +{RECORD}.occurred_at"
    found = sqlite_rows(*conditions, query, before, limit + 1, columns=columns)
    more = len(found) > limit
    found = found[:limit]
    versions: dict[int, list[str]] = {pk: [] for pk, _, _ in found}
    if versions:
        chosen, params = among("record_id", list(versions))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT record_id, {VERSION_JSON} FROM archive_archiveversion WHERE {chosen} "  # noqa: S608
                "ORDER BY record_id, n",
                params,
            )
            for record_id, version in cursor.fetchall():
                versions[record_id].append(version)
    written = ",".join(f'{record[:-1]},"versions":[{",".join(versions[pk])}]}}' for pk, record, _ in found)
    last = (found[-1][2], found[-1][0]) if more and found else None
    return orjson.Fragment(f"[{written}]"), last
