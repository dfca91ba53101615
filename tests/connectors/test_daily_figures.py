"""Figures by day from each platform that keeps them (recorded answers), and the daily snapshot that
backfills them on the first connection and asks from the day after on the next."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.connectors.replay import google_replay, replay
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountMetrics, Connector, Credentials, DailyFigure
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.instagram.connector import InstagramConnector
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.upkeep import metrics_take
from townsquare.connectors.youtube.connector import YouTubeConnector
from townsquare.measures.models import DailyMeasure, MonthlyMeasure

MARCH = [dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)]


def _by(figures: list[DailyFigure]) -> dict[tuple[str, dt.date], int]:
    return {(f.metric, f.day): f.value for f in figures}


def test_facebook_page_follows_and_media_views_by_day(monkeypatch: pytest.MonkeyPatch) -> None:
    creds = Credentials(data={"page_id": "1122334455", "page_token": "page-token", "user_token": "u"})
    fb = FacebookConnector(creds, settings={"client_id": "a", "client_secret": "b"}, sleep=lambda _: None)
    with replay(monkeypatch, "facebook", "daily"):
        found = _by(fb.fetch_daily(since=MARCH[0], until=MARCH[-1]))
    assert found[("followers", MARCH[0])] == 12801 and found[("followers", MARCH[-1])] == 12840
    assert [found[("impressions", day)] for day in MARCH] == [3100, 2950, 4012]
    assert fb.daily_history_days >= 365


def test_instagram_views_not_impressions_by_day(monkeypatch: pytest.MonkeyPatch) -> None:
    creds = Credentials(data={"ig_user_id": "17841400000000001", "page_id": "1", "page_token": "t", "user_token": "u"})
    ig = InstagramConnector(creds, settings={"client_id": "a", "client_secret": "b"}, sleep=lambda _: None)
    with replay(monkeypatch, "instagram", "daily"):
        found = _by(ig.fetch_daily(since=MARCH[0], until=MARCH[1]))
    assert found == {
        ("impressions", MARCH[0]): 5210,
        ("reach", MARCH[0]): 1800,
        ("impressions", MARCH[1]): 4875,
        ("reach", MARCH[1]): 1710,
    }


def test_youtube_views_and_minutes_watched_by_day() -> None:
    creds = Credentials(data={"access_token": "yt", "refresh_token": "r", "channel_id": "UC1", "custom_url": "@r"})
    with google_replay("youtube", "daily") as http:
        yt = YouTubeConnector(creds, settings={"client_id": "a", "client_secret": "b"}, http=http)
        found = _by(yt.fetch_daily(since=MARCH[0], until=MARCH[-1]))
    assert [found[("video_views", day)] for day in MARCH] == [640, 702, 588]
    assert [found[("watch_time_minutes", day)] for day in MARCH] == [1410, 1533, 1299]


def test_linkedin_followers_by_day_counted_back_from_today(monkeypatch: pytest.MonkeyPatch) -> None:
    creds = Credentials(
        data={
            "access_token": "li-access-1",
            "refresh_token": "r",
            "organization_id": "2414183",
            "vanity_name": "riverside",
        }
    )
    li = LinkedInConnector(creds, settings={"client_id": "a", "client_secret": "b"}, sleep=lambda _: None)
    with replay(monkeypatch, "linkedin", "daily"):
        found = _by(li.fetch_daily(since=MARCH[0], until=MARCH[-1]))
    # 8,841 now; 23 gained on the 3rd, 7 on the 2nd.
    assert [found[("followers", day)] for day in MARCH] == [8811, 8818, 8841]


class HistoryConnector(Connector):
    """A platform that keeps figures by day, answering from a table (the service is under test here)."""

    platform = "facebook"
    daily_history_days = 5
    asked: list[tuple[dt.date, dt.date]] = []

    def fetch_metrics(self) -> AccountMetrics:
        return AccountMetrics(taken_at=timezone.now(), followers=500, reach=99_999)

    def fetch_daily(self, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
        self.asked.append((since, until))
        days = (until - since).days + 1
        return [DailyFigure(since + dt.timedelta(days=n), "impressions", 100 + n) for n in range(days)]


def test_first_snapshot_backfills_then_the_next_asks_from_the_day_after(
    monkeypatch: pytest.MonkeyPatch, channel: Channel
) -> None:
    HistoryConnector.asked = []
    monkeypatch.setattr("townsquare.connectors.upkeep.connector_for", lambda _: HistoryConnector())
    monkeypatch.setattr("townsquare.connectors.upkeep.connection_record_success", lambda *a: None)
    today = timezone.localdate()
    metrics_take(channel=channel)
    assert HistoryConnector.asked == [(today - dt.timedelta(days=5), today - dt.timedelta(days=1))]
    days = DailyMeasure.objects.filter(channel=channel, metric="impressions")
    assert days.count() == 5
    # The level is today's figure; the snapshot's window total (reach) is not a day's figure.
    assert DailyMeasure.objects.get(channel=channel, metric="followers").day == today
    assert not DailyMeasure.objects.filter(channel=channel, metric="reach").exists()
    assert MonthlyMeasure.objects.filter(channel=channel, metric="impressions").exists()
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with monkeypatch.context() as later:
        later.setattr("django.utils.timezone.now", lambda: tomorrow)
        metrics_take(channel=channel)
    assert HistoryConnector.asked[-1] == (today, today)
    assert days.count() == 6


def test_mastodon_keeps_no_history_so_the_daily_snapshot_builds_it(mastodon, riverside, people) -> None:
    """Against mastodon-mock: the follower count becomes today's figure, with its month and latest."""
    from townsquare.connectors.services import connection_connect_with_secret, connector_for
    from townsquare.measures.models import LatestMeasure

    channel = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside", handle="@riverside", owner=people.officer
    )
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=mastodon.url, secret="riverside_token"
    )
    with pytest.raises(NotImplementedError):
        connector_for(channel).fetch_daily(since=MARCH[0], until=MARCH[-1])
    assert metrics_take(channel=channel) is not None
    today = timezone.localdate()
    assert DailyMeasure.objects.get(channel=channel, metric="followers").day == today
    assert LatestMeasure.objects.get(channel=channel, metric="followers").day == today
    assert MonthlyMeasure.objects.filter(channel=channel, metric="followers", month=today.replace(day=1)).exists()
