"""Inbox performance (volume, sentiment, first response and resolution against the target) from the
inbox's monthly summaries, and democratic engagement from the meetings' streams, on the dashboard
and in the quarterly report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Service
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import item_status_set
from townsquare.measures.engagement import democratic_engagement, inbox_performance
from townsquare.measures.inbox import inbox_summaries_rebuild, inbox_summaries_refresh
from townsquare.measures.models import InboxMonthly
from townsquare.measures.periods import Quarter
from townsquare.measures.report import report_build, report_csv, report_html
from townsquare.measures.selectors import Scope


def _item(channel: Channel, n: int, sentiment: str, service: Service | None = None) -> ReceivedItem:
    return ReceivedItem.objects.create(
        council=channel.council,
        channel=channel,
        external_id=f"m{n}",
        kind="mention",
        text="The bins were missed",
        sentiment=sentiment,
        service=service,
    )


def _at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@pytest.fixture
def worked(monkeypatch: pytest.MonkeyPatch, channel: Channel, people: SimpleNamespace, riverside: Council) -> Quarter:
    """Three items received on 1 February 2016 at 09:00: one answered in 2 hours then resolved at
    26 hours, one answered in 30 hours (over the 24-hour target), one not answered."""
    waste = Service.objects.create(council=riverside, name="Waste")
    start = dt.datetime(2016, 2, 1, 9, tzinfo=dt.UTC)
    _at(monkeypatch, start)
    quick, slow = _item(channel, 1, "negative", waste), _item(channel, 2, "positive")
    _item(channel, 3, "neutral", waste)
    for hours, item, status in [
        (2, quick, "awaiting_resident"),
        (3, quick, "awaiting_reply"),
        (26, quick, "resolved"),
        (30, slow, "awaiting_resident"),
    ]:
        _at(monkeypatch, start + dt.timedelta(hours=hours))
        item_status_set(actor=people.officer, item=item, status=status)
    monkeypatch.undo()
    return Quarter(2016, 1)


def test_the_months_follow_items_and_status_changes(worked: Quarter, riverside: Council) -> None:
    done = inbox_summaries_refresh()
    assert (done.items, done.events, done.months) == (3, 4, 1)
    now, before = inbox_performance(scope=Scope(riverside), quarter=worked)
    assert (now.received, now.responded, now.responded_in_target, now.resolved) == (3, 2, 1, 1)
    assert now.first_response_hours == 16.0  # (2 + 30) / 2: the first answer counts, not the later ones
    assert now.resolution_hours == 26.0 and now.in_target_percent == 50
    assert (now.positive_percent, now.neutral_percent, now.negative_percent) == (33, 33, 33)
    assert before.received == 0 and before.first_response_hours is None
    waste = Service.objects.get(name="Waste")
    by_service, _ = inbox_performance(scope=Scope(riverside, service_id=waste.pk), quarter=worked)
    assert (by_service.received, by_service.resolved) == (2, 1)
    assert inbox_summaries_refresh().months == 0  # nothing new: nothing read again


def test_rebuild_gives_the_same_months(worked: Quarter) -> None:
    inbox_summaries_refresh()
    fields = ["channel_id", "service_key", "month", "received", "responded", "response_seconds", "resolved"]
    kept = set(InboxMonthly.objects.values_list(*fields))
    InboxMonthly.objects.all().delete()
    assert inbox_summaries_rebuild() == 2
    assert set(InboxMonthly.objects.values_list(*fields)) == kept


def test_items_still_in_the_pipeline_wait_for_the_next_run(channel: Channel) -> None:
    _item(channel, 9, "neutral")
    assert inbox_summaries_refresh(now=timezone.now()).items == 0
    assert inbox_summaries_refresh(now=timezone.now() + dt.timedelta(minutes=5)).items == 1


def test_dashboard_and_report_show_inbox_performance_and_meetings(
    worked: Quarter, riverside: Council, channel: Channel, people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    from townsquare.meetings.models import LiveStream, Meeting, ViewingFigures

    inbox_summaries_refresh()
    meeting = Meeting.objects.create(
        council=riverside,
        committee="Full Council",
        source="demo",
        starts_at=dt.datetime(2016, 3, 10, 18, tzinfo=dt.UTC),
    )
    stream = LiveStream.objects.create(
        council=riverside, meeting=meeting, agenda_item="Budget", platform="youtube", status=LiveStream.Status.FINISHED
    )
    for views, read_on in [(120, dt.date(2016, 3, 11)), (340, dt.date(2016, 3, 20))]:
        ViewingFigures.objects.create(
            stream=stream,
            peak_concurrent_viewers=45,
            total_views=views,
            average_watch_seconds=600,
            source="YouTube Studio",
            read_on=read_on,
        )
    assert democratic_engagement(scope=Scope(riverside), quarter=worked).stream_views == 340  # the latest reading
    body = client_for(people.councillor).get("/c/riverside/measures/?quarter=2016Q1").content.decode()
    assert 'id="inbox-performance"' in body and "16.0 hours" in body and "within the target of 24 hours" in body
    assert (
        'id="democratic-engagement"' in body and '<td class="govuk-table__cell govuk-table__cell--numeric">340' in body
    )
    report = report_build(council=riverside, quarter=worked)
    html = report_html(report)
    assert "Inbox performance" in html and "16.0 hours" in html and "Live-stream views" in html
    assert "inbox,messages_received" in report_csv(report).replace('"', "")


def test_the_inbox_summaries_are_repaired_hourly() -> None:
    """The inbox keeps them in step (test_inbox_live.py); the job recomputes what changed since."""
    from townsquare.jobs.registry import resolve
    from townsquare.jobs.schedule import PERIODIC
    from townsquare.measures.jobs import inbox_refresh

    assert PERIODIC["measures.inbox_refresh"] == 3600
    assert resolve("measures.inbox_refresh") is inbox_refresh
