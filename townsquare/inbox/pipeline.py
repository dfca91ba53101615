"""Ingest, in order: store raw and durably (deduplicated by platform id) → normalise → index → enrich.

Storing is one ``executemany`` per batch (no model instance saved through the ORM on the way in, see
``townsquare/sqlrows.py``), committed before anything else runs; every later stage runs in its own
savepoint and, where it fails, leaves the items stored and flagged (``needs_attention``, with the
error) for an officer to see: nothing received is dropped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.db import transaction

from townsquare import sqlrows
from townsquare.classify.services import classify_texts
from townsquare.councils.models import Council
from townsquare.inbox.follow_on import follow_on_enqueue
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.search import index_items
from townsquare.inbox.second_pass import second_pass_enqueue
from townsquare.inbox.storing import COLUMNS, THREAD
from townsquare.inbox.storing import text_limited as _text
from townsquare.inbox.urgent import urgent_stage
from townsquare.measures.inbox_live import inbox_measures_classified_rows

log = logging.getLogger(__name__)

LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
MEDIA_KEYS = ("media_attachments", "attachments", "media", "images", "embed")
# Every column the pipeline writes, in the order the benchmarks build their rows of values.
ROW_FIELDS = COLUMNS


NORMALISED = ["text", "author_key", "language", "links", "media", "thread_key", "normalised"]
ENRICHED = ["sentiment", "categories", "risk", "language", "classification", "service_id", "enriched"]
FLAGGED = ["needs_attention", "processing_error"]


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
            sqlrows.rows_among(
                ReceivedItem,
                "external_id, thread_key",
                "external_id",
                sorted(parents),
                also="channel_id = %s AND thread_key <> ''",
                params=[rows[0].channel_id],
            )
        )
        for row in rows:  # stored with the thread the item names: settled below, in order of time
            threads.pop(row.external_id, None)
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
    index_items([(r.id, r.text, f"{r.author_handle} {r.author_name}") for r in rows])
    for row in rows:
        row.indexed = True


def _flag(rows: list[ReceivedItem], stage: str, error: Exception) -> None:
    message = f"{stage} failed: {type(error).__name__}: {error}"[:2000]
    log.warning("inbox %s failed for %d items: %s", stage, len(rows), type(error).__name__)
    for row in rows:
        row.needs_attention = True
        row.processing_error = message
    sqlrows.update(ReceivedItem, FLAGGED, rows)


def process(council: Council, rows: list[ReceivedItem]) -> None:
    """Run the stages after storing, in one transaction (one commit for the batch), each in its own
    savepoint. Normalising, indexing and classifying build on each other: where one fails the items are
    flagged and the rest is skipped; what they found is written by one update for the three (the one that
    failed and those after it write nothing). The stages that act on a classified item are independent:
    each runs whatever became of the others (an urgent alert must not wait on listening). The follow-on
    steps (clocks, the request register, auto-replies, the archive) are queued as one job
    (``follow_on.py``) in the same transaction, whatever became of the stages, and the classifier's
    second pass (``second_pass.py``) as another, for the items the first pass classified."""
    rows = [r for r in rows if r.id is not None]
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
    stored_threads = [row.thread_key for row in rows]  # as storing wrote them
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
        # A thread is written only where normalising moved it: a column in an update's SET has its index
        # entries rewritten on every row, changed or not.
        sqlrows.update(ReceivedItem, [name for name in dict.fromkeys(written) if name != THREAD], rows)
        if THREAD in written:
            moved = [row for row, was in zip(rows, stored_threads, strict=True) if row.thread_key != was]
            sqlrows.update(ReceivedItem, [THREAD], moved)
        inbox_measures_classified_rows(rows=rows)  # after the update, which holds the rows
        if failed is None:
            run_stage("Raising urgent alerts", lambda rs: urgent_stage(council, rs), rows)
            run_stage("Listening", lambda rs: listening_ingest(council, rs), rows)
            second_pass_enqueue(council, rows)
        follow_on_enqueue(council, rows)


def run_stage(stage: str, run: Callable[[list[ReceivedItem]], object], rows: list[ReceivedItem]) -> bool:
    """One stage in its own savepoint; where it fails, the items are flagged (and stay stored)."""
    try:
        with transaction.atomic():
            run(rows)
    except Exception as error:
        _flag(rows, stage, error)
        return False
    return True
