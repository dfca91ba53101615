"""The Bluesky connector against the reference PDS (npm @atproto/pds) with an in-memory PLC."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import socket
import struct
import threading
from collections import Counter

import httpx
import pytest
from atproto import Client
from atproto_client.client.session import Session
from atproto_client.models.utils import get_model_as_dict

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.bluesky.mp4 import read_mp4
from townsquare.connectors.bluesky.parsing import stream_seq
from townsquare.connectors.bluesky.text import graphemes, link_facet, tid_for_key
from townsquare.connectors.crypto import credentials_decrypt
from townsquare.connectors.listening import inbound_stream
from townsquare.connectors.models import Connection
from townsquare.connectors.services import (
    connection_connect_with_secret,
    connection_refresh,
    connection_store_credentials,
    connector_for,
)
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.notifications.models import Notification
from townsquare.publishing.checks import post_check, post_previews
from townsquare.publishing.models import Post
from townsquare.publishing.services import post_create_draft

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201e2b2f6a20000000049454e44ae426082"
)


# --- a real MP4, made here: ftyp, moov (one H.264 video track) and mdat with one grey frame -------


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


class _Bits:
    """An H.264 bit writer: a plain int is an Exp-Golomb ue(v); (n, value) is n bits."""

    def __init__(self, *fields: int | tuple[int, int]) -> None:
        self.bits: list[int] = []
        self.add(*fields)

    def add(self, *fields: int | tuple[int, int]) -> None:
        for field in fields:
            n, value = field if isinstance(field, tuple) else (2 * (field + 1).bit_length() - 1, field + 1)
            self.bits += [(value >> i) & 1 for i in range(n - 1, -1, -1)]

    def align(self) -> None:
        self.bits += [0] * (-len(self.bits) % 8)

    def rbsp(self) -> bytes:
        self.add((1, 1))  # the stop bit, then zeros to the byte
        self.align()
        return bytes(int("".join(map(str, self.bits[i : i + 8])), 2) for i in range(0, len(self.bits), 8))


def _nal(header: int, rbsp: bytes) -> bytes:
    out, zeros = bytearray([header]), 0
    for byte in rbsp:  # emulation prevention: no 00 00 0x inside a NAL unit
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _h264_frame(width: int, height: int) -> tuple[bytes, bytes, bytes]:
    """SPS, PPS and one IDR picture of grey I_PCM macroblocks (H.264 Baseline, CAVLC)."""
    # Baseline, constraint sets 0+1, level 1.0; ids 0, 4-bit frame_num, POC type 2, one reference
    # frame, the size in macroblocks, frames only, direct 8x8, no cropping, no VUI.
    sps = _Bits(
        (8, 66),
        (8, 0xC0),
        (8, 10),
        0,
        0,
        2,
        1,
        (1, 0),
        width // 16 - 1,
        height // 16 - 1,
        (1, 1),
        (1, 1),
        (1, 0),
        (1, 0),
    )
    # ids 0, CAVLC, one slice group, one reference each way, no weighting, QP 26, no offsets.
    pps = _Bits(0, 0, (1, 0), (1, 0), 0, 0, 0, (1, 0), (2, 0), 0, 0, 0, (1, 0), (1, 0), (1, 0))
    # first macroblock 0, I slice, PPS 0, frame_num 0, idr_pic_id 0, ref marking 0 0, QP delta 0.
    idr = _Bits(0, 7, 0, (4, 0), 0, (1, 0), (1, 0), 0)
    for _ in range((width // 16) * (height // 16)):
        idr.add(25)  # I_PCM: the samples follow as bytes
        idr.align()
        idr.add(*[(8, 0x80)] * 384)  # 256 luma and 2 x 64 chroma samples, mid-grey
    return _nal(0x67, sps.rbsp()), _nal(0x68, pps.rbsp()), _nal(0x65, idr.rbsp())


def tiny_mp4(*, seconds: float = 1.0, width: int = 32, height: int = 16) -> bytes:
    """A real MP4 of a few hundred bytes: one H.264 frame shown for ``seconds``."""
    sps, pps, idr = _h264_frame(width, height)
    sample = struct.pack(">I", len(idr)) + idr
    scale = 1000
    duration = round(seconds * scale)
    matrix = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)),
        sps,
        bytes([1]),
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6),
        struct.pack(">HHH3IHHIIIH", 1, 0, 0, 0, 0, 0, width, height, 0x480000, 0x480000, 0, 1),
        bytes(32),
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )

    def moov(chunk_offset: int) -> bytes:
        stbl = _box(
            b"stbl",
            _full(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
            _full(b"stts", 0, 0, struct.pack(">III", 1, 1, duration)),
            _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, 1, 1)),
            _full(b"stsz", 0, 0, struct.pack(">III", 0, 1, len(sample))),
            _full(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset)),
        )
        minf = _box(
            b"minf",
            _full(b"vmhd", 0, 1, bytes(8)),
            _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1))),
            stbl,
        )
        mdia = _box(
            b"mdia",
            _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, scale, duration, 0x55C4, 0)),
            _full(b"hdlr", 0, 0, struct.pack(">I4s3I", 0, b"vide", 0, 0, 0), b"Townsquare\0"),
            minf,
        )
        tkhd = _full(
            b"tkhd",
            0,
            3,
            struct.pack(">IIIII", 0, 0, 1, 0, duration),
            bytes(8),
            struct.pack(">hhhH", 0, 0, 0, 0),
            matrix,
            struct.pack(">II", width << 16, height << 16),
        )
        mvhd = _full(
            b"mvhd",
            0,
            0,
            struct.pack(">IIIIIH", 0, 0, scale, duration, 0x10000, 0x100),
            bytes(10),
            matrix,
            bytes(24),
            struct.pack(">I", 2),
        )
        return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    head = ftyp + moov(0)
    return ftyp + moov(len(head) + 8) + _box(b"mdat", sample)


VIDEO_ALT = "A council officer shows which bin takes glass, paper and food waste."


def make_account(pds: str, name: str) -> tuple[Client, str]:
    """A fresh account on the PDS and an app password for it (as a council would make in settings)."""
    client = Client(base_url=pds)
    handle = f"{name}{secrets.token_hex(3)}.test"
    password = secrets.token_urlsafe(12)
    client.com.atproto.server.create_account({"handle": handle, "email": f"{handle}@example.com", "password": password})
    client.login(handle, password, fetch_bsky_profile=False)
    app_password = client.com.atproto.server.create_app_password({"name": "townsquare"}).password
    return client, app_password


def connected_channel(pds: str, council: Council, actor: User) -> tuple[Channel, Client]:
    """A channel of ``council`` connected by ``actor`` to a fresh account on the PDS, and the account's own client
    (as another app would use it)."""
    client, app_password = make_account(pds, "riverside")
    handle = client._session.handle
    channel = Channel.objects.create(
        council=council, platform="bluesky", name="Riverside on Bluesky", handle=f"@{handle}"
    )
    connection_connect_with_secret(actor=actor, channel=channel, identifier=handle, secret=app_password, base_url=pds)
    return channel, client


@pytest.fixture
def council_account(bluesky_pds):
    return make_account(bluesky_pds, "riverside")


@pytest.fixture
def sky_channel(riverside, people) -> Channel:
    return Channel.objects.create(
        council=riverside,
        platform="bluesky",
        name="Riverside on Bluesky",
        handle="@riverside.test",
        owner=people.officer,
    )


@pytest.fixture
def connected(bluesky_pds, council_account, sky_channel, people) -> Channel:
    client, app_password = council_account
    connection_connect_with_secret(
        actor=people.comms,
        channel=sky_channel,
        identifier=client._session.handle,
        secret=app_password,
        base_url=bluesky_pds,
    )
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
    result = connector_for(connected).publish(
        OutboundPost(
            text=f"The recycling centre moves on Monday — details: {link}",
            link=link,
            images=(Image(content=PNG, mime_type="image/png", alt_text=alt),),
            idempotency_key="post-1:channel-1",
        )
    )
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


@pytest.fixture
def lost_answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The PDS makes each record asked for, but the caller gets a 503 instead of its answer (a proxy
    failing after the write): the calls to createRecord are listed."""
    made: list[str] = []
    real = httpx.Client.request

    def request(self: httpx.Client, method: str, url: object, **kwargs: object) -> httpx.Response:
        response = real(self, method, url, **kwargs)  # type: ignore[arg-type]
        if str(url).endswith("/xrpc/com.atproto.repo.createRecord"):
            made.append(str(url))
            return httpx.Response(
                503, json={"error": "InternalServerError", "message": "Upstream failed"}, request=response.request
            )
        return response

    monkeypatch.setattr(httpx.Client, "request", request)
    return made


