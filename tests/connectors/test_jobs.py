"""The periodic jobs: registered with the scheduler, and run by the worker against a real server."""

from __future__ import annotations

import requests

from townsquare.channels.models import Channel
from townsquare.connectors.services import connection_connect_with_secret
from townsquare.inbox.models import ReceivedItem
from townsquare.jobs import registry, schedule
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_enqueue, jobs_run_due
from townsquare.measures.models import MetricSnapshot


def test_jobs_are_registered_and_scheduled() -> None:
    for kind in ("connectors.poll_inbound", "connectors.fetch_metrics", "connectors.refresh_credentials"):
        assert callable(registry.resolve(kind))
        assert kind in schedule.PERIODIC


def test_worker_polls_and_measures_connected_channels(mastodon, riverside, people) -> None:
    channel = Channel.objects.create(council=riverside, platform="mastodon", name="Riverside", handle="@riverside")
    idle = Channel.objects.create(council=riverside, platform="mastodon", name="Not connected", handle="@other")
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=mastodon.url, secret="riverside_token"
    )
    mastodon.as_user("resident_token").post(
        f"{mastodon.url}/api/v1/statuses", data={"status": "@riverside pothole on the High Street"}, timeout=10
    )
    job_enqueue(kind="connectors.poll_inbound")
    job_enqueue(kind="connectors.fetch_metrics")
    assert jobs_run_due(worker="test") == 4  # the poll's batch queued its follow-on and second-pass jobs, run in turn
    assert ReceivedItem.objects.get(channel=channel).text == "@riverside pothole on the High Street"
    assert MetricSnapshot.objects.get(channel=channel).followers == 1
    assert not ReceivedItem.objects.filter(channel=idle).exists()
    requests.post(
        f"{mastodon.url}/api/v1/_mock/faults",
        timeout=10,
        json={"match": {"path": "/api/v1/notifications"}, "effect": {"type": "malformed"}},
    )
    job_enqueue(kind="connectors.poll_inbound")  # an unreadable answer: kept, flagged, the job still succeeds
    assert jobs_run_due(worker="test") == 3  # the poll, and the flagged item's follow-on and second pass
    assert not Job.objects.exclude(status=Job.Status.DONE).filter(kind__startswith="connectors.").exists()
    assert ReceivedItem.objects.filter(channel=channel, malformed=True).count() == 1
