"""The optional parts of each platform's daily snapshot (recorded answers): refused or not given this
time, such a part is left out with its reason and the followers are still read; a connection no longer
accepted, or a failure of the followers' call itself, still fails the snapshot."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.connectors.replay import google_replay, replay
from tests.connectors.test_youtube import mocked
from townsquare.connectors.base import AccountMetrics, ConnectorError, Credentials, ErrorKind
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.facebook.snapshot import FACEBOOK as facebook
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.instagram.snapshot import INSTAGRAM as instagram
from townsquare.connectors.linkedin import reach as linkedin
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.x import reach as x_reach
from townsquare.connectors.x.connector import XConnector
from townsquare.connectors.youtube import reach as youtube_reach
from townsquare.connectors.youtube import window
from townsquare.connectors.youtube.connector import YouTubeConnector

AGAIN = "They will be read again at the next snapshot."
GRAPH = {"client_id": "fb-app-id", "client_secret": "fb-app-secret"}
PAGE_CREDS = {"page_id": "1122334455", "page_token": "page-token", "user_token": "old-user-token"}


def left_out(metrics: AccountMetrics) -> list[tuple[ErrorKind, str]]:
    return [(error.kind, error.message) for error in metrics.left_out]


def temporary(metrics: AccountMetrics, what: str, because: str) -> None:
    """The one part left out for now names itself, says why in the platform's words and when it is read."""
    named = f"{what[:1].upper()}{what[1:]} were not measured in this snapshot: "
    [(kind, message)] = [(k, m) for k, m in left_out(metrics) if m.startswith(named)]
    assert kind == ErrorKind.RETRY and message.endswith(AGAIN)
    assert message.removeprefix(named).startswith(because)


# --- LinkedIn -------------------------------------------------------------------------------------


def test_linkedin_statistics_busy_keep_followers_and_page_views(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    creds = Credentials(data={"access_token": "li-access-1", "organization_id": "2414183"})
    connector = LinkedInConnector(creds, settings={"client_id": "c", "client_secret": "s"}, sleep=waits.append)
    with replay(monkeypatch, "linkedin", "metrics_statistics_busy"):
        metrics = connector.fetch_metrics()
    assert waits == [0.5, 1.0, 2.0]  # the read was tried four times before the part was left out
    assert (metrics.followers, metrics.profile_views, metrics.impressions, metrics.reach) == (8841, 644, None, None)
    assert metrics.raw["shares"] is None and LinkedInConnector.posts_reach(metrics.raw) == {}
    temporary(metrics, linkedin.WHAT, "LinkedIn had a temporary problem (Service Unavailable).")
    assert metrics.refused == []


# --- YouTube --------------------------------------------------------------------------------------


@pytest.mark.parametrize("recorded", ["metrics_analytics_refused", "metrics_analytics_not_enabled"])
def test_youtube_analytics_refused_keep_subscribers_and_the_videos_views(recorded: str) -> None:
    with google_replay("youtube", recorded) as http:
        metrics = mocked(http).fetch_metrics(today=dt.date(2025, 3, 4))
    assert metrics.followers == 6210
    assert (metrics.video_views, metrics.watch_time_minutes, metrics.engagements) == (None, None, None)
    assert YouTubeConnector.posts_reach(metrics.raw) == {"Fc2026thU1a": 1204, "Rec1ycle20x": 8790}
    assert metrics.raw["analytics"] is None
    assert left_out(metrics) == [(ErrorKind.REJECTED, window.REFUSED)]
    assert "YouTube Analytics" in window.REFUSED and "Subscribers and the videos' views are still measured" in (
        window.REFUSED
    )


def test_youtube_analytics_busy_and_videos_quota_spent_keep_subscribers() -> None:
    with google_replay("youtube", "metrics_analytics_busy_videos_quota") as http:
        metrics = mocked(http).fetch_metrics(today=dt.date(2025, 3, 4))
    assert (metrics.followers, metrics.video_views, metrics.watch_time_minutes) == (6210, None, None)
    assert metrics.raw["videos"] is None and YouTubeConnector.posts_reach(metrics.raw) == {}
    temporary(metrics, window.WHAT, "YouTube had a temporary problem (Backend Error).")
    temporary(metrics, youtube_reach.WHAT, "YouTube's daily quota for Townsquare is used up")


# --- Facebook -------------------------------------------------------------------------------------


def facebook_page() -> FacebookConnector:
    return FacebookConnector(Credentials(data=PAGE_CREDS), settings=GRAPH, sleep=pytest.fail)


def test_facebook_insights_refused_keep_followers_likes_and_the_posts_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "facebook", "metrics_insights_refused"):
        metrics = facebook_page().fetch_metrics()
    assert (metrics.followers, metrics.page_likes, metrics.reach, metrics.engagements) == (12840, 12011, None, None)
    assert FacebookConnector.posts_reach(metrics.raw) == {"1122334455_2001": 4312, "1122334455_2002": 978}
    assert left_out(metrics) == [(ErrorKind.REJECTED, facebook.insights_refused)]