def test_a_server_error_on_a_publish_is_unconfirmed_after_one_call(connected, council_account, lost_answers) -> None:
    client, _ = council_account
    post = OutboundPost(text="Library hours change in May.", idempotency_key="post-503:channel-1")
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(post)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert len(lost_answers) == 1  # one call, never repeated blindly
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert len(listed.records) == 1  # the post was made: that is why a 503 proves nothing
    # Read back from the account, it carries the marker its idempotency key gives.
    connector = connector_for(connected)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    (found,) = [
        p for p in connector.recent_posts(since=since) if p.marker == connector.marker_for(post.idempotency_key)
    ]
    assert found.external_id == listed.records[0].uri and found.text == post.text and found.url.startswith("https://")


def test_a_post_exactly_at_the_limit_passes_the_check_and_the_platform(connected, council_account, people, riverside):
    """The check and the preview measure the text the connector sends (text, blank line, link)."""
    client, _ = council_account
    link = "https://riverside.example/bins"
    words = ("Green bins go out on Tuesday this week. " * 10)[: 300 - len(link) - 3] + "."

    def drafted(text: str) -> Post:
        return post_create_draft(
            author=people.comms, council=riverside, text=text, channels=[connected], scheduled_for=None, link=link
        )

    def too_long(post: Post) -> list[str]:
        return [f.message for f in post_check(post=post).findings if f.rule == "PLAT-01"]

    at_limit = drafted(words)
    assert too_long(at_limit) == [] and post_previews(post=at_limit)[0].count == 300
    made = connector_for(connected).publish(OutboundPost(text=at_limit.text, link=link))
    sent = _record(client, made.external_id)["text"]
    assert graphemes(sent) == 300 and sent == post_previews(post=at_limit)[0].text
    over = drafted(words + "!")
    assert too_long(over) and post_previews(post=over)[0].over_by == 1


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
    mention = {
        "index": {"byteStart": 0, "byteEnd": len(handle) + 1},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
    }
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


