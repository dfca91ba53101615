"""Democratic engagement: the reach of meeting-promotion posts, read from the account's snapshot where
the connector fetches each post's figures (X, Facebook, Instagram, LinkedIn, YouTube), summed over the
quarter beside the live-stream views, on the dashboard and in the quarterly report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.test import Client

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.measures.engagement import democratic_engagement
from townsquare.measures.models import PostReach
from townsquare.measures.periods import Quarter
from townsquare.measures.post_reach import posts_reach
from townsquare.measures.report import report_build, report_csv, report_html
from townsquare.measures.selectors import Scope
from townsquare.measures.services import snapshot_record
from townsquare.meetings.models import Meeting, Promotion
from townsquare.publishing.models import Post, PostTarget

Q1 = Quarter(2016, 1)
PUBLISHED = dt.datetime(2016, 3, 9, 12, tzinfo=dt.UTC)


def _published(channel: Channel, author: Any, external_id: str, *, meeting: Meeting | None = None) -> PostTarget:
    post = Post.objects.create(council=channel.council, author=author, text="Full Council on Thursday: watch live")
    if meeting is not None:
        Promotion.objects.create(meeting=meeting, post=post)
    return PostTarget.objects.create(
        post=post, channel=channel, status="published", external_id=external_id, published_at=PUBLISHED
    )


def _snapshot(channel: Channel, impressions: dict[str, Any], day: int) -> None:
    tweets = [{"id": key, "public_metrics": {"impression_count": value}} for key, value in impressions.items()]
    snapshot_record(
        channel=channel,
        taken_at=dt.datetime(2016, 3, day, 6, tzinfo=dt.UTC),
        figures={"followers": 6900},
        raw={"user": {"id": "42"}, "tweets": {"data": tweets}},
    )


def _promoted(riverside: Council, accounts: SimpleNamespace, people: SimpleNamespace) -> Meeting:
    meeting = Meeting.objects.create(
        council=riverside,
        committee="Full Council",
        source="demo",
        starts_at=dt.datetime(2016, 3, 10, 18, tzinfo=dt.UTC),
    )
    _published(accounts.x, people.comms, "1601", meeting=meeting)
    _published(accounts.x, people.comms, "1602")  # not a promotion: its reach is not counted
    _published(accounts.facebook, people.comms, "fb_1", meeting=meeting)  # measured once Facebook's snapshot names it
    return meeting


def test_the_reach_of_promotion_posts_is_summed_for_the_quarter(
    riverside: Council, accounts: SimpleNamespace, people: SimpleNamespace
) -> None:
    _promoted(riverside, accounts, people)
    _snapshot(accounts.x, {"1601": 4200, "1602": 999, "9999": 5, "1603": "many"}, day=11)
    found = democratic_engagement(scope=Scope(riverside), quarter=Q1)
    assert (found.promotion_posts, found.promotion_posts_measured, found.promotion_reach) == (2, 1, 4200)
    _snapshot(accounts.x, {"1601": 5100}, day=20)  # the latest figure stands
    assert democratic_engagement(scope=Scope(riverside), quarter=Q1).promotion_reach == 5100
    assert democratic_engagement(scope=Scope(riverside, platform="facebook"), quarter=Q1).promotion_reach == 0
    assert democratic_engagement(scope=Scope(riverside), quarter=Quarter(2016, 2)).promotion_reach == 0
    assert PostReach.objects.count() == 2  # the two posts the council published that X measured


def test_platforms_without_per_post_figures_give_none() -> None:
    tweets = {"tweets": {"data": [{"id": "1", "public_metrics": {"impression_count": 5}}]}}
    assert posts_reach("mastodon", tweets) == posts_reach("bluesky", tweets) == {}  # they count no views
    assert posts_reach("linkedin", tweets) == posts_reach("facebook", tweets) == posts_reach("nowhere", tweets) == {}
    assert posts_reach("x", {"tweets": "not a list"}) == {}


def _graph(metric: str, figures: dict[str, Any]) -> dict[str, Any]:
    """Graph's posts or media with their insights nested, as the connectors ask for them."""
    rows = [
        {"id": key, "insights": {"data": [{"name": metric, "period": "lifetime", "values": [{"value": value}]}]}}
        for key, value in figures.items()
    ]
    return {"data": [*rows, {"id": "no-insights-yet"}]}


def test_facebook_and_instagram_posts_reach_is_read_from_their_snapshots(
    riverside: Council, accounts: SimpleNamespace, people: SimpleNamespace
) -> None:
    _promoted(riverside, accounts, people)
    posts = _graph("post_total_media_view_unique", {"fb_1": 3100, "fb_2": 12, "fb_3": "lots"})
    snapshot_record(
        channel=accounts.facebook,
        taken_at=dt.datetime(2016, 3, 12, 6, tzinfo=dt.UTC),
        figures={"followers": 12000},
        raw={"page": {"id": "1"}, "insights": {"data": []}, "posts": posts},
    )
    found = democratic_engagement(scope=Scope(riverside), quarter=Q1)
    assert (found.promotion_posts, found.promotion_posts_measured, found.promotion_reach) == (2, 1, 3100)
    _snapshot(accounts.x, {"1601": 4200}, day=13)
    found = democratic_engagement(scope=Scope(riverside), quarter=Q1)
    assert (found.promotion_posts_measured, found.promotion_reach) == (2, 7300)
    assert democratic_engagement(scope=Scope(riverside, platform="facebook"), quarter=Q1).promotion_reach == 3100
    media = _graph("reach", {"17900000000000101": 2210, "17900000000000102": -4})
    assert posts_reach("instagram", {"media": media}) == {"17900000000000101": 2210, "17900000000000102": 0}
    assert posts_reach("instagram", {"media": _graph("impressions", {"1": 5})}) == {}  # a withdrawn metric


