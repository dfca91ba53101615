"""Live-stream events: agreed with the Portfolio Holder before they are ready, figures only afterwards, all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.meetings.models import LiveStream
from townsquare.meetings.streams import (
    live_stream_agree,
    live_stream_announce,
    live_stream_create,
    live_stream_set_status,
    live_stream_update,
    viewing_figures_record,
)
from townsquare.publishing.models import Post

ITEM = "Item 7: Riverside Leisure Centre future options"
URL = "https://www.facebook.com/RiversideBins/live"


@pytest.fixture
def stream(make_meeting, people, channel):
    meeting = make_meeting()
    return live_stream_create(actor=people.comms, meeting=meeting, agenda_item=ITEM, channel=channel)


def _actions(stream):
    return list(
        AuditEvent.objects.filter(object_type="meetings.livestream", object_id=str(stream.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_stream_cannot_be_ready_agreed_or_live_until_someone_agreed_the_item(stream, people):
    assert stream.status == LiveStream.Status.PLANNED and stream.platform == "facebook"
    for status in (LiveStream.Status.AGREED, LiveStream.Status.LIVE, LiveStream.Status.FINISHED):
        with pytest.raises(ValidationError):
            live_stream_set_status(actor=people.comms, stream=stream, status=status)
    with pytest.raises(ValidationError, match="Say who agreed"):
        live_stream_agree(actor=people.comms, stream=stream, agreed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="role"):
        live_stream_agree(
            actor=people.comms, stream=stream, agreed_on=timezone.localdate(), agreed_by_name="Cllr Alan Reid"
        )
    with pytest.raises(ValidationError, match="future"):
        live_stream_agree(
            actor=people.comms,
            stream=stream,
            agreed_by=people.councillor,
            agreed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    for nobody in (people.outsider, people.auditor, people.officer):  # no role that agrees streaming here
        with pytest.raises(ValidationError, match="Choose a councillor or an officer"):
            live_stream_agree(actor=people.comms, stream=stream, agreed_by=nobody, agreed_on=timezone.localdate())
    stream.refresh_from_db()
    assert stream.status == LiveStream.Status.PLANNED and not stream.agreed
    assert _actions(stream) == ["live_stream.created"]


def test_the_full_lifecycle_with_the_portfolio_holders_agreement_and_figures(stream, people):
    agreed = live_stream_agree(
        actor=people.comms,
        stream=stream,
        agreed_by=people.councillor,
        agreed_by_role="Portfolio Holder for Communications",
        agreed_on=timezone.localdate() - dt.timedelta(days=2),
    )
    assert agreed.status == LiveStream.Status.AGREED and agreed.agreed
    assert agreed.agreed_by_label == "Councillor Person, Portfolio Holder for Communications"
    assert agreed.agreement_recorded_by == people.comms
    with pytest.raises(ValidationError, match="stream link"):
        live_stream_set_status(actor=people.comms, stream=agreed, status=LiveStream.Status.LIVE)
    with pytest.raises(ValidationError, match="after the stream has finished"):
        viewing_figures_record(
            actor=people.comms,
            stream=agreed,
            peak_concurrent_viewers=1,
            total_views=2,
            average_watch_seconds=3,
            source="Facebook",
            read_on=timezone.localdate(),
        )
    live_stream_update(actor=people.comms, stream=agreed, agenda_item=ITEM, channel=agreed.channel, stream_url=URL)
    # The meeting is ten days ahead in this fixture: not live, nor finished, until it is near.
    for status, words in ((LiveStream.Status.LIVE, "from an hour before"), (LiveStream.Status.FINISHED, "after it")):
        with pytest.raises(ValidationError, match=words):
            live_stream_set_status(actor=people.comms, stream=agreed, status=status)
    agreed.meeting.starts_at = timezone.now() + dt.timedelta(minutes=30)
    agreed.meeting.save()
    live = live_stream_set_status(actor=people.comms, stream=agreed, status=LiveStream.Status.LIVE)
    with pytest.raises(ValidationError, match="cannot change"):
        live_stream_update(
            actor=people.comms, stream=live, agenda_item="Item 8: something else", channel=live.channel, stream_url=URL
        )
    with pytest.raises(ValidationError, match="after it"):
        live_stream_set_status(actor=people.comms, stream=live, status=LiveStream.Status.FINISHED)
    live.meeting.starts_at = timezone.now() - dt.timedelta(hours=2)
    live.meeting.save()
    finished = live_stream_set_status(actor=people.comms, stream=live, status=LiveStream.Status.FINISHED)
    with pytest.raises(ValidationError):
        live_stream_set_status(actor=people.comms, stream=finished, status=LiveStream.Status.LIVE)
    figures = viewing_figures_record(
        actor=people.comms,
        stream=finished,
        peak_concurrent_viewers=212,
        total_views=1480,
        average_watch_seconds=4 * 60 + 30,
        source="Facebook Live video insights",
        read_on=timezone.localdate(),
    )
    assert figures.average_watch_label == "4:30" and figures.entered_by == people.comms
    assert _actions(stream) == [
        "live_stream.created",
        "live_stream.agreed",
        "live_stream.updated",
        "live_stream.live",
        "live_stream.finished",
        "live_stream.figures_recorded",
    ]
    agreed_event = AuditEvent.objects.get(action="live_stream.agreed", object_id=str(stream.pk))
    assert agreed_event.after["agreed_by_id"] == people.councillor.pk
    assert "Portfolio Holder" in agreed_event.reason
    figures_event = AuditEvent.objects.get(action="live_stream.figures_recorded")
    assert figures_event.after["total_views"] == 1480 and figures_event.after["source"].startswith("Facebook")


def test_figures_are_checked(stream, people):
    live_stream_agree(
        actor=people.comms,
        stream=stream,
        agreed_by_name="Cllr Alan Reid",
        agreed_by_role="Portfolio Holder",
        agreed_on=timezone.localdate(),
    )
    stream.meeting.starts_at = timezone.now() - dt.timedelta(minutes=1)
    stream.meeting.save()
    stream = live_stream_set_status(actor=people.comms, stream=stream, status=LiveStream.Status.FINISHED)
    meeting_day = timezone.localtime(stream.meeting.starts_at).date()
    with pytest.raises(ValidationError) as raised:
        viewing_figures_record(
            actor=people.comms,
            stream=stream,
            peak_concurrent_viewers=500,
            total_views=20,
            average_watch_seconds=60,
            source=" ",
            read_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert len(raised.value.messages) == 3  # peak above total, no source, a future date
    with pytest.raises(ValidationError, match="before the meeting"):
        viewing_figures_record(
            actor=people.comms,
            stream=stream,
            peak_concurrent_viewers=5,
            total_views=20,
            average_watch_seconds=60,
            source="YouTube Studio",
            read_on=meeting_day - dt.timedelta(days=1),
        )
    assert not stream.figures.exists()


def test_changing_the_item_clears_the_agreement(stream, people):
    live_stream_agree(
        actor=people.comms,
        stream=stream,
        agreed_by_name="Cllr Alan Reid",
        agreed_by_role="Portfolio Holder for Communications",
        agreed_on=timezone.localdate(),
    )
    changed = live_stream_update(
        actor=people.comms, stream=stream, agenda_item="Item 9: Budget", channel=stream.channel, stream_url=URL
    )
    assert changed.status == LiveStream.Status.PLANNED and not changed.agreed
    event = AuditEvent.objects.filter(action="live_stream.updated", object_id=str(stream.pk)).get()
    assert "agree the new item" in event.reason and event.before["agreed_by_name"] == "Cllr Alan Reid"
    # Only the link changing keeps the agreement.
    live_stream_agree(actor=people.comms, stream=changed, agreed_by=people.councillor, agreed_on=timezone.localdate())
    kept = live_stream_update(
        actor=people.comms,
        stream=changed,
        agenda_item="Item 9: Budget",
        channel=None,
        platform="youtube",
        stream_url="https://www.youtube.com/live/abc",
    )
    assert kept.agreed and kept.status == LiveStream.Status.AGREED and kept.platform == "youtube"


def test_cancel_and_reinstate_keeps_the_recorded_agreement(stream, people):
    live_stream_agree(actor=people.comms, stream=stream, agreed_by=people.councillor, agreed_on=timezone.localdate())
    cancelled = live_stream_set_status(
        actor=people.comms, stream=stream, status=LiveStream.Status.CANCELLED, reason="Item withdrawn"
    )
    back = live_stream_set_status(actor=people.comms, stream=cancelled, status=LiveStream.Status.PLANNED)
    assert back.status == LiveStream.Status.AGREED
    assert AuditEvent.objects.get(action="live_stream.cancelled").reason == "Item withdrawn"


def test_a_stream_needs_an_item_and_a_platform_and_a_channel_of_the_council(make_meeting, people, hillcrest_channel):
    meeting = make_meeting()
    with pytest.raises(ValidationError):
        live_stream_create(actor=people.comms, meeting=meeting, agenda_item=" ", platform="facebook")
    with pytest.raises(ValidationError):
        live_stream_create(actor=people.comms, meeting=meeting, agenda_item=ITEM)
    with pytest.raises(ValidationError):
        live_stream_create(actor=people.comms, meeting=meeting, agenda_item=ITEM, channel=hillcrest_channel)
    assert not LiveStream.objects.exists()


def test_announcements_are_drafted_for_approval_and_linked(stream, people, channel):
    post = live_stream_announce(
        actor=people.comms,
        stream=stream,
        text="Watch Full Council live at 7pm",
        channels=[channel],
        scheduled_for=timezone.now() + dt.timedelta(days=1),
    )
    assert post.status == Post.Status.DRAFT and post.author == people.comms
    assert list(stream.announcements.all()) == [post]
    assert post.source == f"live_stream:{stream.pk}"
    # An administrator may record streams but does not draft: the post is the communications officer's.
    by_admin = live_stream_announce(
        actor=people.admin, stream=stream, text="Reminder", channels=[channel], scheduled_for=None
    )
    assert by_admin.author == people.comms
    event = AuditEvent.objects.filter(action="live_stream.announcement_drafted").order_by("seq").last()
    assert event.actor == people.admin and event.after["post_id"] == by_admin.pk
    with pytest.raises(ValidationError):
        live_stream_announce(actor=people.comms, stream=stream, text="x", channels=[], scheduled_for=None)


def test_who_agreed_offers_only_councillors_and_officers_who_may_agree(stream, people, client_for):
    from django.urls import reverse

    page = client_for(people.comms).get(reverse("meetings:stream_agree", kwargs={"slug": "riverside", "pk": stream.pk}))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Councillor Person" in body and "Comms Person" in body
    assert "Auditor Person" not in body and "Officer Person" not in body