# --- video ---------------------------------------------------------------------------------------


def test_the_test_video_is_an_mp4_with_a_size_and_a_length() -> None:
    info = read_mp4(tiny_mp4(seconds=2.5, width=48, height=16))
    assert info is not None and (info.seconds, info.width, info.height) == (2.5, 48, 16)
    assert read_mp4(PNG) is None


def test_publish_text_and_video_with_alt_text(connected, council_account) -> None:
    client, _ = council_account
    mp4 = tiny_mp4(seconds=1.0, width=32, height=16)
    connector = connector_for(connected)
    result = connector.publish(
        OutboundPost(
            text="How to sort your recycling, in one minute.",
            video=Video(
                mp4, "video/mp4", title="Sorting your recycling", description="Our recycling film.", alt_text=VIDEO_ALT
            ),
            idempotency_key="post-7:channel-3",
        )
    )
    record = _record(client, result.external_id)
    assert record["text"] == "How to sort your recycling, in one minute."
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["alt"] == VIDEO_ALT
    assert embed["video"]["mimeType"] == "video/mp4" and embed["video"]["size"] == len(mp4)
    assert (embed["aspectRatio"]["width"], embed["aspectRatio"]["height"]) == (32, 16)
    blob = client.com.atproto.sync.get_blob({"did": client._session.did, "cid": embed["video"]["ref"]["$link"]})
    assert blob == mp4
    connector.delete(result.external_id)
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert listed.records == []


def test_a_video_larger_than_the_server_takes_is_rejected_with_its_reason(connected, council_account) -> None:
    # The test PDS keeps its default blob limit (5 MB), well under Bluesky's 100 MB: its own refusal
    # must come back as "rejected" with a reason, and nothing is posted.
    client, _ = council_account
    mp4 = tiny_mp4() + struct.pack(">I4s", 8 + 6_000_000, b"free") + bytes(6_000_000)
    with pytest.raises(ConnectorError) as caught:
        connector_for(connected).publish(
            OutboundPost(text="Our new bin lorries.", video=Video(mp4, "video/mp4", description=VIDEO_ALT))
        )
    assert caught.value.kind == ErrorKind.REJECTED
    assert caught.value.message == (
        "Bluesky's server refused the video (request entity too large). Use a smaller or more compressed video."
    )
    listed = client.com.atproto.repo.list_records({"repo": client._session.did, "collection": "app.bsky.feed.post"})
    assert listed.records == []