def _linkedin_snapshot(channel: Channel, members: dict[str, int], day: int) -> None:
    """LinkedIn's share statistics of the page's newest posts, as its connector keeps them."""
    elements = [
        {
            "ugcPost" if ":ugcPost:" in urn else "share": urn,
            "totalShareStatistics": {"uniqueImpressionsCount": value, "impressionCount": value * 2},
            "organizationalEntity": "urn:li:organization:2414183",
        }
        for urn, value in members.items()
    ]
    snapshot_record(
        channel=channel,
        taken_at=dt.datetime(2016, 3, day, 6, tzinfo=dt.UTC),
        figures={"followers": 8841},
        raw={"network": {"firstDegreeSize": 8841}, "post_statistics": {"elements": elements}},
    )


def _youtube_snapshot(channel: Channel, views: dict[str, int], day: int) -> None:
    """The statistics of the channel's latest uploads, as its connector keeps them."""
    items = [{"id": key, "statistics": {"viewCount": str(value), "likeCount": "3"}} for key, value in views.items()]
    snapshot_record(
        channel=channel,
        taken_at=dt.datetime(2016, 3, day, 6, tzinfo=dt.UTC),
        figures={"followers": 6210},
        raw={"channel": {"id": "UC1"}, "analytics": {}, "videos": {"items": items}},
    )


def test_linkedin_and_youtube_promotion_posts_are_counted_in_the_quarters_reach(
    riverside: Council, accounts: SimpleNamespace, people: SimpleNamespace
) -> None:
    meeting = _promoted(riverside, accounts, people)
    linkedin = Channel.objects.create(
        council=riverside, platform="linkedin", name="Riverside on LinkedIn", handle="riverside-district-council"
    )
    _published(linkedin, people.comms, "urn:li:ugcPost:7302", meeting=meeting)
    unseen = _published(linkedin, people.comms, "urn:li:share:7303", meeting=meeting)  # not in the statistics
    _published(accounts.youtube, people.comms, "Fc2026thU1a", meeting=meeting)
    _linkedin_snapshot(linkedin, {"urn:li:ugcPost:7302": 2875, "urn:li:share:7001": 40}, day=11)
    _youtube_snapshot(accounts.youtube, {"Fc2026thU1a": 1204, "Rec1ycle20x": 8790}, day=11)
    found = democratic_engagement(scope=Scope(riverside), quarter=Q1)
    assert (found.promotion_posts, found.promotion_posts_measured, found.promotion_reach) == (5, 2, 2875 + 1204)

    _linkedin_snapshot(linkedin, {"urn:li:ugcPost:7302": 3010}, day=18)  # the latest figure stands
    _youtube_snapshot(accounts.youtube, {"Fc2026thU1a": 1530}, day=18)
    found = democratic_engagement(scope=Scope(riverside), quarter=Q1)
    assert (found.promotion_posts, found.promotion_posts_measured, found.promotion_reach) == (5, 2, 3010 + 1530)
    on_linkedin = democratic_engagement(scope=Scope(riverside, platform="linkedin"), quarter=Q1)
    assert (on_linkedin.promotion_posts, on_linkedin.promotion_posts_measured, on_linkedin.promotion_reach) == (
        2,
        1,
        3010,
    )
    assert democratic_engagement(scope=Scope(riverside, platform="youtube"), quarter=Q1).promotion_reach == 1530
    assert not PostReach.objects.filter(target=unseen).exists()  # published, not measured
    assert PostReach.objects.get(target__external_id="Fc2026thU1a").read_at.day == 18


def test_dashboard_and_report_show_the_reach_beside_the_streams(
    riverside: Council,
    accounts: SimpleNamespace,
    people: SimpleNamespace,
    record: Callable[..., None],
    client_for: Callable[..., Client],
) -> None:
    record(accounts.youtube, "video_views", {dt.date(2016, 3, 10): 300})
    _promoted(riverside, accounts, people)
    url = "/c/riverside/measures/"
    reader = client_for(people.councillor)
    assert 'id="promotion-reach">0<' in reader.get(url, {"quarter": "2016Q1"}).content.decode()
    _snapshot(accounts.x, {"1601": 4200}, day=11)
    body = reader.get(url, {"quarter": "2016Q1"}).content.decode()  # shown at once, not a minute later
    assert 'id="promotion-reach">4200<' in body and "Reach of meeting-promotion posts" in body
    assert "People who saw the 1 of them whose platform reports it (on X and YouTube, views)" in body
    assert client_for(people.outsider).get(url, {"quarter": "2016Q1"}).status_code == 404
    report = report_build(council=riverside, quarter=Q1)
    worded = "Reach of meeting-promotion posts (people who saw the 1 whose platform reports it; on X and YouTube, views"
    assert worded in report_html(report)
    assert "meetings,promotion_reach,all accounts,,4200" in report_csv(report).replace('"', "")
