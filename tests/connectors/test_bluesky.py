"""The Bluesky connector against the reference PDS (npm @atproto/pds) with an in-memory PLC."""

from __future__ import annotations

import secrets
import threading

import pytest
from atproto import Client
from atproto_client.client.session import Session
from atproto_client.models.utils import get_model_as_dict

from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost
from townsquare.connectors.bluesky.text import graphemes, link_facet, tid_for_key
from townsquare.connectors.crypto import credentials_decrypt
from townsquare.connectors.models import Connection, ReceivedItem
from townsquare.connectors.services import (
    connection_connect_with_secret,
    connection_refresh,
    connection_store_credentials,
    connector_for,
    inbound_stream,
)
from townsquare.notifications.models import Notification

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201e2b2f6a20000000049454e44ae426082"
)


def make_account(pds: str, name: str) -> tuple[Client, str]:
    """A fresh account on the PDS and an app password for it (as a council would make in settings)."""
    client = Client(base_url=pds)
    handle = f"{name}{secrets.token_hex(3)}.test"
    password = secrets.token_urlsafe(12)
    client.com.atproto.server.create_account({"handle": handle, "email": f"{handle}@example.com", "password": password})
    client.login(handle, password, fetch_bsky_profile=False)
    app_password = client.com.atproto.server.create_app_password({"name": "townsquare"}).password
    return client, app_password


@pytest.fixture
def council_account(bluesky_pds):
    return make_account(bluesky_pds, "riverside")


@pytest.fixture
def sky_channel(riverside, people) -> Channel:
    return Channel.objects.create(council=riverside, platform="bluesky", name="Riverside on Bluesky",
                                  handle="@riverside.test", owner=people.officer)


@pytest.fixture
def connected(bluesky_pds, council_account, sky_channel, people) -> Channel:
    client, app_password = council_account
    connection_connect_with_secret(actor=people.comms, channel=sky_channel, identifier=client._session.handle,
                                   secret=app_password, base_url=bluesky_pds)
    return sky_channel


def _record(client: Client, uri: str) -> dict:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    found = client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey})
    return get_model_as_dict(found.value)


def test_connect_keeps_only_the_session(connected, council_account) -> None:
    client, app_password = council_account
    connection = Connection.objects.get(channel=connected)
    assert connection.account_external_id == client._session.did
    assert connection.account_handle == f"@{client._session.handle}"
    stored = credentials_decrypt(connection.credentials_encrypted).data
    assert set(stored) == {"session", "did", "handle"} and app_password not in stored["session"]
    assert connection.expires_at is not None


def test_publish_text_link_and_image_with_alt_text(connected, council_account) -> None:
    client, _ = council_account
    alt = "A map of the new recycling centre on Mill Lane, open from 8am."
    link = "https://riverside.example/recycling"
    result = connector_for(connected).publish(OutboundPost(
        text=f"The recycling centre moves on Monday — details: {link}", link=link,
        images=(Image(content=PNG, mime_type="image/png", alt_text=alt),), idempotency_key="post-1:channel-1",
    ))
    record = _record(client, result.external_id)
    assert record["text"].startswith("The recycling centre moves on Monday")
    (facet,) = record["facets"]
    assert facet["features"][0]["uri"] == link
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert record["text"].encode()[start:end].decode() == link  # byte offsets, after the em dash
    (image,) = record["embed"]["images"]
    assert image["alt"] == alt
    blob = client.com.atproto.sync.get_blob({"did": client._session.did, "cid": image["image"]["ref"]["$link"]})
    assert blob == PNG
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert [r.uri for r in listed.records] == [result.external_id]


def test_a_link_alone_gets_a_card(connected, council_account) -> None:
    client, _ = council_account
    link = "https://riverside.example/consultation"
    result = connector_for(connected).publish(OutboundPost(text="Have your say on the town plan.", link=link))
    record = _record(client, result.external_id)
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert record["embed"]["external"]["uri"] == link
    assert record["text"].endswith(link) and record["facets"][0]["features"][0]["uri"] == link


