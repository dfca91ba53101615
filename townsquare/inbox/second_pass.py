"""The classifier's second pass over received items, in the background: its answer replaces the first
pass's, with the words that weighed most (``classification["reasons"]``), so the inbox can show why.

The ingest classifies every item with the first pass (tens of thousands a second) and queues one
``inbox.second_pass`` job a batch in the same transaction; a worker runs the second pass (a sentence
encoder, a few hundred items a second on one core) a moment later. An item's sentiment, categories,
risk, language and service are replaced only where they are still the first pass's: a field an officer
has set (``classification["corrected"]``, or a value that differs from what the first pass said) is
left as the officer left it. An item the second pass finds urgent, or to be a request under the law,
that the first pass did not, is queued and alerted, or opened in the register, then.

Safe to run again: an item the second pass has already classified is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from townsquare import sqlrows
from townsquare.classify.pipeline import Classification
from townsquare.classify.services import classify_texts_second_pass
from townsquare.councils.models import Council, Service
from townsquare.inbox.follow_on import batch_of
from townsquare.inbox.models import ReceivedItem
from townsquare.jobs.services import jobs_enqueue
from townsquare.measures.inbox_live import inbox_measures_follow

if TYPE_CHECKING:
    from townsquare.jobs.models import Job

SECOND_PASS_JOB = "inbox.second_pass"
CHUNK = 200  # the encoder's batch
REPLACED = ("sentiment", "categories", "risk", "language", "service")
WRITTEN = ["sentiment", "categories", "risk", "language", "service_id", "classification"]
URGENT_CATEGORIES = frozenset({"abuse_threat", "safeguarding"})
REQUEST_CATEGORIES = frozenset({"foi_request", "sar_request"})
log = logging.getLogger(__name__)


def second_pass_enqueue(council: Council, rows: Sequence[ReceivedItem]) -> None:
    """Queue the second pass for items the first pass classified (in the transaction that stored that)."""
    done = [row.id for row in rows if row.enriched]
    if done:
        jobs_enqueue(kind=SECOND_PASS_JOB, payloads=[{"items": done}], council_id=council.pk)


def second_pass(job: Job) -> None:
    """The job's handler."""
    council, ids = batch_of(job)
    if council is not None and ids:
        second_pass_run(council, ids)


def _first_answer(row: ReceivedItem, names: dict[int, str]) -> dict[str, Any]:
    """What the item holds now, in the terms of the classification's record."""
    return {
        "sentiment": row.sentiment,
        "categories": list(row.categories or []),
        "risk": row.risk,
        "language": row.language,
        "service": names.get(row.service_id) if row.service_id else None,
    }


def _record(result: Classification, before: dict[str, Any], kept: list[str]) -> dict[str, Any]:
    return {
        **result.as_json(),
        "second_pass": True,
        "sentiment_scores": [round(score, 4) for score in result.sentiment_scores],
        "offensive": round(result.offensive, 4),
        "reasons": [
            {"points_to": r.points_to, "text": r.text, "weight": round(r.weight, 4), "start": r.start, "end": r.end}
            for r in result.reasons
        ],
        "first_pass": {name: before.get(name) for name in REPLACED},
        "corrected": kept,
    }


def _replace(row: ReceivedItem, result: Classification, names: dict[int, str]) -> bool:
    """Put the second pass's answer on ``row`` where its fields are still the first pass's; True when the
    second pass found it urgent or a request where the first pass had not."""
    record = row.classification if isinstance(row.classification, dict) else {}
    corrected = [str(name) for name in record.get("corrected", []) if name in REPLACED]
    now = _first_answer(row, names)
    # A field is the officer's where they said so, or where it no longer holds what the first pass gave
    # (the language aside: one the platform gave is kept over the classifier's, and is not an officer's).
    kept = [
        name
        for name in REPLACED
        if name in corrected or (name != "language" and name in record and now[name] != record.get(name))
    ]
    before = set(row.categories or [])
    if "sentiment" not in kept:
        row.sentiment = result.sentiment
    if "categories" not in kept:
        row.categories = list(result.categories)
    if "risk" not in kept:
        row.risk = result.risk
    if "language" not in kept and result.language != "und" and now["language"] == record.get("language"):
        row.language = result.language  # the classifier's answer, not the platform's, is replaced
    if "service" not in kept:
        row.service_id = result.service_id
    row.classification = _record(result, now, kept)
    found = set(row.categories or [])
    newly_urgent = bool((found - before) & URGENT_CATEGORIES) or (row.risk == "urgent" and now["risk"] != "urgent")
    return newly_urgent or bool((found - before) & REQUEST_CATEGORIES)


def second_pass_run(council: Council, ids: Sequence[int]) -> int:
    """Classify the items again with the second pass; returns how many were classified."""
    from townsquare.inbox.follow_on import open_requests  # the register builds on the inbox
    from townsquare.inbox.urgent import urgent_stage

    names = dict(Service.objects.filter(council=council).values_list("pk", "name"))
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        texts = dict(
            ReceivedItem.objects.filter(council=council, pk__in=chunk, enriched=True).values_list("pk", "text")
        )
        todo = [pk for pk in chunk if pk in texts]
        if not todo:
            continue
        # Classified before the transaction: the encoder's work holds no lock.
        results = dict(zip(todo, classify_texts_second_pass([texts[pk] for pk in todo], council), strict=True))
        with transaction.atomic(), inbox_measures_follow(item_ids=todo):
            rows = [
                row
                for row in ReceivedItem.objects.filter(pk__in=todo).order_by("pk")
                if not (isinstance(row.classification, dict) and row.classification.get("second_pass"))
                and row.text == texts[row.pk]
            ]
            followed = [row for row in rows if _replace(row, results[row.pk], names)]
            sqlrows.update(ReceivedItem, WRITTEN, rows)
            done += len(rows)
            if followed:
                urgent_stage(council, followed)
                open_requests(council, followed)
    return done
