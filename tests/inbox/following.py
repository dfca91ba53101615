"""Received items stored and their follow-on job run, as the worker runs it a moment after the ingest."""

from __future__ import annotations

from collections.abc import Sequence

from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.inbox.follow_on import FOLLOW_ON_JOB
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store
from townsquare.jobs.services import job_run, jobs_claim_due


def follow_on_done() -> int:
    """Run the queued follow-on jobs (clocks, requests, auto-replies, the archive); returns how many ran."""
    jobs = jobs_claim_due(worker="test:follow-on", limit=1000, kinds=[FOLLOW_ON_JOB])
    for job in jobs:
        assert job_run(job), job.last_error
    return len(jobs)


def stored_and_followed(*, channel: Channel, items: Sequence[InboundItem]) -> tuple[list[ReceivedItem], int]:
    """``inbound_store``, then the follow-on job it queued."""
    result = inbound_store(channel=channel, items=items)
    follow_on_done()
    return result


def second_pass_done() -> int:
    """Run the queued second-pass jobs (the classifier's better answer); returns how many ran."""
    from townsquare.inbox.second_pass import SECOND_PASS_JOB

    jobs = jobs_claim_due(worker="test:second-pass", limit=1000, kinds=[SECOND_PASS_JOB])
    for job in jobs:
        assert job_run(job), job.last_error
    return len(jobs)
