"""Statutory deadlines for requests received on social media.

- FOI and EIR (FOIA s.10(1) and s.10(6); EIR reg. 2(1) and 5(2)): the twentieth working day following
  the day of receipt, so day 1 is the first working day after it. A working day is any day but a
  Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in any part of the United Kingdom,
  so the clock uses all four nations' holidays whichever nation the council is in.
- Subject access (UK GDPR art. 12(3), as the ICO reads it): one calendar month from the day of receipt
  to the corresponding date (the month's last day where there is no corresponding date), moved to the
  next working day where it falls on a weekend or a bank holiday of the council's nation.

The holidays come from the ``holidays`` package, shipped with it: nothing is downloaded.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from functools import cache

import holidays
from dateutil.easter import easter

FOI_WORKING_DAYS = 20


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


SUBDIVISION = {Nation.ENGLAND: "ENG", Nation.WALES: "WLS", Nation.SCOTLAND: "SCT", Nation.NORTHERN_IRELAND: "NIR"}


@cache
def _calendar(nation: Nation) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=SUBDIVISION[nation])


def bank_holiday(day: dt.date, nations: tuple[Nation, ...]) -> bool:
    return any(day in _calendar(nation) for nation in nations)


def working_day(day: dt.date, nations: tuple[Nation, ...]) -> bool:
    """Not a weekend, Christmas Day, Good Friday, nor a bank holiday in any of ``nations``."""
    if day.weekday() >= 5 or (day.month, day.day) == (12, 25) or day == easter(day.year) - dt.timedelta(days=2):
        return False
    return not bank_holiday(day, nations)


def foi_deadline(received: dt.date) -> dt.date:
    """The twentieth working day after the day of receipt (any part of the UK's bank holidays excluded)."""
    nations = tuple(Nation)
    day, counted = received, 0
    while counted < FOI_WORKING_DAYS:
        day += dt.timedelta(days=1)
        if working_day(day, nations):
            counted += 1
    return day


def sar_deadline(received: dt.date, nation: Nation = Nation.ENGLAND) -> dt.date:
    """The corresponding date a calendar month on (or the month's last day), then the next working day."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    day = dt.date(year, month, min(received.day, calendar.monthrange(year, month)[1]))
    while not working_day(day, (nation,)):
        day += dt.timedelta(days=1)
    return day


def deadline(kind: str, received: dt.date, nation: Nation = Nation.ENGLAND) -> dt.date:
    """``kind`` is foi, eir or sar; anything else raises ValueError."""
    if kind in ("foi", "eir"):
        return foi_deadline(received)
    if kind == "sar":
        return sar_deadline(received, nation)
    raise ValueError(f"Unknown kind of request {kind!r}: one of foi, eir, sar.")
