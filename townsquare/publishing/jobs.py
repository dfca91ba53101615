"""Job handlers: take ids from the payload and call the dispatch services (both the embedded worker and Celery)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.publishing.dispatch import channel_dispatch, dispatch_sweep, due_dispatch, worker_id
from townsquare.publishing.models import PostTarget

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


def dispatch(job: Job) -> None:
    """Send what is due, across channels (queued for a due time, or to share a long queue)."""
    due_dispatch(worker=worker_id())


def dispatch_target(job: Job) -> None:
    """Send a channel's due targets; a job queued with one target's id sends that target's channel."""
    channel_id = job.payload.get("channel_id")
    if channel_id is None:
        channel_id = PostTarget.objects.filter(pk=int(job.payload["target_id"])).values_list(
            "channel_id", flat=True).first()
        if channel_id is None:
            return
    channel_dispatch(channel_id=int(channel_id), worker=worker_id())


def dispatch_due(job: Job) -> None:
    dispatch_sweep()
