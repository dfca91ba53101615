"""A daily snapshot whose statistics the platform refuses (recorded answers): the followers are still
kept, the posts stay published, not measured (never 0), and the channel page says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.connectors.replay import google_replay, replay
from tests.connectors.test_youtube import mocked
from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, part_refused
from townsquare.connectors.crypto import credentials_encrypt
from townsquare.connectors.linkedin import reach
from townsquare.connectors.models import Connection
from townsquare.connectors.upkeep import metrics_take
from townsquare.connectors.youtube import reach as youtube_reach
from townsquare.connectors.youtube.connector import YouTubeConnector
from townsquare.measures.models import DailyMeasure, MetricSnapshot, PostReach
from townsquare.measures.services import DAILY_UNTIL
from townsquare.publishing.models import Post, PostTarget

MEASURED = "urn:li:share:7301000000000000001"  # a post the statistics would name


@pytest.fixture
def li_channel(riverside, people) -> Channel:
    channel = Channel.objects.create(
        council=riverside, platform="linkedin", name="Riverside on LinkedIn", handle="riverside-district-council"
    )
    credentials = Credentials(
        data={
            "access_token": "li-access-1",
            "refresh_token": "li-refresh-1",
            "organization_id": "2414183",
            "vanity_name": "riverside-district-council",
        }
    )
    Connection.objects.create(
        channel=channel, state=Channel.Connection.CONNECTED, credentials_encrypted=credentials_encrypt(credentials)
    )
    # Measured yesterday, days included: today's snapshot asks LinkedIn for no days.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    MetricSnapshot.objects.create(channel=channel, taken_at=timezone.now(), raw={DAILY_UNTIL: yesterday.isoformat()})
    post = Post.objects.create(council=riverside, author=people.comms, text="Bin collections move")
    PostTarget.objects.create(post=post, channel=channel, external_id=MEASURED, status=PostTarget.Status.PUBLISHED)
    return channel


@pytest.mark.parametrize("recorded", ["metrics_statistics_refused", "metrics_post_statistics_refused"])
def test_refused_statistics_keep_the_followers_and_say_why(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel, people, client_for, recorded: str
) -> None:
    with replay(monkeypatch, "linkedin", recorded):
        snapshot = metrics_take(channel=li_channel)
    assert snapshot is not None and snapshot.followers == 8841
    assert DailyMeasure.objects.get(channel=li_channel, metric="followers").value == 8841
    assert snapshot.raw["post_statistics"] is None and snapshot.raw["refused"] == [reach.REFUSED]
    assert not PostReach.objects.filter(target__channel=li_channel).exists()  # published, not measured
    connection = Connection.objects.get(channel=li_channel)
    assert connection.state == Channel.Connection.CONNECTED  # still publishes and measures followers
    assert connection.last_error_message == reach.REFUSED and connection.last_error_kind == ErrorKind.REJECTED
    page = client_for(people.comms).get(reverse("channels:detail", args=["riverside", li_channel.pk]))
    assert "LinkedIn did not let Townsquare read post statistics" in page.content.decode()


def test_youtube_videos_statistics_refused_keep_the_subscribers() -> None:
    with google_replay("youtube", "metrics_videos_refused") as http:
        metrics = mocked(http).fetch_metrics(today=dt.date(2025, 3, 4))
    assert (metrics.followers, metrics.video_views) == (6210, 18250)
    assert metrics.raw["videos"] is None and YouTubeConnector.posts_reach(metrics.raw) == {}
    assert [(e.kind, e.message) for e in metrics.refused] == [(ErrorKind.REJECTED, youtube_reach.REFUSED)]


def test_an_expired_connection_or_a_temporary_problem_still_fails_the_snapshot() -> None:
    for kind, code in ((ErrorKind.REAUTHORISE, "401/EXPIRED_ACCESS_TOKEN"), (ErrorKind.RETRY, "403/quotaExceeded")):
        with pytest.raises(ConnectorError) as caught:
            part_refused(ConnectorError(kind, "as the platform said", platform_code=code), "left out")
        assert caught.value.kind == kind
    made = part_refused(ConnectorError(ErrorKind.REAUTHORISE, "refused", platform_code="403/ACCESS_DENIED"), "why")
    assert (made.kind, made.message, made.platform_code) == (ErrorKind.REJECTED, "why", "403/ACCESS_DENIED")
