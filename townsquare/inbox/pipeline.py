"""Ingest, in order: store raw and durably (deduplicated by platform id) → normalise → index → enrich.

Storing is one ``executemany`` per batch (no model instance saved through the ORM on the way in, see
``townsquare/sqlrows.py``), committed before anything else runs; every later stage runs in its own
savepoint and, where it fails, leaves the items stored and flagged (``needs_attention``, with the
error) for an officer to see: nothing received is dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare import sqlrows
from townsquare.channels.models import Channel
from townsquare.classify.services import classify_texts
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.search import index_items
from townsquare.inbox.service_levels import clocks_start
from townsquare.inbox.urgent import urgent_stage
from townsquare.sqlrows import json_text

log = logging.getLogger(__name__)

LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
MEDIA_KEYS = ("media_attachments", "attachments", "media", "images", "embed")
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
    "author_key",
    "language",
    "links",
    "media",
    "thread_key",
    "sentiment",
    "categories",
    "risk",
    "classification",
    "normalised",
    "indexed",
    "enriched",
    "needs_attention",
    "processing_error",
    "status",
]


NORMALISED = ["text", "author_key", "language", "links", "media", "thread_key", "normalised"]
ENRICHED = ["sentiment", "categories", "risk", "language", "classification", "service_id", "enriched"]
FLAGGED = ["needs_attention", "processing_error"]


def _fallback_id(raw: Any) -> str:
    body = json.dumps(raw, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _text(value: Any, limit: int) -> str:
    return ("" if value is None else str(value))[:limit]


def received_row(channel: Channel, item: InboundItem, now: dt.datetime) -> ReceivedItem:
    """An unsaved row for ``item``; whatever cannot be read is flagged, never raised."""
    problems = [item.parse_error] if item.parse_error else []
    raw = item.raw if isinstance(item.raw, dict) else {"value": item.raw}
    try:
        json_text(raw)
    except (TypeError, ValueError):
        raw = json.loads(json.dumps(raw, default=str))
        problems.append("The payload held values that are not JSON.")
    external_id = _text(item.external_id, 500)
    if not external_id:
        external_id = _fallback_id(raw)
        problems.append("The payload had no identifier.")
    created = item.created_at if isinstance(item.created_at, dt.datetime) else None
    if created is not None and timezone.is_naive(created):
        created = timezone.make_aware(created, dt.UTC)
    if created is None and not item.malformed:
        problems.append("The payload had no time.")
    return ReceivedItem(
        council_id=channel.council_id,
        channel_id=channel.pk,
        external_id=external_id,
        kind=_text(item.kind, 30),
        author_handle=_text(item.author_handle, 300),
        author_name=_text(item.author_name, 300),
        text=_text(item.text, 100_000),
        created_at=created,
        url=_text(item.url, 1000),
        in_reply_to_external_id=_text(item.in_reply_to_external_id, 500),
        raw=raw,
        malformed=item.malformed or bool(problems),
        parse_error="; ".join(p for p in problems if p)[:2000],
        received_at=now,
        status=ReceivedItem.Status.NEW,
    )


def store(channel: Channel, items: Sequence[InboundItem]) -> tuple[list[ReceivedItem], int]:
    """Store what is new for the channel; returns (the new rows with their ids, how many were duplicates).

    One query for the platform ids already stored, one ``executemany`` of the new rows (a row stored
    meanwhile by another worker, a poll and a stream at once, is skipped by the database), and one
    query for their ids: no model instance is saved through the ORM on the way in."""
    now = timezone.now()
    rows: dict[str, ReceivedItem] = {}
    for item in items:
        row = received_row(channel, item, now)
        rows.setdefault(row.external_id, row)
    known = sqlrows.ids_by(ReceivedItem, "external_id", list(rows), channel_id=channel.pk)
    # In the order of the unique key: two workers storing the same items (a poll and a stream at once)
    # then wait for each other instead of deadlocking.
    new = [row for key, row in rows.items() if key not in known]
    if new:
        sqlrows.insert(
            ReceivedItem,
            STORED_FIELDS,
            ([getattr(row, name) for name in STORED_FIELDS] for row in sorted(new, key=lambda r: r.external_id)),
            skip_conflicts_on="channel_id, external_id",
        )
        # Only the rows this call stored (its own received_at): one another worker stored meanwhile is its.
        ids = sqlrows.ids_by(
            ReceivedItem, "external_id", [r.external_id for r in new], channel_id=channel.pk, received_at=now
        )
        new = [row for row in new if row.external_id in ids]
        for row in new:
            row.pk = ids[row.external_id]
            row._state.adding = False
    return new, len(items) - len(new)


# --- normalise -----------------------------------------------------------------------------------------


def _links(text: str, raw: dict[str, Any]) -> list[str]:
    found = [m.rstrip(".,;:!?)") for m in LINK.findall(text)]
    card = raw.get("card") if isinstance(raw.get("card"), dict) else None
    if card and isinstance(card.get("url"), str):
        found.append(card["url"])
    return list(dict.fromkeys(found))[:20]


def _media(raw: dict[str, Any]) -> list[dict[str, str]]:
    media: list[dict[str, str]] = []
    for key in MEDIA_KEYS:
        value = raw.get(key)
        for entry in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
            if isinstance(entry, dict):
                url = entry.get("url") or entry.get("preview_url") or entry.get("fullsize") or entry.get("thumb") or ""
                kind = entry.get("type") or entry.get("$type") or key
                media.append(
                    {
                        "type": _text(kind, 40),
                        "url": _text(url, 1000),
                        "description": _text(entry.get("description") or entry.get("alt") or "", 1000),
                    }
                )
    return media[:10]


def _language(raw: dict[str, Any]) -> str:
    """The language the platform gives (Mastodon ``language``, Bluesky ``langs``), as a two-letter code."""
    record: dict[str, Any] = raw["record"] if isinstance(raw.get("record"), dict) else {}
    status: dict[str, Any] = raw["status"] if isinstance(raw.get("status"), dict) else {}
    value = raw.get("language") or raw.get("lang") or status.get("language") or record.get("langs") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    code = _text(value, 8).split("-")[0].lower()
    return code if len(code) == 2 and code.isalpha() else ""


def normalise(rows: list[ReceivedItem]) -> None:
    """Author, text, language, links, media and thread, read from the item and its payload."""
    parents = {r.in_reply_to_external_id for r in rows if r.in_reply_to_external_id}
    threads: dict[str, str] = {}
    if parents:
        threads = dict(
            ReceivedItem.objects.filter(channel_id=rows[0].channel_id, external_id__in=parents)
            .exclude(thread_key="")
            .values_list("external_id", "thread_key")
        )
    for row in sorted(rows, key=lambda r: r.created_at or r.received_at):
        row.text = unicodedata.normalize("NFC", row.text).replace("\r\n", "\n").strip()
        row.author_key = row.author_handle.strip().lstrip("@").lower()
        row.language = _language(row.raw)
        row.links = _links(row.text, row.raw)
        row.media = _media(row.raw)
        parent = row.in_reply_to_external_id
        row.thread_key = threads.get(parent, parent) if parent else row.external_id
        threads[row.external_id] = row.thread_key
        row.normalised = True


# --- enrich --------------------------------------------------------------------------------------------


def enrich(council: Council, rows: list[ReceivedItem]) -> None:
    """Classify (sentiment, categories, risk, language) and route to the council service it names."""
    results = classify_texts([r.text for r in rows], council=council)
    for row, result in zip(rows, results, strict=True):
        row.sentiment = result.sentiment
        row.categories = list(result.categories)
        row.risk = result.risk
        row.language = row.language or result.language
        row.classification = result.as_json()
        row.service_id = result.service_id
        row.enriched = True


def _index(rows: list[ReceivedItem]) -> None:
    index_items([(r.pk, r.text, f"{r.author_handle} {r.author_name}") for r in rows])
    for row in rows:
        row.indexed = True


def _flag(rows: list[ReceivedItem], stage: str, error: Exception) -> None:
    message = f"{stage} failed: {type(error).__name__}: {error}"[:2000]
    log.warning("inbox %s failed for %d items: %s", stage, len(rows), type(error).__name__)
    for row in rows:
        row.needs_attention = True
        row.processing_error = message
    sqlrows.update(ReceivedItem, FLAGGED, rows)


def _auto_reply(council: Council, rows: list[ReceivedItem]) -> None:
    # Imported here: auto-replies go out through publishing, which reaches back to the inbox.
    from townsquare.inbox.auto_reply import auto_reply_stage

    auto_reply_stage(council, rows)


def process(council: Council, rows: list[ReceivedItem]) -> None:
    """Run the stages after storing. Normalising, indexing and classifying build on each other: where one
    fails the items are flagged and the rest is skipped; what they found is written by one update for
    the three (the one that failed and those after it write nothing). The stages that act on a
    classified item are independent: each runs whatever became of the others (an urgent alert must not
    wait on listening)."""
    rows = [r for r in rows if r.pk is not None]
    if not rows:
        return
    from townsquare.listening.ingest import listening_ingest  # listening reads the inbox's models

    chained: tuple[tuple[str, Callable[[list[ReceivedItem]], object], list[str]], ...] = (
        ("Normalising", normalise, NORMALISED),
        ("Indexing", _index, ["indexed"]),
        ("Classifying", lambda rs: enrich(council, rs), ENRICHED),
    )
    written: list[str] = []
    failed: tuple[str, Exception] | None = None
    with transaction.atomic():
        for stage, run, names in chained:
            try:
                with transaction.atomic():
                    run(rows)
            except Exception as error:
                failed = (stage, error)
                break
            written += names
        if failed is not None:
            _flag(rows, *failed)
        sqlrows.update(ReceivedItem, list(dict.fromkeys(written)), rows)
    if failed is not None:
        return
    actions: tuple[tuple[str, Callable[[list[ReceivedItem]], object]], ...] = (
        ("Raising urgent alerts", lambda rs: urgent_stage(council, rs)),
        ("Listening", lambda rs: listening_ingest(council, rs)),
        ("Starting service-level clocks", lambda rs: clocks_start(council, rs)),
        ("Opening the information request", lambda rs: _open_requests(council, rs)),
        ("Sending out-of-hours auto-replies", lambda rs: _auto_reply(council, rs)),
    )
    for stage, run in actions:
        _stage(stage, run, rows)


def _stage(stage: str, run: Callable[[list[ReceivedItem]], object], rows: list[ReceivedItem]) -> bool:
    """One stage in its own savepoint; where it fails, the items are flagged (and stay stored)."""
    try:
        with transaction.atomic():
            run(rows)
    except Exception as error:
        _flag(rows, stage, error)
        return False
    return True


def _open_requests(council: Council, rows: list[ReceivedItem]) -> None:
    """An item classified as an FOI or subject access request opens one in the register."""
    detected = [r for r in rows if {"foi_request", "sar_request"} & set(r.categories or [])]
    if not detected:
        return
    from townsquare.disclosure.services import requests_open_detected  # the register builds on the inbox

    requests_open_detected(council=council, items=detected)
