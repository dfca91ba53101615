"""Job handlers: take ids from the payload and call the dispatch services (both the embedded worker and Celery)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.publishing.dispatch import dispatch_sweep, target_dispatch, worker_id

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


def dispatch_target(job: Job) -> None:
    target_dispatch(target_id=int(job.payload["target_id"]), worker=worker_id())


def dispatch_due(job: Job) -> None:
    dispatch_sweep()