def test_a_repeat_with_the_same_key_is_detected(connected, council_account) -> None:
    client, _ = council_account
    post = OutboundPost(text="Parking charges change in April.", idempotency_key="post-9:channel-2")
    first = connector_for(connected).publish(post)
    again = connector_for(connected).publish(post)
    assert again.external_id == first.external_id and again.raw.get("repeat") is True
    assert first.external_id.endswith("/" + tid_for_key("post-9:channel-2"))
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert len(listed.records) == 1


def test_reply_and_delete(bluesky_pds, connected, council_account) -> None:
    client, _ = council_account
    resident, _ = make_account(bluesky_pds, "resident")
    question = resident.send_post("When are the bins collected?", profile_identify=resident._session.did)
    connector = connector_for(connected)
    reply = connector.publish(OutboundPost(text="Tuesdays.", reply_to_external_id=question.uri))
    record = _record(client, reply.external_id)
    assert record["reply"]["parent"]["uri"] == question.uri and record["reply"]["root"]["uri"] == question.uri
    connector.delete(reply.external_id)
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert listed.records == []


def test_too_long_a_post_is_refused_before_sending(connected) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(OutboundPost(text="é" * 301))
    assert caught.value.kind == ErrorKind.REJECTED and "300" in caught.value.message


def test_a_mention_is_captured_from_the_firehose(bluesky_pds, connected, council_account) -> None:
    council, _ = council_account
    resident, _ = make_account(bluesky_pds, "resident")
    did, handle = council._session.did, council._session.handle
    text = f"@{handle} the streetlight on Elm Road is out"
    mention = {"index": {"byteStart": 0, "byteEnd": len(handle) + 1},
               "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]}
    done = threading.Event()

    def keep_mentioning() -> None:
        # The firehose is live: post until the listener has caught one (each post is new).
        for _ in range(30):
            if done.wait(1.0):
                return
            resident.send_post(text, profile_identify=resident._session.did, facets=[mention])

    poster = threading.Thread(target=keep_mentioning, daemon=True)
    poster.start()
    try:
        stored = inbound_stream(channel=connected, limit=1)
    finally:
        done.set()
        poster.join(timeout=10)
    assert stored == 1
    item = ReceivedItem.objects.get(channel=connected)
    assert item.kind == "mention" and item.text == text and item.author_handle == resident._session.did
    assert item.external_id.startswith(f"at://{resident._session.did}/app.bsky.feed.post/")
    assert item.raw["record"]["facets"][0]["features"][0]["did"] == did


def _break_session(channel: Channel, pds: str) -> None:
    """Sign the session out at the PDS and spoil the access token's signature, as a revoked
    app password or an expired session leaves it."""
    connection = Connection.objects.get(channel=channel)
    data = credentials_decrypt(connection.credentials_encrypted).data
    session = Session.decode(data["session"])
    Client(base_url=pds).com.atproto.server.delete_session(headers={"Authorization": f"Bearer {session.refresh_jwt}"})
    head, payload, _signature = session.access_jwt.split(".")
    session.access_jwt = f"{head}.{payload}.{'A' * 43}"
    connection_store_credentials(channel=channel, credentials=Credentials({**data, "session": session.encode()}))


def test_an_invalid_session_needs_reconnecting_and_tells_people(bluesky_pds, connected, people) -> None:
    _break_session(connected, bluesky_pds)
    with pytest.raises(ConnectorError) as caught:
        connection_refresh(channel=connected)
    assert caught.value.kind == ErrorKind.REAUTHORISE
    connected.refresh_from_db()
    assert connected.connection_state == Channel.Connection.NEEDS_RECONNECTING
    assert set(Notification.objects.values_list("user__email", flat=True)) == {people.officer.email, people.comms.email}
    assert "needs reconnecting" in Notification.objects.first().message


def test_the_text_rules() -> None:
    assert graphemes("café") == 4 and graphemes("cafe\u0301") == 4
    assert graphemes("👍🏽") == 1 and graphemes("🇬🇧") == 1 and graphemes("👩‍👩‍👧") == 1
    facet = link_facet("Read — https://x.example/a", "https://x.example/a")
    assert facet is not None and facet["index"]["byteStart"] == len("Read — ".encode())
    assert tid_for_key("a") == tid_for_key("a") != tid_for_key("b")
    assert len(tid_for_key("a")) == 13 and tid_for_key("a")[0] in "234567abcdefghij"
