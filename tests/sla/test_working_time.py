"""Working time: open hours, clocks across nights, weekends, bank holidays of each nation, closures and
the year's end."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from townsquare.councils.models import Council
from townsquare.inbox.working_time import (
    NoWorkingTime,
    Schedule,
    add_working_time,
    is_open,
    schedule_for,
    working_time_between,
)
from townsquare.inbox.working_time_models import ClosureDay, WorkingCalendar, WorkingPeriod

LONDON = zoneinfo.ZoneInfo("Europe/London")
H = dt.timedelta(hours=1)


def at(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


def office(nation: str = "england") -> Schedule:
    hours = ((dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(17)))
    return Schedule(zone=LONDON, nation=nation, periods=dict.fromkeys(range(5), hours))


def test_open_inside_periods_only() -> None:
    s = office()
    assert s.is_open(at(2026, 12, 7, 9))  # a Monday
    assert not s.is_open(at(2026, 12, 7, 12, 45))  # lunch
    assert not s.is_open(at(2026, 12, 7, 17))  # the period's end is closed
    assert not s.is_open(at(2026, 12, 5, 10))  # a Saturday
    assert s.is_open(dt.datetime(2026, 7, 6, 8, 30, tzinfo=dt.UTC))  # 09:30 summer time


def test_a_clock_stops_at_lunch_overnight_and_over_the_weekend() -> None:
    s = office()
    assert s.add(at(2026, 12, 7, 12), H) == at(2026, 12, 7, 14)
    assert s.add(at(2026, 12, 4, 16), 2 * H) == at(2026, 12, 7, 10)  # Friday to Monday
    assert s.add(at(2026, 12, 5, 20), H) == at(2026, 12, 7, 10)  # received on Saturday evening
    assert s.add(at(2026, 12, 7, 16), H) == at(2026, 12, 7, 17)  # ends exactly at closing
    assert s.between(at(2026, 12, 4, 16), at(2026, 12, 7, 10)) == 2 * H
    assert s.between(at(2026, 12, 7, 10), at(2026, 12, 4, 16)) == -2 * H


@pytest.mark.parametrize(
    ("nation", "start", "due"),
    [
        # Easter Monday 2026 (6 April) is a holiday in England and Wales and Northern Ireland, not Scotland.
        ("england", at(2026, 4, 2, 16), at(2026, 4, 7, 10)),
        ("scotland", at(2026, 4, 2, 16), at(2026, 4, 6, 10)),
        ("northern_ireland", at(2026, 4, 2, 16), at(2026, 4, 7, 10)),
        # St Andrew's Day (Monday 30 November 2026): Scotland only.
        ("scotland", at(2026, 11, 27, 16), at(2026, 12, 1, 10)),
        ("england", at(2026, 11, 27, 16), at(2026, 11, 30, 10)),
        # St Patrick's Day (Tuesday 17 March 2026): Northern Ireland only.
        ("northern_ireland", at(2026, 3, 16, 16), at(2026, 3, 18, 10)),
        ("england", at(2026, 3, 16, 16), at(2026, 3, 17, 10)),
        # The Battle of the Boyne, observed Monday 13 July 2026: Northern Ireland only.
        ("northern_ireland", at(2026, 7, 10, 16), at(2026, 7, 14, 10)),
        # The Summer bank holiday: 3 August in Scotland, 31 August elsewhere.
        ("scotland", at(2026, 7, 31, 16), at(2026, 8, 4, 10)),
        ("england", at(2026, 8, 28, 16), at(2026, 9, 1, 10)),
        ("scotland", at(2026, 8, 28, 16), at(2026, 8, 31, 10)),
    ],
)
def test_bank_holidays_of_each_nation(nation: str, start: dt.datetime, due: dt.datetime) -> None:
    assert office(nation).add(start, 2 * H) == due


@pytest.mark.parametrize(
    ("nation", "due"),
    [
        # Christmas Friday 25, Boxing Day (Saturday) observed Monday 28; 1 January a Friday.
        ("england", at(2026, 12, 29, 10)),
        ("northern_ireland", at(2026, 12, 29, 10)),
        ("scotland", at(2026, 12, 29, 10)),
    ],
)
def test_christmas(nation: str, due: dt.datetime) -> None:
    assert office(nation).add(at(2026, 12, 24, 16), 2 * H) == due


@pytest.mark.parametrize(
    ("nation", "due"),
    # New Year's Day 2027 is a Friday; Scotland also keeps 2 January, a Saturday, observed Monday 4th.
    [("england", at(2027, 1, 4, 10)), ("scotland", at(2027, 1, 5, 10)), ("northern_ireland", at(2027, 1, 4, 10))],
)
def test_the_years_end(nation: str, due: dt.datetime) -> None:
    s = office(nation)
    assert s.add(at(2026, 12, 31, 16), 2 * H) == due
    assert s.between(at(2026, 12, 31, 16), due) == 2 * H


def test_summer_time_ends_inside_a_clock() -> None:
    s = Schedule(zone=LONDON, nation="england", periods={d: ((dt.time(0), dt.time(23, 59)),) for d in range(7)})
    # 25 October 2026: the clocks go back, so the day from midnight to 23:59 holds 24 h 59 min.
    assert s.between(at(2026, 10, 25, 0), at(2026, 10, 25, 23, 59)) == dt.timedelta(hours=24, minutes=59)


def test_working_time_between_many_moments_matches_a_walk_day_by_day() -> None:
    """``between`` (and ``counter``) subtract the working time up to each moment, kept per day from the first
    day asked for; a walk through every day in between gives the same, before and after that day, across
    summer time, holidays and closures, and for moments too far apart to keep sums between."""
    s = Schedule(
        zone=LONDON,
        nation="england",
        periods={0: ((dt.time(13, 30), dt.time(17)), (dt.time(9), dt.time(12, 30))), 2: ((dt.time(8), dt.time(20)),)},
        closures=frozenset({dt.date(2026, 12, 9)}),
    )
    start = at(2026, 12, 7, 10, 15)
    moments = [start + n * dt.timedelta(hours=7, minutes=13) for n in range(-900, 900, 37)]
    moments += [at(2026, 3, 29, 1, 30), at(2026, 10, 25, 1, 30), at(2027, 1, 1, 12), at(2026, 12, 9, 10)]
    from_start = s.counter(start)
    for moment in moments:
        walked = s._walk(start, moment) if start <= moment else -s._walk(moment, start)
        assert from_start(moment) == walked
        assert s.between(moment, start) == -walked
    far = at(2100, 1, 4, 10)  # further than the sums are kept: walked
    assert s.between(start, far) == s._walk(start, far)


def test_a_negative_or_endless_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        office().add(at(2026, 12, 7, 9), -H)
    with pytest.raises(NoWorkingTime):
        Schedule(zone=LONDON, nation="england", periods={}).add(at(2026, 12, 7, 9), H)
    with pytest.raises(ValueError, match="aware"):
        office().is_open(dt.datetime(2026, 12, 7, 10))


def test_a_councils_settings_are_read(riverside: Council) -> None:
    # Nothing set: weekdays 09:00-17:00 in London, England and Wales holidays.
    assert is_open(riverside, at(2026, 12, 7, 16, 30))
    assert add_working_time(riverside, at(2026, 12, 7, 16), 2 * H) == at(2026, 12, 8, 10)
    WorkingCalendar.objects.create(council=riverside, nation="scotland")
    WorkingPeriod.objects.create(council=riverside, weekday=0, starts=dt.time(8), ends=dt.time(16))
    WorkingPeriod.objects.create(council=riverside, weekday=1, starts=dt.time(8), ends=dt.time(16))
    ClosureDay.objects.create(council=riverside, day=dt.date(2026, 12, 8), reason="Staff training")
    assert not is_open(riverside, at(2026, 12, 7, 16, 30))
    # Monday 7 December 15:00 + 2 h: one hour Monday, Tuesday closed, Wednesday no hours, next Monday 09:00.
    assert add_working_time(riverside, at(2026, 12, 7, 15), 2 * H) == at(2026, 12, 14, 9)
    assert working_time_between(riverside, at(2026, 12, 7, 15), at(2026, 12, 14, 9)) == 2 * H
    assert schedule_for(riverside).nation == "scotland"
