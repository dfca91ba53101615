"""Deletions (and records rewritten by another client) on Bluesky, found by the re-read against the real
reference PDS. Bluesky has no edit in its app, but a record can be put again with other words: the archive
keeps that as a new version like an edit anywhere else."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.archive.test_reread import archived
from tests.connectors.test_bluesky import connected_channel
from townsquare.archive.reread import channel_reread
from townsquare.connectors.base import OutboundPost
from townsquare.connectors.bluesky.parsing import split_uri
from townsquare.connectors.services import connector_for
from townsquare.councils.models import Council

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_deleted_and_a_rewritten_bluesky_post_become_versions(  # type: ignore[no-untyped-def]
    bluesky_pds, riverside: Council, people: SimpleNamespace
) -> None:
    channel, client = connected_channel(bluesky_pds, riverside, people.comms)
    connector = connector_for(channel)
    posts = [connector.publish(OutboundPost(text=f"Leisure centre update {n}: opening hours")) for n in range(3)]
    shown = {p.external_id: p for p in connector.recent_posts(since=timezone.now() - dt.timedelta(hours=1))}
    records = [
        archived(channel, p.external_id, shown[p.external_id].text, shown[p.external_id].created_at) for p in posts
    ]
    later = timezone.now() + dt.timedelta(hours=1)  # every post is past the grace period by then
    unchanged = channel_reread(channel=channel, now=later)
    assert (unchanged.read, unchanged.edits, unchanged.deletions) == (3, 0, 0), unchanged.message

    connector.delete(posts[2].external_id)
    repo, collection, rkey = split_uri(posts[1].external_id)
    current = client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey}).value
    rewritten = {**(current if isinstance(current, dict) else current.model_dump(by_alias=True, exclude_none=True))}
    rewritten["text"] = "Leisure centre update 1: CLOSED from Friday"
    rewritten["$type"] = "app.bsky.feed.post"
    client.com.atproto.repo.put_record({"repo": repo, "collection": collection, "rkey": rkey, "record": rewritten})

    result = channel_reread(channel=channel, now=later)
    assert (result.edits, result.deletions) == (1, 1), result.message
    versions = {r.pk: [(v.event, v.text) for v in r.versions.order_by("n")] for r in records}
    assert versions[records[1].pk][-1] == ("edited", "Leisure centre update 1: CLOSED from Friday")
    assert [event for event, _ in versions[records[2].pk]] == ["captured", "deleted"]
    assert len(versions[records[0].pk]) == 1
    # Read again: nothing new.
    again = channel_reread(channel=channel, now=later)
    assert (again.edits, again.deletions) == (0, 0)