def test_facebook_insights_throttled_and_posts_refused_keep_followers(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "facebook", "metrics_insights_throttled_posts_refused"):
        metrics = facebook_page().fetch_metrics()  # Graph's ten minutes are not waited for: no sleep
    assert (metrics.followers, metrics.page_likes, metrics.profile_views, metrics.video_views) == (
        12840,
        12011,
        None,
        None,
    )
    assert metrics.raw["posts"] is None and FacebookConnector.posts_reach(metrics.raw) == {}
    temporary(metrics, facebook.insights_what, "Facebook's rate limit was reached")
    assert [e.message for e in metrics.refused] == [facebook.posts_refused]


def test_facebook_expired_session_on_the_insights_fails_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "facebook", "metrics_insights_expired"), pytest.raises(ConnectorError) as caught:
        facebook_page().fetch_metrics()
    assert caught.value.kind == ErrorKind.REAUTHORISE and caught.value.platform_code == "190/463"


# --- Instagram ------------------------------------------------------------------------------------


def instagram_account(waits: list[float]) -> InstagramConnector:
    creds = Credentials(data={**PAGE_CREDS, "ig_user_id": "17841400000000001", "username": "riversidedc"})
    return InstagramConnector(creds, settings=GRAPH, sleep=waits.append)


def test_instagram_insights_busy_and_media_refused_keep_followers(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    with replay(monkeypatch, "instagram", "metrics_insights_busy_media_refused"):
        metrics = instagram_account(waits).fetch_metrics()
    assert waits == [0.5, 1.0, 2.0]
    assert (metrics.followers, metrics.reach, metrics.impressions, metrics.profile_views) == (5320, None, None, None)
    assert InstagramConnector.posts_reach(metrics.raw) == {}
    temporary(metrics, instagram.insights_what, "Instagram had a temporary problem")
    assert [e.message for e in metrics.refused] == [instagram.posts_refused]


def test_instagram_followers_call_failing_fails_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    with replay(monkeypatch, "instagram", "metrics_followers_busy"), pytest.raises(ConnectorError) as caught:
        instagram_account([]).fetch_metrics()
    assert caught.value.kind == ErrorKind.RETRY


def test_every_refusal_says_what_is_still_measured() -> None:
    for message in (linkedin.REFUSED, linkedin.PAGE_REFUSED, facebook.insights_refused, instagram.posts_refused):
        assert "still measured" in message and "Reconnect" in message


# --- X --------------------------------------------------------------------------------------------


def test_x_posts_throttled_keep_the_followers(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    creds = Credentials(data={"access_token": "x-access-1", "refresh_token": "x-refresh-1"})
    with replay(monkeypatch, "x", "metrics_tweets_throttled"):
        metrics = XConnector(creds, settings={"client_id": "c"}, sleep=waits.append).fetch_metrics()
    assert waits == []  # X's fifteen minutes are not waited for within the snapshot
    assert (metrics.followers, metrics.impressions, metrics.engagements) == (20411, None, None)
    assert metrics.raw["tweets"] is None and XConnector.posts_reach(metrics.raw) == {}
    temporary(metrics, x_reach.WHAT, "X's rate limit was reached.")
