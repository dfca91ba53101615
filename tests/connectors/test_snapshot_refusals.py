"""A daily snapshot whose statistics the platform refuses or cannot give this time (recorded answers):
the followers are still kept, the posts stay published, not measured (never 0), and the channel page
says why until a later snapshot is taken whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.connectors.replay import google_replay, replay
from tests.connectors.test_youtube import mocked
from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind
from townsquare.connectors.crypto import credentials_encrypt
from townsquare.connectors.linkedin import reach
from townsquare.connectors.models import Connection
from townsquare.connectors.selectors import channels_due_for_calls
from townsquare.connectors.services import connection_record_error
from townsquare.connectors.snapshot_parts import part_left_out
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


NO_ERROR = '<dt class="govuk-summary-list__key">Last error</dt><dd class="govuk-summary-list__value">None</dd>'


def page_of(client_for, people, channel: Channel) -> str:
    return str(
        client_for(people.comms).get(reverse("channels:detail", args=["riverside", channel.pk])).content.decode()
    )


def test_statistics_throttled_keep_the_followers_and_are_read_at_the_next_snapshot(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel, people, client_for
) -> None:
    with replay(monkeypatch, "linkedin", "metrics_post_statistics_throttled"):
        snapshot = metrics_take(channel=li_channel)
    assert snapshot is not None and (snapshot.followers, snapshot.impressions, snapshot.profile_views) == (
        8841,
        15500,
        644,
    )
    assert DailyMeasure.objects.get(channel=li_channel, metric="followers").value == 8841
    assert snapshot.raw["post_statistics"] is None and "refused" not in snapshot.raw
    [failed] = snapshot.raw["failed"]
    assert failed.startswith(
        "The posts' statistics (impressions, reach, engagements) were not measured in this snapshot:"
    )
    assert "LinkedIn's rate limit was reached" in failed and failed.endswith("read again at the next snapshot.")
    assert not PostReach.objects.filter(target__channel=li_channel).exists()  # published, not measured
    connection = Connection.objects.get(channel=li_channel)
    assert connection.state == Channel.Connection.CONNECTED
    assert (connection.last_error_message, connection.last_error_kind) == (failed, ErrorKind.RETRY)
    # LinkedIn's limit on the statistics calls holds back none of the channel's other work.
    assert connection.rate_resets_at is None and li_channel in channels_due_for_calls()
    assert "read again at the next snapshot" in page_of(client_for, people, li_channel)

    with replay(monkeypatch, "linkedin", "metrics"):  # the next run: LinkedIn gives them again
        assert metrics_take(channel=li_channel) is not None
    assert PostReach.objects.get(target__channel=li_channel).reach == 1310
    connection.refresh_from_db()
    assert (connection.last_error_message, connection.last_error_at, connection.last_error_source) == ("", None, "")
    page = page_of(client_for, people, li_channel)
    assert NO_ERROR in page and "read again at the next snapshot" not in page


def test_a_refusal_shows_until_a_snapshot_is_taken_whole(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel, people, client_for
) -> None:
    with replay(monkeypatch, "linkedin", "metrics_statistics_refused"):
        metrics_take(channel=li_channel)
    assert reach.REFUSED[:40] in page_of(client_for, people, li_channel)
    with replay(monkeypatch, "linkedin", "metrics"):  # reconnected with the statistics permission
        metrics_take(channel=li_channel)
    page = page_of(client_for, people, li_channel)
    assert NO_ERROR in page and reach.REFUSED[:40] not in page


def test_a_failed_followers_call_fails_the_snapshot_until_one_is_taken_whole(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel, people, client_for
) -> None:
    with replay(monkeypatch, "linkedin", "metrics_followers_throttled"):
        assert metrics_take(channel=li_channel) is None
    assert MetricSnapshot.objects.filter(channel=li_channel).count() == 1  # only yesterday's
    assert not DailyMeasure.objects.filter(channel=li_channel).exists()
    connection = Connection.objects.get(channel=li_channel)
    assert connection.last_error_kind == ErrorKind.RETRY and "rate limit" in connection.last_error_message
    assert li_channel not in channels_due_for_calls()  # LinkedIn's wait for the followers call is honoured
    assert "rate limit" in page_of(client_for, people, li_channel)

    with replay(monkeypatch, "linkedin", "metrics"):  # taken again at the next run
        assert metrics_take(channel=li_channel) is not None
    connection.refresh_from_db()
    assert connection.last_error_message == "" and NO_ERROR in page_of(client_for, people, li_channel)


def test_an_expired_token_on_the_statistics_fails_the_snapshot_and_asks_for_reconnection(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel
) -> None:
    with replay(monkeypatch, "linkedin", "metrics_post_statistics_expired"):
        assert metrics_take(channel=li_channel) is None
    assert MetricSnapshot.objects.filter(channel=li_channel).count() == 1
    connection = Connection.objects.get(channel=li_channel)
    assert connection.state == Channel.Connection.NEEDS_RECONNECTING
    assert connection.last_error_kind == ErrorKind.REAUTHORISE


def test_a_whole_snapshot_leaves_another_calls_error_alone(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel
) -> None:
    connection_record_error(li_channel, ConnectorError(ErrorKind.REJECTED, "LinkedIn refused the post: too long"))
    with replay(monkeypatch, "linkedin", "metrics"):
        assert metrics_take(channel=li_channel) is not None
    assert Connection.objects.get(channel=li_channel).last_error_message == "LinkedIn refused the post: too long"


def test_youtube_videos_statistics_refused_keep_the_subscribers() -> None:
    with google_replay("youtube", "metrics_videos_refused") as http:
        metrics = mocked(http).fetch_metrics(today=dt.date(2025, 3, 4))
    assert (metrics.followers, metrics.video_views) == (6210, 18250)
    assert metrics.raw["videos"] is None and YouTubeConnector.posts_reach(metrics.raw) == {}
    assert [(e.kind, e.message) for e in metrics.left_out] == [(ErrorKind.REJECTED, youtube_reach.REFUSED)]


def test_an_expired_connection_still_fails_the_snapshot_and_a_temporary_problem_leaves_the_part_out() -> None:
    for kind, code in ((ErrorKind.REAUTHORISE, "401/EXPIRED_ACCESS_TOKEN"), (ErrorKind.DISCONNECT, "404")):
        with pytest.raises(ConnectorError) as caught:
            part_left_out(ConnectorError(kind, "as the platform said", platform_code=code), refused="no", what="it")
        assert caught.value.kind == kind
    refused = ConnectorError(
        ErrorKind.REAUTHORISE, "refused", platform_code="403/ACCESS_DENIED", missing_permission=True
    )
    made = part_left_out(refused, refused="why", what="the posts' statistics")
    assert (made.kind, made.message, made.platform_code) == (ErrorKind.REJECTED, "why", "403/ACCESS_DENIED")
    quota = ConnectorError(ErrorKind.RETRY, "YouTube's daily quota is used up.", platform_code="403/quotaExceeded")
    made = part_left_out(quota, refused="why", what="the videos' views")
    assert (made.kind, made.platform_code) == (ErrorKind.RETRY, "403/quotaExceeded")
    assert made.message == (
        "The videos' views were not measured in this snapshot: YouTube's daily quota is used up. "
        "They will be read again at the next snapshot."
    )


def test_days_not_given_keep_the_snapshot_and_are_asked_for_at_the_next_one(
    monkeypatch: pytest.MonkeyPatch, li_channel: Channel, people, client_for
) -> None:
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    MetricSnapshot.objects.filter(channel=li_channel).update(raw={DAILY_UNTIL: three_days_ago.isoformat()})
    with replay(monkeypatch, "linkedin", "metrics", "daily_throttled"):
        snapshot = metrics_take(channel=li_channel)
    assert snapshot is not None and snapshot.followers == 8841 and DAILY_UNTIL not in snapshot.raw
    connection = Connection.objects.get(channel=li_channel)
    assert connection.last_error_message.startswith("The figures by day were not read in this snapshot: LinkedIn's")
    assert connection.last_error_message.endswith("asked for again at the next snapshot.")
    assert connection.last_error_kind == ErrorKind.RETRY and li_channel in channels_due_for_calls()
    assert "The figures by day were not read" in page_of(client_for, people, li_channel)
