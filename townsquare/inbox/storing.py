"""The ingest's first step: received items stored raw and durably, deduplicated by platform id.

A batch is stored by ``INSERT … ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING id,
external_id``, so the database itself says which items were new (one already stored, or stored
meanwhile by another worker, a poll and a stream at once, is not returned) and their ids, with no query
before or after: one statement a thousand items on PostgreSQL, statements of fixed sizes on SQLite
(``_statement_sizes``: each compiled once a process). The rows handed on to the later stages are model
instances made without ``Model.__init__`` (about 25 µs an item for this model, more than storing it):
every column's value is set, as a row read from the database would have it.

The thread is stored with the item as far as the item itself says it (its own id, or for a reply the id
of the item it answers); normalising moves a reply on to the thread's first item where that is known,
and rewrites only the threads that moved, so most items' thread index entries are written once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone

from townsquare import sqlrows
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.inbox.models import ReceivedItem
from townsquare.sqlrows import json_text
from townsquare.storable import storable_json, storable_text

STORED_FIELDS = [
    "council_id",
    "channel_id",
    "external_id",
    "kind",
    "author_handle",
    "author_name",
    "text",
    "created_at",
    "url",
    "in_reply_to_external_id",
    "raw",
    "malformed",
    "parse_error",
    "received_at",
    "status",
]
# What a stored item holds until the later stages fill it in (the columns have no default of their own).
UNFILLED: dict[str, Any] = {
    "author_key": "",
    "language": "",
    "links": [],
    "media": [],
    "thread_key": "",
    "sentiment": "",
    "categories": [],
    "risk": "",
    "classification": {},
    "normalised": False,
    "indexed": False,
    "enriched": False,
    "needs_attention": False,
    "processing_error": "",
}
# Every column an item is stored with, the status last (the order the benchmarks build their rows in).
COLUMNS = [*(name for name in STORED_FIELDS if name != "status"), *UNFILLED, "status"]
# Stored with each item's own value (``received_values``) although normalising fills it in.
THREAD = "thread_key"
# At most this many rows a statement: SQLite takes up to 32,766 parameters, PostgreSQL 65,535.
ROWS_A_STATEMENT = 1000
TABLE = ReceivedItem._meta.db_table


def _fallback_id(raw: Any) -> str:
    body = json.dumps(raw, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest()


def text_limited(value: Any, limit: int) -> str:
    return storable_text(("" if value is None else str(value))[:limit])


def received_values(channel: Channel, item: InboundItem, now: dt.datetime) -> dict[str, Any]:
    """The stored columns of ``item`` (``STORED_FIELDS``); whatever cannot be read is flagged, never raised."""
    problems = [item.parse_error] if item.parse_error else []
    raw = item.raw if isinstance(item.raw, dict) else {"value": item.raw}
    external_id = text_limited(item.external_id, 500)
    if not external_id:
        external_id = _fallback_id(raw)
        problems.append("The payload had no identifier.")
    created = item.created_at if isinstance(item.created_at, dt.datetime) else None
    if created is not None and timezone.is_naive(created):
        created = timezone.make_aware(created, dt.UTC)
    if created is None and not item.malformed:
        problems.append("The payload had no time.")
    return {
        "council_id": channel.council_id,
        "channel_id": channel.pk,
        "external_id": external_id,
        "kind": text_limited(item.kind, 30),
        "author_handle": text_limited(item.author_handle, 300),
        "author_name": text_limited(item.author_name, 300),
        "text": text_limited(item.text, 100_000),
        "created_at": created,
        "url": text_limited(item.url, 1000),
        "in_reply_to_external_id": text_limited(item.in_reply_to_external_id, 500),
        "raw": raw,
        "malformed": item.malformed or bool(problems),
        "parse_error": "; ".join(p for p in problems if p)[:2000],
        "received_at": now,
        "status": ReceivedItem.Status.NEW.value,
        THREAD: text_limited(item.in_reply_to_external_id, 500) or external_id,
        "_problems": problems,
    }


def _raw_checked(values: dict[str, Any], postgres: bool) -> Any:
    """The payload as JSON text (SQLite) or a JSON parameter (PostgreSQL). A payload holding values JSON
    cannot hold (a time, bytes) is kept with those values as text, and flagged."""
    raw = values["raw"]
    try:
        text = json_text(raw)
    except (TypeError, ValueError):
        raw = values["raw"] = json.loads(json.dumps(raw, default=str))
        text = json_text(raw)
        _flag(values, "The payload held values that are not JSON.")
    if "\\u0000" in text or "\\ud" in text:  # how JSON writes NUL and surrogates, which cannot be stored
        raw, changed = storable_json(raw)
        if changed:
            values["raw"], text = raw, json_text(raw)
            _flag(values, "The payload held NUL characters or broken surrogates, kept as U+FFFD.")
    if postgres:
        from psycopg.types.json import Jsonb

        return Jsonb(raw, dumps=lambda _value: text)
    return text


def _flag(values: dict[str, Any], problem: str) -> None:
    values["_problems"].append(problem)
    values["malformed"] = True
    values["parse_error"] = "; ".join(p for p in values["_problems"] if p)[:2000]


def _statement_sizes(count: int, postgres: bool) -> list[int]:
    """How many rows each statement stores. SQLite compiles a statement afresh whenever its text is new
    (a thousand rows of thirty columns take longer to compile than to store): there a batch goes in
    statements of fixed sizes, powers of two, each compiled once a process (at most ten a batch). The
    rows keep their order (the unique key's) across the statements."""
    if postgres:
        return [min(ROWS_A_STATEMENT, count - start) for start in range(0, count, ROWS_A_STATEMENT)]
    sizes, size = [], 512
    while count:
        while size > count:
            size //= 2
        sizes.append(size)
        count -= size
    return sizes


def _insert(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert ``rows``; returns external id -> id for those the statements stored."""
    # The payload is prepared apart (``_raw_checked``), and the columns the later stages fill in hold the
    # same values on every row: prepared once a batch.
    given = [name for name in STORED_FIELDS if name != "raw"]
    prepare = sqlrows.Preparer(sqlrows.fields_of(ReceivedItem, given))
    read = itemgetter(*given)  # a row's values by one call
    same = [name for name in UNFILLED if name != THREAD]
    unfilled = sqlrows.Preparer(sqlrows.fields_of(ReceivedItem, same)).row([UNFILLED[name] for name in same])
    postgres = connection.vendor == "postgresql"  # read once: each read of ``connection`` looks it up
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in [*given, "raw", THREAD, *same])
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    stored: dict[str, int] = {}
    start = 0
    with connection.cursor() as cursor:
        for size in _statement_sizes(len(rows), postgres):
            params: list[Any] = []
            for values in rows[start : start + size]:
                raw = _raw_checked(values, postgres)
                params.extend(prepare.row(read(values)))
                params.append(raw)
                params.append(values[THREAD])
                params.extend(unfilled)
            start += size
            # Names come from this module; values are bound.
            sql = (
                f"INSERT INTO {quote(TABLE)} ({columns}) VALUES {', '.join([one] * size)} "  # noqa: S608
                "ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING id, external_id"
            )
            cursor.execute(sql, params)
            stored.update((external_id, pk) for pk, external_id in cursor.fetchall())
    return stored


def stored_instance(values: dict[str, Any], pk: int, alias: str) -> ReceivedItem:
    """The stored row as a model instance, every column set as the database now holds it (made as
    ``sqlrows.instance`` makes one, from a prepared mapping of the columns not stored: a fresh list or
    dict for each JSON column)."""
    obj = ReceivedItem.__new__(ReceivedItem)
    attributes = obj.__dict__
    attributes.update(_OTHERS)
    attributes.update(UNFILLED)
    attributes.update({name: values[name] for name in STORED_FIELDS})
    attributes.update(id=pk, thread_key=values[THREAD], links=[], media=[], categories=[], classification={})
    state = ModelState()
    state.adding, state.db = False, alias
    attributes["_state"] = state
    return obj


# Every other column's default (an assignee, a service, when it was updated): what a row just stored holds.
_OTHERS: dict[str, Any] = {
    field.attname: field.get_default()
    for field in ReceivedItem._meta.concrete_fields
    if field.attname not in {"id", *STORED_FIELDS, *UNFILLED}
}


def store(channel: Channel, items: Sequence[InboundItem]) -> tuple[list[ReceivedItem], int]:
    """Store what is new for the channel; returns (the new rows with their ids, how many were duplicates).

    Rows go in in the order of the unique key: two workers storing the same items (a poll and a stream
    at once) then wait for each other instead of deadlocking."""
    now = timezone.now()
    by_id: dict[str, dict[str, Any]] = {}
    for item in items:
        values = received_values(channel, item, now)
        by_id.setdefault(values["external_id"], values)
    ordered = [by_id[key] for key in sorted(by_id)]
    new: list[ReceivedItem] = []
    alias = connection.alias
    for start in range(0, len(ordered), ROWS_A_STATEMENT):
        chunk = ordered[start : start + ROWS_A_STATEMENT]
        stored = _insert(chunk)
        new.extend(
            stored_instance(values, stored[values["external_id"]], alias)
            for values in chunk
            if values["external_id"] in stored
        )
    # In the order the items came (the later stages keep threads in order of time in any case).
    position = {key: n for n, key in enumerate(by_id)}
    new.sort(key=lambda row: position[row.external_id])
    return new, len(items) - len(new)
