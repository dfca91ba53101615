"""Working time: when a council is open, and clocks that run only while it is.

A council's working time is its hours per weekday (several periods a day), in its time zone, less
the bank holidays of its nation (England and Wales, Scotland or Northern Ireland, from the
``holidays`` package: nothing is downloaded) and its own closure days. Durations are real elapsed
time inside those hours, so a clock crossing a change to or from summer time stays right.

``schedule_for(council)`` reads the settings once; the functions taking a council read them each
call, so code working on many items at once should read a ``Schedule`` and use its methods.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import holidays
from django.db import connection

from townsquare.councils.models import Council
from townsquare.inbox.working_time_models import ClosureDay, WorkingCalendar, WorkingPeriod

DEFAULT_ZONE = "Europe/London"
DEFAULT_HOURS = ((dt.time(9), dt.time(17)),)
# How far ahead a clock may look for working time before concluding there is none.
HORIZON_DAYS = 3 * 366
SUBDIVISION: dict[str, str] = {"england": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}


class NoWorkingTime(ValueError):
    """The council has no working hours within the horizon, so a clock can never run out."""


@cache
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=SUBDIVISION.get(nation, "ENG"))


@cache
def _holiday_dates(nation: str, year: int) -> frozenset[dt.date]:
    """One year's bank holidays as plain dates: a set lookup, where the package's own costs ~15 µs."""
    return frozenset(holidays.country_holidays("GB", subdiv=SUBDIVISION.get(nation, "ENG"), years=year))


def bank_holiday_name(nation: str, day: dt.date) -> str:
    """The holiday's name where ``day`` is a bank holiday of ``nation``, else ""."""
    return str(_bank_holidays(nation).get(day) or "") if day in _holiday_dates(nation, day.year) else ""


def bank_holidays_ahead(nation: str, start: dt.date, days: int = 366) -> list[tuple[dt.date, str]]:
    """The bank holidays of ``nation`` from ``start`` for ``days`` days, with their names."""
    found = (
        (start + dt.timedelta(days=n), bank_holiday_name(nation, start + dt.timedelta(days=n))) for n in range(days)
    )
    return [(day, name) for day, name in found if name]


ZERO = dt.timedelta(0)
ONE_DAY = dt.timedelta(days=1)
# Days either side of the first day asked for that ``Schedule.between`` keeps sums for; further off, it walks.
SUM_DAYS = 20_000


class _DaySums:
    """A schedule's working time before each day, from its first day asked for: ``ahead[n]`` before the day
    ``n`` days after it, ``behind[n]`` before the day ``n`` days before it (negative), both grown as asked."""

    def __init__(self) -> None:
        self.first: dt.date | None = None
        self.ahead: list[dt.timedelta] = [ZERO]
        self.behind: list[dt.timedelta] = [ZERO]
        self.lock = threading.Lock()  # a threaded web worker's requests share the schedule


