"""Queueing dispatch: one ``publishing.dispatch`` job per due time, and drain jobs for a long queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from townsquare.jobs.services import job_enqueue
from townsquare.publishing.models import PostTarget

JOB_KIND = "publishing.dispatch"
# Dispatch jobs that may send side by side when more is due than one job sends.
PARALLEL = int(getattr(settings, "PUBLISHING_DISPATCH_PARALLEL", 4))


def _job_key(due_at: dt.datetime) -> str:
    return f"publishing:due:{int(due_at.timestamp() * 1000)}"


def channels_enqueue(*, channel_ids: Iterable[int], due_at: dt.datetime) -> int:
    """Queue the dispatch of what falls due at ``due_at``: one job for that time, whatever the channels.

    The job sends every channel's due targets (``send.due_dispatch``), so posts due at the same slot
    on many channels share it; a pending job for the same time is kept. Returns the jobs made (0 or 1).
    """
    ids = sorted(set(channel_ids))
    if not ids:
        return 0
    made = job_enqueue(
        kind=JOB_KIND,
        payload={"due_at": due_at.isoformat(), "channel_ids": ids[:50]},
        run_after=due_at,
        dedupe_key=_job_key(due_at),
        max_attempts=3,
    )
    return 1 if made else 0


def drain_enqueue() -> int:
    """More is due than one job sends: let up to ``PARALLEL`` jobs send it side by side (the queue's
    de-duplication keeps the number of drain jobs pending or running to that)."""
    made = 0
    for n in range(PARALLEL):
        if job_enqueue(kind=JOB_KIND, payload={"drain": n}, dedupe_key=f"publishing:drain:{n}", max_attempts=3):
            made += 1
    return made


def targets_enqueue(*, target_ids: Iterable[int], due_at: dt.datetime) -> int:
    """Queue the dispatch of these targets at ``due_at``."""
    ids = list(target_ids)
    if not ids:
        return 0
    channel_ids = PostTarget.objects.filter(pk__in=ids).values_list("channel_id", flat=True).distinct()
    return channels_enqueue(channel_ids=list(channel_ids), due_at=due_at)
