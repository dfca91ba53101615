"""Job handlers: take ids from the payload and call the dispatch services (both the embedded worker and Celery)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.publishing.dispatch.check import unconfirmed_check
from townsquare.publishing.dispatch.claim import worker_id
from townsquare.publishing.dispatch.recover import dispatch_sweep
from townsquare.publishing.dispatch.send import due_dispatch

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


def dispatch(job: Job) -> None:
    """Send what is due, across channels (queued for a due time, or to share a long queue)."""
    due_dispatch(worker=worker_id())


def dispatch_due(job: Job) -> None:
    dispatch_sweep()


def check_unconfirmed(job: Job) -> None:
    """Look on each account for the posts whose publishing could not be confirmed."""
    unconfirmed_check()
