"""Background work for measures: the inbox's monthly summaries follow its items and status changes.

The platforms' daily snapshots are taken by ``connectors.fetch_metrics`` (daily), whose service
writes the figures and their summaries in one transaction."""

from __future__ import annotations

from townsquare.jobs.models import Job
from townsquare.measures.inbox import inbox_summaries_refresh


def inbox_refresh(job: Job) -> None:
    inbox_summaries_refresh()
