"""Demo meetings for Riverside: the Wednesday Full Council with a streamed item, Cabinet and Planning.

Loaded through the same services staff use (import, drafting, stream agreement), so the audit
trail and the approval queue show them as they would be for real.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.meetings.calendar_import import meetings_import
from townsquare.meetings.calendar_io import ParsedMeeting, ParseResult, local_zone
from townsquare.meetings.models import Meeting
from townsquare.meetings.services import (
    meeting_settings_get,
    meeting_settings_update,
    promotion_author,
)
from townsquare.meetings.streams import live_stream_agree, live_stream_announce, live_stream_create

AGENDA = "https://democracy.riverside.example/ieListDocuments.aspx?CId=1&MId={}"


def _next_weekday(today: dt.date, weekday: int, at_least: int) -> dt.date:
    day = today + dt.timedelta(days=at_least)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def meetings_demo_load(council: Council) -> list[Meeting]:
    """Three upcoming meetings with their promotional drafts, and one stream agreed with the Portfolio Holder."""
    zone = local_zone()
    today = timezone.localdate()
    comms = User.objects.get(email="comms@riverside.example")
    portfolio_holder = User.objects.filter(email="councillor@riverside.example").first()
    channels = list(
        Channel.objects.filter(
            council=council,
            status=Channel.Status.ACTIVE,
            platform__in=["facebook", "x", "bluesky"],
            service__name="Communications",
        )
    )
    meeting_settings_get(council=council)
    meeting_settings_update(actor=comms, council=council, feed_url="", default_channels=channels)
    # Far enough ahead that "a week before at 10:00" is still to come.
    full_council = _next_weekday(today, 2, 9)  # a Wednesday
    rows = [
        ParsedMeeting(
            row=1,
            committee="Full Council",
            uid="riverside-mg-1001",
            starts_at=dt.datetime.combine(full_council, dt.time(19, 0), tzinfo=zone),
            ends_at=dt.datetime.combine(full_council, dt.time(21, 30), tzinfo=zone),
            venue="Council Chamber, Riverside House",
            agenda_url=AGENDA.format(1001),
        ),
        ParsedMeeting(
            row=2,
            committee="Cabinet",
            uid="riverside-mg-1002",
            starts_at=dt.datetime.combine(_next_weekday(today, 1, 10), dt.time(18, 30), tzinfo=zone),
            venue="Committee Room 1, Riverside House",
            agenda_url=AGENDA.format(1002),
        ),
        ParsedMeeting(
            row=3,
            committee="Planning Committee",
            uid="riverside-mg-1003",
            starts_at=dt.datetime.combine(_next_weekday(today, 3, 12), dt.time(18, 0), tzinfo=zone),
            venue="Council Chamber, Riverside House",
            agenda_url=AGENDA.format(1003),
        ),
    ]
    meetings_import(actor=comms, council=council, parsed=ParseResult(meetings=rows), source=Meeting.Source.DEMO)
    meetings = list(Meeting.objects.filter(council=council, uid__in=[r.uid for r in rows]).order_by("starts_at"))
    full = next(m for m in meetings if m.committee == "Full Council")
    if full.live_streams.exists():  # loaded before: the import above matched by UID and changed nothing
        return meetings
    stream = live_stream_create(
        actor=comms,
        meeting=full,
        agenda_item="Item 7: Riverside Leisure Centre future options",
        channel=Channel.objects.filter(council=council, platform="facebook", handle="RiversideDC").first(),
        platform="facebook",
        stream_url="https://www.facebook.com/RiversideDC/live",
    )
    if portfolio_holder is not None:
        live_stream_agree(
            actor=comms,
            stream=stream,
            agreed_by=portfolio_holder,
            agreed_by_role="Portfolio Holder for Communications",
            agreed_on=today,
        )
    else:
        live_stream_agree(
            actor=comms,
            stream=stream,
            agreed_by_name="Cllr Alan Reid",
            agreed_by_role="Portfolio Holder for Communications",
            agreed_on=today,
        )
    if channels and promotion_author(council=council, actor=comms) is not None:
        stream.refresh_from_db()
        announce_at = dt.datetime.combine(full.starts_at.astimezone(zone).date(), dt.time(12, 0), tzinfo=zone)
        live_stream_announce(
            actor=comms,
            stream=stream,
            channels=channels[:1],
            scheduled_for=announce_at,
            text="Watch Full Council live tonight at 7pm: we are streaming the item on the future "
            "of Riverside Leisure Centre. https://www.facebook.com/RiversideDC/live",
        )
    return meetings
