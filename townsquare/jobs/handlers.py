"""Handlers of the jobs app itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.jobs.services import heartbeat_beat

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


def heartbeat(job: Job) -> None:
    """Proves a worker is taking jobs off the queue, whichever engine runs it."""
    heartbeat_beat(name=job.locked_by or "unknown", kind="worker")
