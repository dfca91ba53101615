"""A delete of a month-old post that Bluesky or X gave no clear answer to, settled by reading the post itself by its
id (``read_post``) where the account's recent posts cannot tell: at once after the delete, and by the archive's
re-read of a delete kept as unconfirmed. Bluesky against the reference PDS; X against recorded exchanges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import httpx
import pytest
from atproto import Client
from django.utils import timezone

from tests.connectors.replay import replay
from tests.connectors.test_bluesky import connected_channel
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.reread import channel_reread
from townsquare.channels.models import Channel
from townsquare.connectors.base import OutboundPost
from townsquare.connectors.bearer import BearerConnector
from townsquare.connectors.bluesky.parsing import split_uri
from townsquare.connectors.services import connector_for
from townsquare.councils.models import Council
from townsquare.publishing.models import Post, PostTarget, UnconfirmedChange
from townsquare.publishing.published_changes import published_target_delete
from townsquare.publishing.published_unconfirmed import change_hold

from .test_published_changes import versions

Outcome = UnconfirmedChange.Outcome
X_POST = "1890000000000000001"  # the post the recorded exchanges read and delete


def published_on(
    channel: Channel, make_post: Callable[..., Post], people: SimpleNamespace, external_id: str
) -> PostTarget:
    """A post published on ``channel`` a month ago: older than any page of the account's recent posts reaches."""
    post = make_post(text="Bin collections move to Tuesday next week.", channels=[channel], author=people.comms)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        status=PostTarget.Status.PUBLISHED,
        external_id=external_id,
        published_at=timezone.now() - dt.timedelta(days=30),
    )
    target.refresh_from_db()
    return target


def held(target: PostTarget, people: SimpleNamespace) -> UnconfirmedChange:
    """A delete its platform gave no clear answer to, which nothing could tell at the time: kept as unconfirmed."""
    change = UnconfirmedChange(
        target=target, kind="delete", reason="Wrong day", requested_by=people.comms, answer="An error (503)"
    )
    return change_hold(change, actor=people.comms)


def recorded_deleted(target: PostTarget, how: str) -> None:
    target.refresh_from_db()
    assert target.deleted_at is not None
    assert [event for event, _ in versions(target)] == ["captured", "deleted"]
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{target.pk}")
    assert how in record.versions.get(event="deleted").metadata["how"]


# --- Bluesky -------------------------------------------------------------------------------------------------------


@pytest.fixture
def sky(bluesky_pds: str, riverside: Council, people: SimpleNamespace) -> tuple[Channel, Client]:
    """A Bluesky channel connected to a fresh account on the PDS, and the account's own client (another app)."""
    return connected_channel(bluesky_pds, riverside, people.comms)


@pytest.fixture
def deletes_answered_503(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDS deletes the record asked for, but the caller gets a 503 instead of its answer."""
    real = httpx.Client.request

    def request(self: httpx.Client, method: str, url: object, **kwargs: object) -> httpx.Response:
        response = real(self, method, url, **kwargs)  # type: ignore[arg-type]
        if str(url).endswith("/xrpc/com.atproto.repo.deleteRecord"):
            return httpx.Response(503, json={"error": "InternalServerError"}, request=response.request)
        return response

    monkeypatch.setattr(httpx.Client, "request", request)


def test_a_bluesky_delete_answered_503_is_recorded_once_the_post_reads_as_gone(
    sky: tuple[Channel, Client], make_post: Callable[..., Post], people: SimpleNamespace, deletes_answered_503: None
) -> None:
    channel, _ = sky
    connector = connector_for(channel)
    made = connector.publish(OutboundPost(text="Bin collections move to Tuesday next week."))
    target = published_on(channel, make_post, people, made.external_id)
    done = published_target_delete(actor=people.comms, target=target, reason="Wrong day")
    assert done.unconfirmed is None and not UnconfirmedChange.objects.exists()
    recorded_deleted(target, "confirmed from the account afterwards")
    assert connector.recent_posts(since=target.published_at) == []  # which alone could not have told


@pytest.mark.parametrize("deleted", [True, False])
def test_the_reread_settles_an_unconfirmed_bluesky_delete_from_the_post_read_by_its_id(
    sky: tuple[Channel, Client], make_post: Callable[..., Post], people: SimpleNamespace, deleted: bool
) -> None:
    channel, client = sky
    made = connector_for(channel).publish(OutboundPost(text="Bin collections move to Tuesday next week."))
    change = held(published_on(channel, make_post, people, made.external_id), people)
    if deleted:  # what the platform had done all along
        repo, collection, rkey = split_uri(made.external_id)
        client.com.atproto.repo.delete_record({"repo": repo, "collection": collection, "rkey": rkey})
    assert channel_reread(channel=channel).settled == 1
    change.refresh_from_db()
    if deleted:
        assert change.outcome == Outcome.MADE and "no longer on the account" in change.settled_how
        recorded_deleted(change.target, "confirmed when the account was read again: Wrong day")
    else:
        assert change.outcome == Outcome.NOT_MADE and "still on the account" in change.settled_how
        change.target.refresh_from_db()
        assert change.target.deleted_at is None


# --- X -------------------------------------------------------------------------------------------------------------


def test_an_x_delete_answered_503_is_recorded_once_the_post_reads_as_gone(
    monkeypatch: pytest.MonkeyPatch,
    x_channel: Channel,
    make_post: Callable[..., Post],
    people: SimpleNamespace,
) -> None:
    """The delete is retried (deleting twice does no harm), then the post is read by its id, and nothing else."""
    waits: list[float] = []
    monkeypatch.setitem(BearerConnector.__init__.__kwdefaults__, "sleep", waits.append)  # noted, not slept
    target = published_on(x_channel, make_post, people, X_POST)
    with replay(monkeypatch, "x", "delete_server_error", "read_post_gone"):
        done = published_target_delete(actor=people.comms, target=target, reason="Wrong day")
    assert done.unconfirmed is None and waits == [0.5, 1.0, 2.0]
    recorded_deleted(target, "confirmed from the account afterwards")


def test_the_reread_settles_an_unconfirmed_x_delete_from_the_post_read_by_its_id(
    monkeypatch: pytest.MonkeyPatch,
    x_channel: Channel,
    make_post: Callable[..., Post],
    people: SimpleNamespace,
) -> None:
    change = held(published_on(x_channel, make_post, people, X_POST), people)
    with replay(monkeypatch, "x", "recent_posts_none", "read_post_gone"):
        result = channel_reread(channel=x_channel)
    assert (result.read, result.settled) == (0, 1)
    change.refresh_from_db()
    assert change.outcome == Outcome.MADE and "no longer on the account" in change.settled_how
    recorded_deleted(change.target, "confirmed when the account was read again: Wrong day")
