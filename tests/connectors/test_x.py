"""X connector against recorded API v2 exchanges (tests/connectors/fixtures/x)."""

from __future__ import annotations

import base64
import hashlib
import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.registry import connector_class
from townsquare.connectors.x.connector import XConnector
from townsquare.connectors.x.parsing import make_cursor, parse_cursor

from .conftest import X_ME as ME
from .conftest import X_SETTINGS as SETTINGS

PNG = b"\x89PNG-bytes"
POST = OutboundPost(text="Bin collections move to Tuesday next week.")


def test_registered_with_pkce() -> None:
    assert connector_class("x") is XConnector and XConnector.pkce


def test_authorisation_url_carries_the_pkce_challenge() -> None:
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = XConnector(settings=SETTINGS).authorisation_url(
        state="s3", redirect_uri="https://townsquare.example/cb", code_challenge=challenge
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://x.com/i/oauth2/authorize?")
    assert query["code_challenge"] == [challenge] and query["code_challenge_method"] == ["S256"]
    assert "offline.access" in query["scope"][0].split() and "media.write" in query["scope"][0].split()
    with pytest.raises(ValueError, match="PKCE"):
        XConnector(settings=SETTINGS).authorisation_url(state="s3", redirect_uri="https://townsquare.example/cb")


def test_complete_authorisation_exchanges_the_code_with_the_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "x", "oauth_exchange"):
        creds = XConnector(settings=SETTINGS).complete_authorisation(
            code="x-code", redirect_uri="https://townsquare.example/connect/callback", code_verifier="v" * 64
        )
    assert creds.data == {
        "access_token": "x-access-1",
        "refresh_token": "x-refresh-1",
        "user_id": ME,
        "username": "RiversideDC",
    }
    assert creds.expires_at is not None


def test_refresh_rotates_the_token_pair(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "refresh"):
        creds = x.refresh()
    assert (creds.data["access_token"], creds.data["refresh_token"], creds.data["user_id"]) == (
        "x-access-2",
        "x-refresh-2",
        ME,
    )


def test_refresh_with_a_revoked_token_needs_reconnecting(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "refresh_expired"), pytest.raises(ConnectorError) as caught:
        x.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE and "token was invalid" in caught.value.message


def test_publish_text_and_link(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "publish_text_link"):
        result = x.publish(
            OutboundPost(text="Bin collections move to Tuesday next week.", link="https://riverside.example/bins")
        )
    assert result.external_id == "1890000000000000001"
    assert result.url == "https://x.com/RiversideDC/status/1890000000000000001"


