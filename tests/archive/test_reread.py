"""Edits and deletions made on the platform itself, found by the re-read against a real Mastodon server."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord
from townsquare.archive.reread import archive_reread, channel_reread
from townsquare.archive.services import Capture, archive_capture
from townsquare.channels.models import Channel
from townsquare.connectors.base import OutboundPost
from townsquare.connectors.services import connection_connect_with_secret, connector_for
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db
TOKEN = "riverside_token"


@pytest.fixture
def toot_channel(riverside: Council, people: SimpleNamespace, mastodon) -> Channel:  # type: ignore[no-untyped-def]
    channel = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside on Mastodon", handle="@riverside"
    )
    connection_connect_with_secret(actor=people.comms, channel=channel, identifier=mastodon.url, secret=TOKEN)
    return channel


def archived(channel: Channel, external_id: str, text: str, at: dt.datetime) -> ArchiveRecord:
    [record] = archive_capture(
        captures=[
            Capture(
                council_id=channel.council_id,
                source=f"t:{external_id}",
                kind="post",
                channel_id=channel.pk,
                platform="mastodon",
                external_id=external_id,
                occurred_at=at,
                text=text,
            )
        ]
    )
    return record


def test_an_edit_and_a_deletion_on_the_platform_become_versions(mastodon, toot_channel: Channel) -> None:  # type: ignore[no-untyped-def]
    connector = connector_for(toot_channel)
    posts = [
        connector.publish(OutboundPost(text=f"Leisure centre update {n}: opening hours https://r.example/{n}"))
        for n in range(3)
    ]
    later = timezone.now() + dt.timedelta(hours=1)  # every post is past the grace period by then
    statuses = {s.external_id: s for s in connector.recent_posts(since=timezone.now() - dt.timedelta(hours=1))}
    records = [
        archived(toot_channel, p.external_id, statuses[p.external_id].text, statuses[p.external_id].created_at)
        for p in posts
    ]
    # Unchanged words (a link rewritten aside) are no edit.
    assert channel_reread(channel=toot_channel, now=later).edits == 0
    session = mastodon.as_user(TOKEN)
    edited = session.put(
        f"{mastodon.url}/api/v1/statuses/{posts[1].external_id}",
        data={"status": "Leisure centre update 1: CLOSED from Friday"},
        timeout=10,
    )
    edited.raise_for_status()
    connector.delete(posts[2].external_id)
    result = channel_reread(channel=toot_channel, now=later)
    assert (result.edits, result.deletions) == (1, 1)
    versions = {r.pk: [(v.event, v.text) for v in r.versions.order_by("n")] for r in records}
    assert versions[records[1].pk][-1] == ("edited", "Leisure centre update 1: CLOSED from Friday")
    assert [e for e, _ in versions[records[2].pk]] == ["captured", "deleted"]
    assert versions[records[2].pk][0][1].startswith("Leisure centre update 2")
    assert len(versions[records[0].pk]) == 1
    # Read again: nothing new.
    assert [(r.edits, r.deletions) for r in archive_reread(now=later)] == [(0, 0)]


def test_a_platform_without_a_read_says_so(riverside: Council) -> None:
    channel = Channel.objects.create(council=riverside, platform="nextdoor", name="Nextdoor", handle="riverside")

    class NoRead:
        def recent_posts(self, *, since: dt.datetime) -> list[object]:
            raise NotImplementedError

    result = channel_reread(channel=channel, connector=NoRead())  # type: ignore[arg-type]
    assert result.message == "Reading recent posts is not available on Nextdoor."


def test_a_post_dispatched_for_real_is_archived_as_published_with_its_approvals(  # type: ignore[no-untyped-def]
    mastodon, toot_channel: Channel, riverside: Council, people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    from townsquare.publishing.dispatch.send import due_dispatch
    from townsquare.publishing.models import PostTarget
    from townsquare.publishing.services import post_approve, post_create_draft, post_submit

    toot_channel.assignees.add(people.officer)
    post = post_create_draft(
        author=people.officer,
        council=riverside,
        text="The leisure centre reopens on Monday.",
        channels=[toot_channel],
        scheduled_for=timezone.now() + dt.timedelta(minutes=5),
    )
    post_submit(actor=people.officer, post=post)
    post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    PostTarget.objects.filter(post=post).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert due_dispatch(worker="test:1") == {"published": 1}
    target = PostTarget.objects.get(post=post)
    record = ArchiveRecord.objects.get(kind="post")
    assert (record.external_id, record.url, record.channel_id) == (target.external_id, target.url, toot_channel.pk)
    assert record.versions.get().metadata["approved_by"] == people.comms.email
    approvals = [v.text for r in ArchiveRecord.objects.filter(kind="approval") for v in r.versions.all()]
    assert any(t.startswith("Submitted") for t in approvals) and any(t.startswith("Approved") for t in approvals)