@dataclass(frozen=True)
class Schedule:
    """A council's working time, read once: periods per weekday (0 is Monday), holidays and closures."""

    zone: zoneinfo.ZoneInfo
    nation: str
    periods: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    closures: frozenset[dt.date] = field(default_factory=frozenset)
    # Each day's periods once worked out (a clock over a week asks for the same days again and again).
    _days: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # The working time before each day, counted from the first day asked for (see ``_before``).
    _sums: _DaySums = field(default_factory=_DaySums, compare=False, repr=False)

    def closed_on(self, day: dt.date) -> bool:
        return day in self.closures or day in _holiday_dates(self.nation, day.year)

    def _day_periods(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The day's working periods as aware datetimes, earliest first (none on a closed day)."""
        found = self._days.get(day)
        if found is None:
            # In UTC: Python subtracts two times of one zone by their wall clocks, which is wrong
            # across a change to or from summer time.
            found = (
                ()
                if self.closed_on(day)
                else tuple(
                    (
                        dt.datetime.combine(day, starts, tzinfo=self.zone).astimezone(dt.UTC),
                        dt.datetime.combine(day, ends, tzinfo=self.zone).astimezone(dt.UTC),
                    )
                    for starts, ends in self.periods.get(day.weekday(), ())
                )
            )
            if len(self._days) < 5000:
                self._days[day] = found
        return found

    def _local_day(self, at: dt.datetime) -> dt.date:
        return _aware(at).astimezone(self.zone).date()

    def is_open(self, at: dt.datetime) -> bool:
        at = _aware(at)
        return any(starts <= at < ends for starts, ends in self._day_periods(self._local_day(at)))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment ``duration`` of working time after ``start`` (``start`` itself for no time at all).

        A clock that runs out exactly at the end of a period ends there, not at the next opening.
        """
        if duration < dt.timedelta(0):
            raise ValueError("A duration of working time cannot be negative.")
        cursor = _aware(start)
        left = duration
        day = self._local_day(cursor)
        if not left:
            return cursor
        for _ in range(HORIZON_DAYS):
            for starts, ends in self._day_periods(day):
                if ends <= cursor:
                    continue
                begin = max(starts, cursor)
                if begin + left <= ends:
                    return begin + left
                left -= ends - begin
                cursor = ends
            day += dt.timedelta(days=1)
        raise NoWorkingTime("The council has no working hours in the next three years.")

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        return self.counter(a)(b)

    def counter(self, start: dt.datetime) -> Callable[[dt.datetime], dt.timedelta]:
        """``between(start, ·)`` for many moments: a list page asks for a hundred clocks from the same moment.

        The working time up to a moment, less that up to ``start`` (each day's sum kept once worked out):
        walking each clock's days one by one cost about 20 µs a clock."""
        start = _aware(start)
        start_day = start.astimezone(self.zone).date()
        upto_start = self._upto(start_day, start)

        def to(at: dt.datetime) -> dt.timedelta:
            at = _aware(at)
            upto = None if upto_start is None else self._upto(at.astimezone(self.zone).date(), at)
            if upto is None or upto_start is None:
                return self._walk(start, at) if start <= at else -self._walk(at, start)
            return upto - upto_start

        return to

    def _upto(self, day: dt.date, at: dt.datetime) -> dt.timedelta | None:
        """Working time from the start of the first day ever asked for to ``at`` (on its local ``day``);
        None for a day too far from it to keep the sums between."""
        first = self._sums.first
        if first is not None and abs((day - first).days) > SUM_DAYS:
            return None
        return self._before(day) + self._within(day, at)

    def _walk(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time from ``a`` to ``b`` (``a`` first), a day at a time."""
        total = ZERO
        day, last = self._local_day(a), self._local_day(b)
        while day <= last:
            for starts, ends in self._day_periods(day):
                overlap = min(ends, b) - max(starts, a)
                if overlap > ZERO:
                    total += overlap
            day += ONE_DAY
        return total

    def _within(self, day: dt.date, at: dt.datetime) -> dt.timedelta:
        """Working time on ``day`` (the local day of ``at``) before ``at``."""
        total = ZERO
        for starts, ends in self._day_periods(day):
            if at > starts and ends > starts:
                total += min(at, ends) - starts
        return total

    def _day_total(self, day: dt.date) -> dt.timedelta:
        return sum((ends - starts for starts, ends in self._day_periods(day) if ends > starts), ZERO)

    def _before(self, day: dt.date) -> dt.timedelta:
        """Working time from the start of the first day ever asked for to the start of ``day`` (negative
        for a day before it), each day's sum kept once worked out."""
        sums = self._sums
        with sums.lock:
            if sums.first is None:
                sums.first = day
            offset = (day - sums.first).days
            if offset >= 0:
                ahead = sums.ahead
                while len(ahead) <= offset:
                    ahead.append(ahead[-1] + self._day_total(sums.first + dt.timedelta(days=len(ahead) - 1)))
                return ahead[offset]
            behind = sums.behind
            while len(behind) <= -offset:
                behind.append(behind[-1] - self._day_total(sums.first - dt.timedelta(days=len(behind))))
            return behind[-offset]

    def hours_per_week(self) -> float:
        seconds = sum(
            (dt.datetime.combine(dt.date(2000, 1, 1), e) - dt.datetime.combine(dt.date(2000, 1, 1), s)).total_seconds()
            for day in self.periods.values()
            for s, e in day
        )
        return seconds / 3600


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("Give working-time functions an aware datetime (with a time zone).")
    return at.astimezone(dt.UTC)


def settings_sql(council_id: int) -> tuple[str, list[int]]:
    """The statement reading the council's calendar (0), periods (1) and closure days (2) as rows of a kind
    and three text columns (``k``, ``a``, ``b``, ``c``), and its parameters: a list page's clocks read it
    within their own statement."""
    calendar, period, closure = (m._meta.db_table for m in (WorkingCalendar, WorkingPeriod, ClosureDay))
    sql = (
        f"SELECT 0 AS k, timezone AS a, nation AS b, '' AS c FROM {calendar} WHERE council_id = %s "  # noqa: S608
        f"UNION ALL SELECT 1, CAST(weekday AS TEXT), CAST(starts AS TEXT), CAST(ends AS TEXT) FROM {period} "
        f"WHERE council_id = %s UNION ALL SELECT 2, CAST(day AS TEXT), '', '' FROM {closure} WHERE council_id = %s"
    )
    return sql, [council_id] * 3


def _settings_rows(council_id: int) -> list[tuple[int, str, str, str]]:
    """The council's calendar, periods and closure days in one fixed statement of text columns (each list
    page with clocks reads them; three ORM queries took several times what the database took)."""
    sql, params = settings_sql(council_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def schedule_for(council: Council) -> Schedule:
    """The council's working time as set, or the default (weekdays 09:00-17:00, London, England and Wales).

    Read afresh each call (one small statement), and built once per distinct setting in the process: the
    ``Schedule`` keeps each day's periods as it works them out, so a list page's clocks reuse the days the
    pages before it worked out rather than work them out again."""
    return schedule_of(_settings_rows(council.pk))


def schedule_of(rows: Iterable[tuple[int, str, str, str]]) -> Schedule:
    """The ``Schedule`` the rows of ``settings_sql`` set (built once per distinct rows in the process)."""
    return _schedule(tuple(rows))


@lru_cache(maxsize=256)
def _schedule(rows: tuple[tuple[int, str, str, str], ...]) -> Schedule:
    zone, nation = DEFAULT_ZONE, str(WorkingCalendar.Nation.ENGLAND)
    periods: dict[int, list[tuple[dt.time, dt.time]]] = {}
    closures: set[dt.date] = set()
    set_periods: list[tuple[int, dt.time, dt.time]] = []
    for kind, a, b, c in rows:
        if kind == 0:
            zone, nation = a, b
        elif kind == 1:
            set_periods.append((int(a), dt.time.fromisoformat(b), dt.time.fromisoformat(c)))
        else:
            closures.add(dt.date.fromisoformat(a))
    if not set_periods:
        for weekday in range(5):
            periods[weekday] = list(DEFAULT_HOURS)
    for weekday, starts, ends in sorted(set_periods):
        periods.setdefault(weekday, []).append((starts, ends))
    return Schedule(
        zone=zoneinfo.ZoneInfo(zone),
        nation=nation,
        periods={k: tuple(v) for k, v in periods.items()},
        closures=frozenset(closures),
    )


def is_open(council: Council, at: dt.datetime) -> bool:
    """True when ``at`` falls inside the council's working hours on a working day."""
    return schedule_for(council).is_open(at)


def add_working_time(council: Council, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The moment (UTC) when ``duration`` of the council's working time has passed since ``start``."""
    return schedule_for(council).add(start, duration)


def working_time_between(council: Council, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """The council's working time between two moments (negative when ``b`` is earlier)."""
    return schedule_for(council).between(a, b)
