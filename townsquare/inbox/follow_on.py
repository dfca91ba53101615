"""What follows the ingest, as a job: service-level clocks, the request register, out-of-hours
auto-replies and the archive's record of each item.

The ingest itself (store, normalise, index, classify, urgent alerts, listening) is what a resident's
message needs the moment it arrives: it is in the inbox, found by a search, routed, and an urgent one has
alerted the officer on call. The rest does not need to hold the next batch up: the pipeline enqueues one
``inbox.follow_on`` job for the batch in the transaction that writes its classification, and a worker
(the embedded worker, or Celery at scale) runs it a moment later. A clock starts from the time the item
was received, not the time the job runs, so nothing is measured differently for the wait.

Every step is safe to run again (a worker that dies after the work and before marking the job done
runs it twice): a clock, a request and the archive's record are each kept once per item, and an
auto-reply goes at most once per resident a day. A step that fails flags the items it failed for (they
stay in the inbox, as any later stage's failure leaves them) and the rest still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_levels import clocks_start
from townsquare.jobs.services import jobs_enqueue

if TYPE_CHECKING:
    from townsquare.jobs.models import Job

FOLLOW_ON_JOB = "inbox.follow_on"
log = logging.getLogger(__name__)


def follow_on_enqueue(council: Council, rows: Sequence[ReceivedItem]) -> None:
    """Queue the follow-on steps for a stored batch (call in the transaction that classified it)."""
    if rows:
        jobs_enqueue(kind=FOLLOW_ON_JOB, payloads=[{"items": [row.id for row in rows]}], council_id=council.pk)


def batch_of(job: Job) -> tuple[Council | None, list[int]]:
    """The council and item ids an inbox batch job names (the follow-on job's, the second pass's)."""
    ids = [int(pk) for pk in job.payload.get("items", [])]
    return (Council.objects.filter(pk=job.council_id).first() if job.council_id else None), ids


def follow_on(job: Job) -> None:
    """The job's handler: the batch's items as they are now (one deleted meanwhile is left out)."""
    council, ids = batch_of(job)
    if council is None or not ids:
        return
    rows = list(ReceivedItem.objects.filter(council=council, pk__in=ids).order_by("pk"))
    follow_on_run(council, rows)


def open_requests(council: Council, rows: Sequence[ReceivedItem]) -> None:
    """An item classified as an FOI or subject access request opens one in the register."""
    detected = [r for r in rows if {"foi_request", "sar_request"} & set(r.categories or [])]
    if not detected:
        return
    from townsquare.disclosure.services import requests_open_detected  # the register builds on the inbox

    requests_open_detected(council=council, items=detected)


def _auto_reply(council: Council, rows: Sequence[ReceivedItem]) -> None:
    # Imported here: auto-replies go out through publishing, which reaches back to the inbox.
    from townsquare.inbox.auto_reply import auto_reply_stage

    auto_reply_stage(council, list(rows))


def _archive(rows: Sequence[ReceivedItem]) -> None:
    """The archive's record of each item, one channel at a time; a failure is logged, never flagged:
    ``archive_backfill`` archives what is missing on its next run."""
    from townsquare.archive.capture import archive_received

    by_channel: dict[int, list[ReceivedItem]] = {}
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    for items in by_channel.values():
        try:
            with transaction.atomic():
                archive_received(items=items)
        except Exception:
            log.exception("archiving %d received items failed; the next backfill will archive them", len(items))


def follow_on_run(council: Council, rows: list[ReceivedItem]) -> None:
    """The follow-on steps for ``rows``, each in its own savepoint."""
    from townsquare.inbox.pipeline import run_stage

    if not rows:
        return
    steps: tuple[tuple[str, Callable[[list[ReceivedItem]], object]], ...] = (
        ("Starting service-level clocks", lambda rs: clocks_start(council, rs)),
        ("Opening the information request", lambda rs: open_requests(council, rs)),
        ("Sending out-of-hours auto-replies", lambda rs: _auto_reply(council, rs)),
    )
    for stage, run in steps:
        run_stage(stage, run, rows)
    _archive(rows)
