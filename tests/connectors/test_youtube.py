"""YouTube connector: the package's own discovery documents, offline.

Data and Analytics API calls are answered by google-api-python-client's ``HttpMockSequence`` (and
each request checked against its fixture); OAuth, retries and timeouts go through Townsquare's HTTP
layer with the shared replayer, as they do in production.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.connectors.replay import google_replay, replay
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, Image, OutboundPost, Video
from townsquare.connectors.registry import connector_class
from townsquare.connectors.youtube.connector import YouTubeConnector

SETTINGS = {"client_id": "yt-client-id.apps.googleusercontent.com", "client_secret": "yt-client-secret"}
CH = "UCr1vErs1deD1str1ctC0unc"
CREDS = Credentials(
    data={
        "access_token": "yt-access-1",
        "refresh_token": "yt-refresh-1",
        "channel_id": CH,
        "custom_url": "@riversidedc",
    }
)
VIDEO = OutboundPost(
    text="Ninety seconds on what goes in which bin.",
    link="https://riverside.example/recycling",
    video=Video(b"\x00\x00\x00\x18ftypmp42", "video/mp4", title="How to sort your recycling"),
)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def yt(waits: list[float]) -> YouTubeConnector:
    """Through Townsquare's HTTP layer (tests replace ``http.send``)."""
    return YouTubeConnector(CREDS, settings=SETTINGS, sleep=waits.append)


def mocked(http: object) -> YouTubeConnector:
    return YouTubeConnector(CREDS, settings=SETTINGS, http=http)


def test_registered() -> None:
    assert connector_class("youtube") is YouTubeConnector


def test_authorisation_url_asks_for_offline_access() -> None:
    url = YouTubeConnector(settings=SETTINGS).authorisation_url(
        state="s5", redirect_uri="https://townsquare.example/cb"
    )
    query = parse_qs(urlsplit(url).query)
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/youtube.upload" in query["scope"][0].split()


def test_complete_authorisation_finds_the_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "youtube", "oauth_exchange"):
        creds = YouTubeConnector(settings=SETTINGS).complete_authorisation(
            code="4/0Ab-code", redirect_uri="https://townsquare.example/connect/callback"
        )
    assert creds.data == {
        "access_token": "yt-access-1",
        "refresh_token": "yt-refresh-1",
        "channel_id": CH,
        "custom_url": "@riversidedc",
    }


def test_refresh_keeps_the_refresh_token(monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector) -> None:
    with replay(monkeypatch, "youtube", "refresh"):
        creds = yt.refresh()
    assert creds.data["access_token"] == "yt-access-2" and creds.data["refresh_token"] == "yt-refresh-1"


def test_refresh_revoked_needs_reconnecting(monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector) -> None:
    with replay(monkeypatch, "youtube", "refresh_expired"), pytest.raises(ConnectorError) as caught:
        yt.refresh()
    assert caught.value.kind == ErrorKind.REAUTHORISE and "expired or revoked" in caught.value.message


def test_publish_uploads_the_video_with_title_and_description() -> None:
    with google_replay("youtube", "publish_video") as http:
        result = mocked(http).publish(VIDEO)
    assert result.external_id == "Xy3KjR2mP0a" and result.url == "https://www.youtube.com/watch?v=Xy3KjR2mP0a"
    assert b"ftypmp42" in http.request_sequence[0][2]  # the video bytes travel in the same request


def test_duplicate_upload_is_rejected_with_a_clear_message() -> None:
    with google_replay("youtube", "publish_duplicate") as http, pytest.raises(ConnectorError) as caught:
        mocked(http).publish(VIDEO)
    assert caught.value.kind == ErrorKind.REJECTED and "duplicate" in caught.value.message


def test_text_or_images_alone_are_refused_before_any_call() -> None:
    with google_replay("youtube") as http:
        with pytest.raises(ConnectorError, match="videos"):
            mocked(http).publish(OutboundPost(text="Just words"))
        with pytest.raises(ConnectorError, match="no images"):
            mocked(http).publish(
                OutboundPost(text="x", images=(Image(b"png", "image/png", "A map"),), video=VIDEO.video)
            )


def test_reply_under_a_comment() -> None:
    with google_replay("youtube", "reply") as http:
        result = mocked(http).publish(
            OutboundPost(text="It opens at 9am.", reply_to_external_id="UgzQ1rT5aBcDeFgHiJ4AaABAg")
        )
    assert result.external_id == "comment:UgzQ1rT5aBcDeFgHiJ4AaABAg.A1b2C3d4E5f"


def test_comment_on_a_video() -> None:
    with google_replay("youtube", "comment_on_video") as http:
        result = mocked(http).publish(
            OutboundPost(text="Subtitles are now available.", reply_to_external_id="Xy3KjR2mP0a")
        )
    assert result.external_id == "comment:UgxNeWtHrEaD0000000004AaABAg"


def test_delete_a_video_and_a_comment() -> None:
    with google_replay("youtube", "delete") as http:
        connector = mocked(http)
        connector.delete("Xy3KjR2mP0a")
        connector.delete("comment:UgzQ1rT5aBcDeFgHiJ4AaABAg.A1b2C3d4E5f")


