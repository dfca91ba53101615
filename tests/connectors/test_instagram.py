"""Instagram connector against recorded Graph API exchanges (tests/connectors/fixtures/instagram)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.registry import connector_class

SETTINGS = {"client_id": "meta-app-id", "client_secret": "meta-app-secret"}
IG = "17841400000000001"
JPEG = b"\xff\xd8\xff-bytes"
ONE = OutboundPost(
    text="A bin.", images=(Image(JPEG, "image/jpeg", "A bin.", url="https://media.townsquare.example/p/1.jpg"),)
)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def ig(waits: list[float]) -> InstagramConnector:
    creds = Credentials(
        data={
            "ig_user_id": IG,
            "username": "riversidedc",
            "page_id": "1122334455",
            "page_token": "page-token",
            "user_token": "old-user-token",
        }
    )
    return InstagramConnector(creds, settings=SETTINGS, sleep=waits.append)


def test_registered() -> None:
    assert connector_class("instagram") is InstagramConnector


def test_authorisation_url_asks_for_publishing_permission() -> None:
    url = InstagramConnector(settings=SETTINGS).authorisation_url(
        state="s2", redirect_uri="https://townsquare.example/cb"
    )
    scopes = parse_qs(urlsplit(url).query)["scope"][0].split(",")
    assert "instagram_content_publish" in scopes and "instagram_manage_comments" in scopes


def test_complete_authorisation_finds_the_linked_instagram_account(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "instagram", "oauth_exchange"):
        creds = InstagramConnector(settings=SETTINGS).complete_authorisation(
            code="AQB-code", redirect_uri="https://townsquare.example/connect/callback"
        )
    assert creds.data["ig_user_id"] == IG and creds.data["username"] == "riversidedc"
    assert creds.data["page_token"] == "page-token" and creds.data["user_token"] == "long-user-token"


def test_refresh_after_the_app_was_removed_needs_reconnecting(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    with replay(monkeypatch, "instagram", "refresh_expired"), pytest.raises(ConnectorError) as caught:
        ig.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE and caught.value.platform_code == "190/458"


def test_publish_one_image_with_alt_text(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    image = Image(
        JPEG,
        "image/jpeg",
        "Children on a rope climbing frame in a sunny park.",
        url="https://media.townsquare.example/p/1.jpg",
    )
    with replay(monkeypatch, "instagram", "publish_one_image"):
        result = ig.publish(
            OutboundPost(
                text="The new play park at Elm Green is open!", link="https://riverside.example/parks", images=(image,)
            )
        )
    assert result.external_id == "17950000000000201"
    assert result.url == "https://www.instagram.com/p/DAbCdEfGhIj/"


def test_carousel_sends_alt_text_for_every_image_and_waits_for_processing(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector, waits: list[float]
) -> None:
    images = (
        Image(
            JPEG,
            "image/jpeg",
            "The old library building with scaffolding.",
            url="https://media.townsquare.example/p/2.jpg",
        ),
        Image(
            JPEG,
            "image/jpeg",
            "The finished library with a glass entrance.",
            url="https://media.townsquare.example/p/3.jpg",
        ),
    )
    with replay(monkeypatch, "instagram", "publish_carousel"):
        result = ig.publish(OutboundPost(text="Before and after: the library reopens on Monday.", images=images))
    assert result.external_id == "17950000000000202"
    assert waits == [5.0]


def test_reel_is_published_even_when_the_permalink_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    video = Video(b"mp4", "video/mp4", url="https://media.townsquare.example/v/1.mp4")
    with replay(monkeypatch, "instagram", "publish_reel"):
        result = ig.publish(OutboundPost(text="How to sort your recycling", video=video))
    assert result.external_id == "17950000000000203" and result.url == ""


def test_text_only_and_media_without_public_address_are_refused_before_any_call(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    with replay(monkeypatch, "instagram"):
        with pytest.raises(ConnectorError, match="at least one image"):
            ig.publish(OutboundPost(text="Just words"))
        with pytest.raises(ConnectorError, match="public web address") as caught:
            ig.publish(OutboundPost(text="x", images=(Image(JPEG, "image/jpeg", "A bin"),)))
    assert caught.value.kind == ErrorKind.REJECTED


def test_reply(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "reply"):
        result = ig.publish(OutboundPost(text="Thank you! It opens at 9am.", reply_to_external_id="17870000000000301"))
    assert result.external_id == "17870000000000399"


def test_delete(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "delete"):
        ig.delete("17950000000000201")


def test_inbound_since_cursor(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "inbound"):
        page = ig.fetch_inbound(cursor="2025-03-02T00:00:00+00:00")
    by_id = {item.external_id: item for item in page.items}
    assert set(by_id) == {"17870000000000301", "17870000000000302", "17870000000000303", "17950000000000900"}
    assert by_id["17870000000000301"].kind == "comment" and by_id["17870000000000301"].author_handle == "elmgreen_mum"
    assert by_id["17870000000000302"].kind == "reply"
    assert by_id["17870000000000302"].in_reply_to_external_id == "17870000000000301"
    assert by_id["17950000000000900"].kind == "mention"
    broken = by_id["17870000000000303"]
    assert broken.malformed and broken.raw == {"id": "17870000000000303", "text": "Lovely", "username": "parkfan"}
    assert page.cursor == "2025-03-04T12:00:00+00:00"


def test_metrics(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "metrics"):
        metrics = ig.fetch_metrics()
    assert (metrics.followers, metrics.reach, metrics.profile_views, metrics.engagements, metrics.impressions) == (
        5320,
        2210,
        143,
        388,
        6012,
    )
    # Each recent media object's reach
    assert InstagramConnector.posts_reach(metrics.raw) == {"17900000000000101": 2210}


def test_expired_token(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "error_expired_token"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "Session has expired" in caught.value.message


def test_rate_limited_read_is_retried_after_the_estimate(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "instagram", "error_rate_limit_read"):
        assert ig.fetch_metrics().followers == 5320
    assert waits == [60.0]


def test_publishing_allowance_reached_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "instagram", "error_rate_limit_publish"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 3600.0
    assert waits == []


def test_missing_permission(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "error_permission"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "instagram_content_publish" in caught.value.message


def test_duplicate_post(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "error_duplicate"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message


def test_media_instagram_cannot_fetch_is_rejected_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    with replay(monkeypatch, "instagram", "error_media_fetch"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.REJECTED and "Media download has failed" in caught.value.message


def test_timeout_on_publish_is_unconfirmed(monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector) -> None:
    with replay(monkeypatch, "instagram", "timeout_publish"), pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_server_error_on_publish_is_unconfirmed_after_one_call(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    """A 503 does not prove nothing was made: never sent again blindly (the platform takes no idempotency key)."""
    with replay(monkeypatch, "instagram", "server_error_publish") as calls, pytest.raises(ConnectorError) as caught:
        ig.publish(ONE)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"].split("?")[0] for c in calls.sent].count(
        "https://graph.facebook.com/v23.0/17841400000000001/media_publish"
    ) == 1


def test_recent_posts_are_the_accounts_own_since_the_time_asked(
    monkeypatch: pytest.MonkeyPatch, ig: InstagramConnector
) -> None:
    with replay(monkeypatch, "instagram", "recent_posts"):
        posts = ig.recent_posts(since=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    assert [(p.external_id, p.text, p.url) for p in posts] == [
        ("17900000000000200", "Bin collections move to Tuesday next week.", "https://www.instagram.com/p/Cbin200/")
    ]
    assert posts[0].created_at == dt.datetime(2026, 3, 2, 9, 30, 5, tzinfo=dt.UTC)
