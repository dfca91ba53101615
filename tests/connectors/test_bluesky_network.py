"""Bluesky inbound and metrics against the full local network from @atproto/dev-env (PDS + AppView):
mentions and replies from notifications since a cursor, and nothing lost across a reconnection; and one of the
account's posts read by its id from its own server, whatever the AppView has indexed."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from atproto import Client, models

from townsquare.channels.models import Channel
from townsquare.connectors.base import OutboundPost
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.listening import inbound_poll
from townsquare.connectors.services import connection_connect_with_secret
from townsquare.connectors.upkeep import metrics_take
from townsquare.inbox.models import ReceivedItem
from townsquare.measures.models import DailyMeasure

from .test_bluesky import _break_session, make_account

pytestmark = pytest.mark.slow


def eventually(check: Callable[[], bool], *, tries: int = 60) -> bool:
    """The AppView indexes asynchronously: ask again until it has caught up (bounded)."""
    for _ in range(tries):
        if check():
            return True
        time.sleep(0.25)
    return False


def mention(resident: Client, council: Client, words: str) -> str:
    handle, did = council._session.handle, council._session.did
    text = f"@{handle} {words}"
    facet = {
        "index": {"byteStart": 0, "byteEnd": len(handle) + 1},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
    }
    return resident.send_post(text, profile_identify=resident._session.did, facets=[facet]).uri


def test_notifications_since_a_cursor_survive_a_reconnection(bluesky_network, riverside, people) -> None:
    pds = bluesky_network["pds"]
    council, app_password = make_account(pds, "riverside")
    resident, _ = make_account(pds, "resident")
    channel = Channel.objects.create(
        council=riverside, platform="bluesky", name="Riverside", handle="@riverside", owner=people.comms
    )
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=council._session.handle, secret=app_password, base_url=pds
    )
    first = mention(resident, council, "the library roof is leaking")

    def stored(*uris: str) -> Callable[[], bool]:
        def check() -> bool:
            inbound_poll(channel=channel)
            return ReceivedItem.objects.filter(channel=channel, external_id__in=uris).count() == len(uris)

        return check

    assert eventually(stored(first))
    item = ReceivedItem.objects.get(external_id=first)
    assert item.kind == "mention" and item.author_handle == f"@{resident._session.handle}"
    assert item.text.endswith("the library roof is leaking") and item.raw["reason"] == "mention"

    ours = council.send_post("Library opening hours change next week.", profile_identify=council._session.did)
    # A reply notifies only once the AppView knows whose post it answers.
    assert eventually(lambda: bool(resident.get_posts([ours.uri]).posts))
    reply = resident.send_post(
        "Which days?",
        profile_identify=resident._session.did,
        reply_to={"root": {"uri": ours.uri, "cid": ours.cid}, "parent": {"uri": ours.uri, "cid": ours.cid}},
    ).uri
    assert eventually(stored(reply))
    assert ReceivedItem.objects.get(external_id=reply).in_reply_to_external_id == ours.uri

    _break_session(channel, pds)
    assert inbound_poll(channel=channel) is None
    channel.refresh_from_db()
    assert channel.connection_state == Channel.Connection.NEEDS_RECONNECTING

    meanwhile = [mention(resident, council, f"still leaking, day {n}") for n in (1, 2)]
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=council._session.handle, secret=app_password, base_url=pds
    )
    assert eventually(stored(*meanwhile))
    assert ReceivedItem.objects.filter(channel=channel).count() == 4

    resident.app.bsky.graph.follow.create(
        resident._session.did,
        models.AppBskyGraphFollow.Record(subject=council._session.did, created_at=resident.get_current_time_iso()),
    )

    def followed() -> bool:
        snapshot = metrics_take(channel=channel)
        return snapshot is not None and snapshot.followers == 1

    assert eventually(followed)
    # Bluesky keeps no history: the daily snapshot makes today's figure of record.
    assert DailyMeasure.objects.get(channel=channel, metric="followers").value == 1


def test_a_post_is_read_by_its_id_from_the_accounts_own_server(bluesky_network) -> None:
    """With an AppView behind the PDS, as on bsky.social: the post is read from the account's repository, so it is
    there as soon as it is published and gone as soon as it is deleted, whether or not the AppView has caught up."""
    pds = bluesky_network["pds"]
    client, app_password = make_account(pds, "riverside")
    connector = BlueskyConnector(base_url=pds)
    connector.connect_with_secret(identifier=client._session.handle, secret=app_password)
    made = connector.publish(OutboundPost(text="Mill Lane is closed on Monday."))
    shown = connector.read_post(made.external_id)
    assert shown is not None and shown.text == "Mill Lane is closed on Monday."
    assert eventually(lambda: bool(client.get_posts([made.external_id]).posts))  # the AppView indexes it later
    connector.delete(made.external_id)
    assert connector.read_post(made.external_id) is None