def test_inbound_since_cursor_stops_at_seen_threads() -> None:
    with google_replay("youtube", "inbound") as http:
        page = mocked(http).fetch_inbound(cursor="2025-03-01T00:00:00+00:00")
    by_id = {item.external_id: item for item in page.items}
    assert set(by_id) == {"UgzQ1rT5aBcDeFgHiJ4AaABAg", "UgzQ1rT5aBcDeFgHiJ4AaABAg.A2", "UgwBrOkEn0000000000004AaABAg"}
    top = by_id["UgzQ1rT5aBcDeFgHiJ4AaABAg"]
    assert top.kind == "comment" and top.author_name == "Sam Resident" and top.in_reply_to_external_id == "Xy3KjR2mP0a"
    reply = by_id["UgzQ1rT5aBcDeFgHiJ4AaABAg.A2"]
    assert reply.kind == "reply" and reply.in_reply_to_external_id == "UgzQ1rT5aBcDeFgHiJ4AaABAg"
    broken = by_id["UgwBrOkEn0000000000004AaABAg"]
    assert broken.malformed and broken.raw["snippet"]["textOriginal"] == "Great video"
    assert page.cursor == "2025-03-04T09:45:00+00:00"


def test_metrics_from_data_and_analytics_apis() -> None:
    with google_replay("youtube", "metrics") as http:
        metrics = mocked(http).fetch_metrics(today=dt.date(2025, 3, 4))
    assert (metrics.followers, metrics.video_views, metrics.watch_time_minutes, metrics.engagements) == (
        6210,
        18250,
        40110,
        500,
    )
    # Each of the latest uploads' views to date; a video the statistics did not answer for is left out.
    assert YouTubeConnector.posts_reach(metrics.raw) == {"Fc2026thU1a": 1204, "Rec1ycle20x": 8790}


def test_videos_without_a_view_count_are_left_out() -> None:
    hidden = {"items": [{"id": "Fc2026thU1a", "statistics": {"likeCount": "3"}}, {"id": "x", "statistics": "?"}]}
    assert YouTubeConnector.posts_reach({"videos": hidden}) == YouTubeConnector.posts_reach({}) == {}


def test_expired_token() -> None:
    with google_replay("youtube", "error_expired_token") as http, pytest.raises(ConnectorError) as caught:
        mocked(http).publish(VIDEO)
    assert caught.value.kind == ErrorKind.REAUTHORISE and caught.value.platform_code == "401/authError"


def test_quota_exceeded_waits_for_midnight_pacific() -> None:
    with google_replay("youtube", "error_quota_publish") as http, pytest.raises(ConnectorError) as caught:
        mocked(http).publish(VIDEO)
    assert caught.value.kind == ErrorKind.RETRY
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 25 * 3600


def test_forbidden_is_rejected_with_youtubes_reason() -> None:
    with google_replay("youtube", "error_forbidden") as http, pytest.raises(ConnectorError) as caught:
        mocked(http).publish(OutboundPost(text="Hello", reply_to_external_id="Xy3KjR2mP0a"))
    assert caught.value.kind == ErrorKind.REJECTED and "insufficient permissions" in caught.value.message


def test_missing_scope_needs_reconnecting() -> None:
    with google_replay("youtube", "error_permission") as http, pytest.raises(ConnectorError) as caught:
        mocked(http).publish(VIDEO)
    assert caught.value.kind == ErrorKind.REAUTHORISE and "insufficient authentication scopes" in caught.value.message


def test_rate_limited_read_honours_retry_after(
    monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "youtube", "error_rate_limit_read"):
        metrics = yt.fetch_metrics(today=dt.date(2025, 3, 4))
    assert waits == [7.0] and metrics.followers == 6210
    assert metrics.raw["videos"] == {"items": []}  # a channel naming no uploads playlist: no more calls


def test_quota_on_a_read_is_not_retried_within_the_call(
    monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector, waits: list[float]
) -> None:
    with replay(monkeypatch, "youtube", "error_quota_read"), pytest.raises(ConnectorError) as caught:
        yt.fetch_metrics()
    assert caught.value.kind == ErrorKind.RETRY and waits == []


def test_timeout_on_upload_is_unconfirmed(monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector) -> None:
    with replay(monkeypatch, "youtube", "timeout_publish"), pytest.raises(ConnectorError) as caught:
        yt.publish(VIDEO)
    assert caught.value.kind == ErrorKind.UNCONFIRMED


def test_server_error_on_publish_is_unconfirmed_after_one_call(
    monkeypatch: pytest.MonkeyPatch, yt: YouTubeConnector
) -> None:
    """A 503 does not prove nothing was made: never sent again blindly (the platform takes no idempotency key)."""
    with replay(monkeypatch, "youtube", "server_error_publish") as calls, pytest.raises(ConnectorError) as caught:
        yt.publish(VIDEO)
    assert caught.value.kind == ErrorKind.UNCONFIRMED
    assert [c["url"].split("?")[0] for c in calls.sent].count(
        "https://youtube.googleapis.com/upload/youtube/v3/videos"
    ) == 1


def test_recent_posts_are_the_channels_own_videos() -> None:
    with google_replay("youtube", "recent_posts") as http:
        posts = mocked(http).recent_posts(since=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    (video,) = posts
    assert (video.external_id, video.url) == ("bInVideo001", "https://www.youtube.com/watch?v=bInVideo001")
    assert "Ninety seconds on what goes in which bin." in video.text
    assert video.created_at == dt.datetime(2026, 3, 2, 9, 30, 5, tzinfo=dt.UTC)