def test_publish_images_sets_alt_text_on_each(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    images = (
        Image(PNG, "image/png", "Volunteers litter-picking beside the river."),
        Image(PNG, "image/jpeg", "Twenty full rubbish bags piled by a bench."),
    )
    with replay(monkeypatch, "x", "publish_images"):
        result = x.publish(OutboundPost(text="Thank you to everyone at Saturday's river clean-up!", images=images))
    assert result.external_id == "1890000000000000002"


def test_image_without_its_alt_text_fails_the_replay(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    images = (Image(PNG, "image/png", "Volunteers litter-picking beside the river."), Image(PNG, "image/jpeg", ""))
    with pytest.raises(AssertionError, match="media/metadata"), replay(monkeypatch, "x", "publish_images"):
        x.publish(OutboundPost(text="Thank you to everyone at Saturday's river clean-up!", images=images))


def test_publish_video_waits_for_processing(monkeypatch: pytest.MonkeyPatch, x: XConnector, waits: list[float]) -> None:
    with replay(monkeypatch, "x", "publish_video"):
        result = x.publish(OutboundPost(text="How to sort your recycling", video=Video(b"mp4-bytes", "video/mp4")))
    assert result.external_id == "1890000000000000003"
    assert waits == [2.0]


def test_reply(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "reply"):
        result = x.publish(
            OutboundPost(text="Thanks for asking: yes, garden waste too.", reply_to_external_id="1890000000000000777")
        )
    assert result.external_id == "1890000000000000004"


def test_delete(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "delete"):
        x.delete("1890000000000000001")


def test_mentions_and_direct_messages_since_a_cursor(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    cursor = make_cursor("1890000000000000500", "1900000000000000100")
    with replay(monkeypatch, "x", "inbound", "dm_events"):
        page = x.fetch_inbound(cursor=cursor)
    assert parse_cursor(page.cursor) == ("1890000000000000903", "1900000000000000205")
    first, second, broken, *messages = page.items
    assert (first.kind, first.author_handle, first.author_name) == ("mention", "samres", "Sam Resident")
    assert second.kind == "reply" and second.in_reply_to_external_id == "1890000000000000001"
    assert (
        broken.malformed and broken.external_id == "1890000000000000901" and broken.raw["text"] == "@RiversideDC hello"
    )
    assert "created_at" in broken.parse_error
    # the council's own message (…204) and everything at or before the cursor (…100, …090) are left out
    assert [m.external_id for m in messages] == ["1900000000000000205", "1900000000000000203", "1900000000000000150"]
    bin_message, library, odd = messages
    assert (bin_message.kind, bin_message.author_handle, bin_message.author_name, bin_message.text) == (
        "direct_message",
        "samres",
        "Sam Resident",
        "Hi, my bin was not collected at 4 Elm Road",
    )
    assert bin_message.created_at.isoformat() == "2025-03-04T10:05:00+00:00"
    assert bin_message.raw["dm_conversation_id"] == "2001-1500000000000000001" and not bin_message.malformed
    assert (library.author_handle, library.text) == ("alexn", "Is the library open on Monday?")
    assert odd.kind == "direct_message" and odd.malformed and odd.raw["text"] == "hello"


def test_an_old_plain_cursor_is_read_as_the_mentions_position(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "inbound", "dm_events_first") as sent:
        page = x.fetch_inbound(cursor="1890000000000000500")
    assert sent.sent[0]["params"]["since_id"] == "1890000000000000500"
    # no direct-message position yet: the newest page is the starting point, and only it is read
    assert parse_cursor(page.cursor) == ("1890000000000000903", "1900000000000000100")
    assert [(i.kind, i.author_handle) for i in page.items][-1] == ("direct_message", "alexn")


def test_nothing_new_keeps_the_cursor(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    cursor = make_cursor("1890000000000000903", "1900000000000000205")
    with replay(monkeypatch, "x", "inbound_empty", "dm_events_none_new"):
        page = x.fetch_inbound(cursor=cursor)
    assert page.items == [] and page.cursor == cursor


def test_without_the_dm_permission_mentions_are_still_read(
    monkeypatch: pytest.MonkeyPatch, x: XConnector, caplog: pytest.LogCaptureFixture
) -> None:
    cursor = make_cursor("1890000000000000500", "1900000000000000100")
    with (
        caplog.at_level(logging.WARNING, logger="townsquare.connectors.x.connector"),
        replay(monkeypatch, "x", "inbound", "dm_forbidden"),
    ):
        page = x.fetch_inbound(cursor=cursor)
    assert [i.kind for i in page.items] == ["mention", "reply", "mention"]
    # the direct-message position is kept for when the permission is granted
    assert parse_cursor(page.cursor) == ("1890000000000000903", "1900000000000000100")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "direct messages skipped" in warnings[0] and "dm.read" in warnings[0]
    assert "x-access-1" not in caplog.text and "x-refresh-1" not in caplog.text


def test_other_dm_failures_are_not_hidden(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "inbound", "error_expired_token_dm"), pytest.raises(ConnectorError) as caught:
        x.fetch_inbound(cursor="1890000000000000500")
    assert caught.value.kind == ErrorKind.REAUTHORISE


def test_a_cursor_that_cannot_be_read_starts_afresh() -> None:
    assert parse_cursor("{not json") == ("", "") and parse_cursor("") == ("", "")
    assert parse_cursor('{"mentions": "1", "direct_messages": "2"}') == ("1", "2")
    assert make_cursor("", "") == ""


def test_metrics(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "metrics"):
        metrics = x.fetch_metrics()
    assert (metrics.followers, metrics.impressions, metrics.engagements) == (20411, 4000, 40)


def test_expired_token(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "error_expired_token"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE


def test_rate_limited_read_waits_until_the_reset(
    monkeypatch: pytest.MonkeyPatch, x: XConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "x", "error_rate_limit_read", "dm_events_first"):
        page = x.fetch_inbound()
    assert [i.kind for i in page.items] == ["direct_message"]
    assert len(waits) == 1 and 27 <= waits[0] <= 30
    assert x.last_headroom is not None and x.last_headroom.remaining == 9


def test_rate_limited_publish_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, x: XConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "x", "error_rate_limit_publish"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.RETRY
    assert caught.value.retry_after is not None and 3500 < caught.value.retry_after <= 3600
    assert waits == []


def test_missing_permission_asks_for_reconnection(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "error_permission"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "permissions" in caught.value.message


def test_app_without_access_level_is_rejected(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "error_client_forbidden"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and "access level" in caught.value.message


def test_duplicate_post(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "error_duplicate"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message


def test_timeout_on_publish_is_unconfirmed(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    with replay(monkeypatch, "x", "timeout_publish"), pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_server_error_on_publish_is_unconfirmed_after_one_call(monkeypatch: pytest.MonkeyPatch, x: XConnector) -> None:
    """A 503 does not prove nothing was made: never sent again blindly (the platform takes no idempotency key)."""
    with replay(monkeypatch, "x", "server_error_publish") as calls, pytest.raises(ConnectorError) as caught:
        x.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"].split("?")[0] for c in calls.sent].count("https://api.x.com/2/tweets") == 1