def _nowhere() -> BlueskyConnector:
    """A connector whose server does not exist: any call it made would fail as "retry", so a
    "rejected" from it was decided before calling."""
    return BlueskyConnector(
        Credentials({"session": "never-used", "did": "did:plc:nowhere", "handle": "nowhere.test"}),
        base_url="http://127.0.0.1:9",
    )


def test_images_and_a_video_together_are_refused_before_any_call() -> None:
    with pytest.raises(ConnectorError) as caught:
        _nowhere().publish(
            OutboundPost(
                text="Bin day changes",
                images=(Image(PNG, "image/png", "A bin"),),
                video=Video(tiny_mp4(), "video/mp4", description=VIDEO_ALT),
            )
        )
    assert caught.value.kind == ErrorKind.REJECTED
    assert caught.value.message == (
        "A Bluesky post carries either one video or images, not both. Remove the images or the video."
    )


@pytest.mark.parametrize(
    ("video", "reason"),
    [
        (Video(tiny_mp4(), "video/quicktime", description=VIDEO_ALT), "MP4 only; this file is video/quicktime"),
        (Video(PNG, "video/mp4", description=VIDEO_ALT), "MP4 only"),
        (Video(tiny_mp4(seconds=181), "video/mp4", description=VIDEO_ALT), "up to 3 minutes; this one runs 3:01"),
        (Video(tiny_mp4(), "video/mp4", description="  "), "needs alt text"),
        (Video(tiny_mp4(), "video/mp4", description="é" * 1001), "at most 1,000 characters (this one has 1001)"),
    ],
    ids=["not-mp4-type", "not-mp4-bytes", "too-long", "no-alt-text", "alt-text-too-long"],
)
def test_a_video_bluesky_would_refuse_is_refused_plainly_before_any_call(video: Video, reason: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        _nowhere().publish(OutboundPost(text="Recycling explained", video=video))
    assert caught.value.kind == ErrorKind.REJECTED and reason in caught.value.message


def test_a_video_over_100_mb_is_refused_before_any_call() -> None:
    mp4 = tiny_mp4() + struct.pack(">I4s", 8 + 105_000_000, b"free") + bytes(105_000_000)
    with pytest.raises(ConnectorError) as caught:
        _nowhere().publish(
            OutboundPost(text="The full council meeting", video=Video(mp4, "video/mp4", description=VIDEO_ALT))
        )
    assert caught.value.kind == ErrorKind.REJECTED and "up to 100 MB; this one is 105 MB" in caught.value.message


def test_bluesky_says_it_takes_video() -> None:
    limits = BlueskyConnector.limits
    assert limits.video is True and limits.max_video_seconds == 180 and "100 MB" in limits.notes


# --- the firehose position -----------------------------------------------------------------------


def _mention(resident: Client, council: Client, words: str) -> str:
    handle, did = council._session.handle, council._session.did
    facet = {
        "index": {"byteStart": 0, "byteEnd": len(handle) + 1},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
    }
    return resident.send_post(f"@{handle} {words}", profile_identify=resident._session.did, facets=[facet]).uri


def _listen_until(channel: Channel, count: int) -> int:
    """The firehose through ``inbound_stream`` (as ``manage.py listen_streams`` reads it) for ``count`` new
    items, ended after a minute at most if they never come."""
    connector = connector_for(channel)
    assert isinstance(connector, BlueskyConnector)
    guard = threading.Timer(60, connector.stop_stream.set)
    guard.start()
    try:
        return inbound_stream(channel=channel, connector=connector, limit=count)
    finally:
        guard.cancel()


def test_the_firehose_resumes_where_it_stopped(bluesky_pds, connected, council_account) -> None:
    council, _ = council_account
    resident, _ = make_account(bluesky_pds, "resident")
    posted: list[str] = []
    done = threading.Event()

    def keep_mentioning() -> None:
        # The first listen starts live: post until it has caught one.
        for n in range(30):
            if done.wait(1.0):
                return
            posted.append(_mention(resident, council, f"pothole on Station Road, report {n}"))

    poster = threading.Thread(target=keep_mentioning, daemon=True)
    poster.start()
    try:
        assert _listen_until(connected, 1) == 1
    finally:
        done.set()
        poster.join(timeout=10)
    first = ReceivedItem.objects.get(channel=connected).external_id
    saved = json.loads(Connection.objects.get(channel=connected).stream_cursor)
    assert saved["firehose"] == bluesky_pds.replace("http://", "ws://") + "/xrpc" and isinstance(saved["seq"], int)

    # Stopped. Whatever the poster sent after the caught one, and this, were said meanwhile.
    missed = _mention(resident, council, "and the pothole is getting bigger")
    meanwhile = [*posted[posted.index(first) + 1 :], missed]

    assert _listen_until(connected, len(meanwhile)) == len(meanwhile)
    stored = list(ReceivedItem.objects.filter(channel=connected).values_list("external_id", flat=True))
    assert sorted(stored) == sorted([first, *meanwhile])  # each once: the replayed boundary is not doubled
    assert ReceivedItem.objects.get(external_id=missed).text.endswith("the pothole is getting bigger")
    assert json.loads(Connection.objects.get(channel=connected).stream_cursor)["seq"] > saved["seq"]


class Cable:
    """A plain TCP relay to the PDS that the test can cut, as a dropped network connection is."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                near, _ = self.listener.accept()
                far = socket.create_connection(("127.0.0.1", self.target))
                self.connections += 1
                self.sockets += [near, far]
                for a, b in ((near, far), (far, near)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)

    def cut(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def close(self) -> None:
        self.listener.close()
        self.cut()


def test_a_dropped_firehose_connection_resumes_where_it_was(bluesky_pds, connected, council_account) -> None:
    council, _ = council_account
    resident, _ = make_account(bluesky_pds, "resident")
    cable = Cable(int(bluesky_pds.rsplit(":", 1)[1]))
    connector = connector_for(connected)
    assert isinstance(connector, BlueskyConnector)
    connector.settings["firehose_url"] = f"ws://127.0.0.1:{cable.port}"
    caught = threading.Event()

    def keep_mentioning() -> None:
        for n in range(30):
            if caught.wait(1.0):
                return
            _mention(resident, council, f"graffiti on the bridge, report {n}")

    poster = threading.Thread(target=keep_mentioning, daemon=True)
    guard = threading.Timer(60, connector.stop_stream.set)
    seen: list[str] = []
    missed = ""
    poster.start()
    guard.start()
    try:
        for item in connector.stream_inbound():
            seen.append(item.external_id)
            if not missed:
                caught.set()
                poster.join(timeout=10)
                cable.cut()  # the connection drops; the SDK dials again after a pause
                missed = _mention(resident, council, "the graffiti has been there a week")
            elif item.external_id == missed:
                break
    finally:
        caught.set()
        guard.cancel()
        connector.stop_stream.set()
        cable.close()
    assert missed in seen and cable.connections >= 2
    assert max(Counter(seen).values()) == 1  # resumed at the last message received: nothing twice


def test_a_position_the_server_has_not_reached_starts_again_live(bluesky_pds, connected) -> None:
    # A server whose stream was reset or restored answers FutureCursor: said plainly, and the
    # position is dropped so that the next listen starts live instead of failing for ever.
    firehose = bluesky_pds.replace("http://", "ws://") + "/xrpc"
    Connection.objects.filter(channel=connected).update(stream_cursor=json.dumps({"firehose": firehose, "seq": 10**9}))
    assert _listen_until(connected, 1) == 0
    connection = Connection.objects.get(channel=connected)
    assert connection.stream_cursor == ""
    assert connection.last_error_kind == "retry" and "started again from the beginning" in connection.last_error_message


def test_a_position_is_only_read_for_the_firehose_it_came_from() -> None:
    here = "ws://localhost:2583/xrpc"
    assert stream_seq(json.dumps({"firehose": here, "seq": 42}), here) == 42
    assert stream_seq(json.dumps({"firehose": "wss://bsky.network/xrpc", "seq": 42}), here) is None
    assert stream_seq("", here) is None and stream_seq("2026-01-01T00:00:00Z", here) is None
