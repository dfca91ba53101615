"""Meetings fixtures: our own ModernGov-shaped calendar, default promotion channels, a second comms officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.meetings.calendar_import import meetings_import
from townsquare.meetings.calendar_io import ParsedMeeting, ParseResult
from townsquare.meetings.models import Meeting
from townsquare.meetings.services import meeting_settings_update

LONDON = ZoneInfo("Europe/London")
ICS_TEMPLATE = (Path(__file__).resolve().parent / "fixtures" / "moderngov.ics").read_text(encoding="utf-8")


def moderngov_ics(*, full_council: dt.date, cabinet: dt.date, planning: dt.date) -> bytes:
    """The fixture calendar with these meeting dates, CRLF line endings as feeds send them."""
    text = ICS_TEMPLATE.format_map(
        {"full_council": f"{full_council:%Y%m%d}", "cabinet": f"{cabinet:%Y%m%d}", "planning": f"{planning:%Y%m%d}"}
    )
    return text.replace("\n", "\r\n").encode()


def next_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@pytest.fixture
def upcoming_dates() -> dict[str, dt.date]:
    """Meetings far enough ahead that "a week before at 10:00" has not passed."""
    today = timezone.localdate()
    return {
        "full_council": next_weekday(today + dt.timedelta(days=10), 2),
        "cabinet": today + dt.timedelta(days=12),
        "planning": today + dt.timedelta(days=14),
    }


@pytest.fixture
def upcoming_ics(upcoming_dates: dict[str, dt.date]) -> bytes:
    return moderngov_ics(**upcoming_dates)


@pytest.fixture
def comms2(riverside: Council) -> User:
    user = User.objects.create_user("comms2@riverside.example", PASSWORD, full_name="Second Comms")
    membership_grant(actor=None, council=riverside, user=user, role="comms")
    return user


@pytest.fixture
def promo_channels(riverside: Council, people: SimpleNamespace, channel: Channel) -> list[Channel]:
    """The council's promotional channels: the Facebook fixture channel and a Bluesky account."""
    bluesky = Channel.objects.create(
        council=riverside,
        platform="bluesky",
        name="Riverside Council",
        handle="riverside.bsky.social",
        owner=people.comms,
    )
    chosen = [channel, bluesky]
    meeting_settings_update(actor=people.comms, council=riverside, feed_url="", default_channels=chosen)
    return chosen


@pytest.fixture
def make_meeting(riverside: Council, people: SimpleNamespace) -> Callable[..., Meeting]:
    """One meeting imported through the service, as a CSV row would be."""

    def make(
        committee: str = "Full Council",
        starts_at: dt.datetime | None = None,
        venue: str = "Council Chamber",
        agenda_url: str = "https://democracy.riverside.example/agenda/1",
        uid: str = "",
        actor: User | None = None,
        now: dt.datetime | None = None,
    ) -> Meeting:
        starts_at = starts_at or dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=10), dt.time(19), tzinfo=LONDON
        )
        row = ParsedMeeting(
            row=2, committee=committee, starts_at=starts_at, venue=venue, agenda_url=agenda_url, uid=uid
        )
        meetings_import(
            actor=actor or people.comms,
            council=riverside,
            parsed=ParseResult(meetings=[row]),
            source=Meeting.Source.CSV,
            now=now,
        )
        return Meeting.objects.get(council=riverside, committee=committee, starts_at=starts_at)

    return make
