"""Facebook Pages connector against recorded Graph API exchanges (tests/connectors/fixtures/facebook)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.replay import replay
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.registry import connector_class

SETTINGS = {"client_id": "fb-app-id", "client_secret": "fb-app-secret"}
PAGE = "1122334455"
PNG = b"\x89PNG\r\n\x1a\n-bytes"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def fb(waits: list[float]) -> FacebookConnector:
    creds = Credentials(data={"page_id": PAGE, "page_token": "page-token", "user_token": "old-user-token"})
    return FacebookConnector(creds, settings={**SETTINGS, "handle": "RiversideDC"}, sleep=waits.append)


def test_registered() -> None:
    assert connector_class("facebook") is FacebookConnector


def test_authorisation_url_asks_for_page_permissions() -> None:
    url = FacebookConnector(settings=SETTINGS).authorisation_url(
        state="s1", redirect_uri="https://townsquare.example/cb"
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.facebook.com/v23.0/dialog/oauth?")
    assert query["client_id"] == ["fb-app-id"] and query["state"] == ["s1"]
    assert "pages_manage_posts" in query["scope"][0].split(",")


def test_complete_authorisation_keeps_the_named_page_token(monkeypatch: pytest.MonkeyPatch) -> None:
    connector = FacebookConnector(settings={**SETTINGS, "handle": "@RiversideDC"})
    with replay(monkeypatch, "facebook", "oauth_exchange"):
        creds = connector.complete_authorisation(
            code="AQD-code", redirect_uri="https://townsquare.example/connect/callback"
        )
    assert creds.data == {
        "page_id": PAGE,
        "page_name": "Riverside District Council",
        "page_token": "page-token",
        "user_token": "long-user-token",
    }
    assert creds.expires_at is not None and creds.expires_at > dt.datetime.now(dt.UTC) + dt.timedelta(days=59)


def test_complete_authorisation_with_several_pages_and_no_handle_asks_a_person(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "facebook", "oauth_exchange"), pytest.raises(ConnectorError) as caught:
        FacebookConnector(settings=SETTINGS).complete_authorisation(
            code="AQD-code", redirect_uri="https://townsquare.example/connect/callback"
        )
    assert caught.value.kind == ErrorKind.REJECTED
    assert "Riverside Leisure Centre" in caught.value.message


def test_refresh_renews_the_user_token(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "refresh"):
        creds = fb.refresh()
    assert creds.data["user_token"] == "long-user-token" and creds.data["page_token"] == "page-token"


def test_refresh_with_an_expired_token_needs_reconnecting(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector
) -> None:
    with replay(monkeypatch, "facebook", "refresh_expired"), pytest.raises(ConnectorError) as caught:
        fb.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE
    assert caught.value.platform_code == "190/463"
    assert "Session has expired" in caught.value.message


def test_publish_text_and_link(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "publish_text_link"):
        result = fb.publish(
            OutboundPost(text="Bin collections move to Tuesday next week.", link="https://riverside.example/bins")
        )
    assert result.external_id == f"{PAGE}_987654321"
    assert result.url == f"https://www.facebook.com/{PAGE}_987654321"


def test_publish_one_image_sends_its_alt_text(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    image = Image(PNG, "image/png", "A green wheelie bin with a blue lid outside a terraced house.")
    with replay(monkeypatch, "facebook", "publish_one_image") as sent:
        result = fb.publish(
            OutboundPost(
                text="New recycling bins arrive this week.", link="https://riverside.example/recycling", images=(image,)
            )
        )
    assert result.external_id == f"{PAGE}_987654322"
    assert sent.sent[0]["files"]["source"][1] == PNG


def test_dropping_alt_text_fails_the_replay(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    image = Image(PNG, "image/png", "")
    with pytest.raises(AssertionError, match="alt_text_custom"), replay(monkeypatch, "facebook", "publish_one_image"):
        fb.publish(
            OutboundPost(
                text="New recycling bins arrive this week.", link="https://riverside.example/recycling", images=(image,)
            )
        )


def test_publish_several_images_each_with_alt_text(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    images = (
        Image(PNG, "image/png", "Volunteers litter-picking beside the river."),
        Image(PNG, "image/jpeg", "Twenty full rubbish bags piled by a bench."),
    )
    with replay(monkeypatch, "facebook", "publish_images"):
        result = fb.publish(OutboundPost(text="Thank you to everyone at Saturday's river clean-up!", images=images))
    assert result.external_id == f"{PAGE}_987654323"


def test_publish_video(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    video = Video(
        b"mp4", "video/mp4", title="How to sort your recycling", description="Ninety seconds on what goes in which bin."
    )
    with replay(monkeypatch, "facebook", "publish_video"):
        assert fb.publish(OutboundPost(text="", video=video)).external_id == "777000111"


def test_reply(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "reply"):
        result = fb.publish(
            OutboundPost(text="Thanks for asking: yes, garden waste too.", reply_to_external_id=f"{PAGE}_987654321")
        )
    assert result.external_id == "987654321_4455667788"


def test_reply_with_an_image_is_refused_before_any_call(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    post = OutboundPost(text="See photo", images=(Image(PNG, "image/png", "A map"),), reply_to_external_id="1_2")
    with replay(monkeypatch, "facebook"), pytest.raises(ConnectorError) as caught:
        fb.publish(post)
    assert caught.value.kind == ErrorKind.REJECTED


def test_delete(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "delete"):
        fb.delete(f"{PAGE}_987654321")


def test_inbound_comments_mentions_and_messages_since_cursor(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector
) -> None:
    with replay(monkeypatch, "facebook", "inbound"):
        page = fb.fetch_inbound(cursor="2025-03-02T00:00:00+00:00")
    by_id = {item.external_id: item for item in page.items}
    # the Page's own comment and message are not inbound; the comment before the cursor is not new
    assert set(by_id) == {"987654321_1001", "987654321_1003", "987654321_1004", "6001_7001", "m_abc"}
    assert by_id["987654321_1001"].kind == "comment"
    assert by_id["987654321_1001"].in_reply_to_external_id == f"{PAGE}_987654321"
    assert (
        by_id["987654321_1003"].kind == "reply" and by_id["987654321_1003"].in_reply_to_external_id == "987654321_1001"
    )
    assert by_id["6001_7001"].kind == "mention" and by_id["6001_7001"].author_name == "Riverside Residents Group"
    assert by_id["m_abc"].kind == "direct_message" and "Elm Street" in by_id["m_abc"].text
    broken = by_id["987654321_1004"]
    assert broken.malformed and broken.raw["message"] == "Something odd" and "created_time" in broken.parse_error
    assert page.cursor == "2025-03-03T11:00:00+00:00"


def test_metrics(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "metrics"):
        metrics = fb.fetch_metrics()
    assert (
        metrics.followers,
        metrics.page_likes,
        metrics.reach,
        metrics.engagements,
        metrics.profile_views,
        metrics.video_views,
    ) == (12840, 12011, 41877, 3310, 902, 5120)
    # Each recent post's reach comes with them, for the reach of meeting-promotion posts.
    assert FacebookConnector.posts_reach(metrics.raw) == {"1122334455_2001": 4312, "1122334455_2002": 978}


POST = OutboundPost(text="Bin collections move to Tuesday next week.")


def test_expired_token_on_publish_needs_reconnecting(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "error_expired_token"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "changed their password" in caught.value.message


def test_rate_limited_read_waits_as_graph_says_then_succeeds(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "facebook", "error_rate_limit_read"):
        metrics = fb.fetch_metrics()
    assert waits == [60.0]
    assert metrics.followers == 12840


def test_rate_limited_publish_is_not_retried(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "facebook", "error_rate_limit_publish"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.RETRY and caught.value.retry_after == 300.0
    assert waits == []


def test_missing_permission_asks_for_reconnection_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector
) -> None:
    with replay(monkeypatch, "facebook", "error_permission"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.REAUTHORISE
    assert "pages_manage_posts" in caught.value.message


def test_app_without_permission_is_rejected(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "error_app_permission"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and caught.value.platform_code == "10"


def test_duplicate_post_is_rejected_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector
) -> None:
    with replay(monkeypatch, "facebook", "error_duplicate"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message
    assert caught.value.platform_code == "506"


def test_policy_block_is_rejected(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "error_policy_block"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.REJECTED and "temporarily blocked" in caught.value.message


def test_timeout_on_publish_is_unconfirmed(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "timeout_publish"), pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_server_error_on_publish_is_unconfirmed_after_one_call(
    monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector
) -> None:
    """A 503 does not prove nothing was made: never sent again blindly (the platform takes no idempotency key)."""
    with replay(monkeypatch, "facebook", "server_error_publish") as calls, pytest.raises(ConnectorError) as caught:
        fb.publish(POST)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"].split("?")[0] for c in calls.sent].count("https://graph.facebook.com/v23.0/1122334455/feed") == 1


def test_recent_posts_are_the_pages_own(monkeypatch: pytest.MonkeyPatch, fb: FacebookConnector) -> None:
    with replay(monkeypatch, "facebook", "recent_posts"):
        posts = fb.recent_posts(since=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    assert [(p.external_id, p.text, p.url) for p in posts] == [
        (
            "1122334455_901",
            "Bin collections move to Tuesday next week.",
            "https://www.facebook.com/1122334455/posts/901",
        ),
        ("1122334455_900", "", "https://www.facebook.com/1122334455/posts/900"),
    ]
    assert posts[0].created_at == dt.datetime(2026, 3, 2, 9, 30, 5, tzinfo=dt.UTC)
