"""A request's legal clock: its deadline, its one extension, and the days left, on the statutory
calendars of ``townsquare.inbox.deadlines``.

Extensions, one per request, always with a reason:
- subject access (UK GDPR art. 12(3)): by a further two months where the request is complex or one of
  several, so the reply is due three calendar months after receipt (to the corresponding date, then
  the next working day);
- EIR (reg. 7(1)): to the fortieth working day after receipt where the request is complex and voluminous;
- FOI (s.10(3), as the ICO reads it): by up to twenty further working days to consider the public
  interest.
"""

from __future__ import annotations

import calendar
import datetime as dt

from townsquare.councils.models import Council
from townsquare.inbox.deadlines import Nation, deadline, working_day

ALL_NATIONS = tuple(Nation)
DUE_SOON_WORKING_DAYS = 5


def nation_of(council: Council) -> Nation:
    return Nation.WALES if council.in_wales else Nation.ENGLAND


def statutory_deadline(*, kind: str, received: dt.date, council: Council) -> dt.date:
    return deadline(kind, received, nation_of(council))


def add_working_days(day: dt.date, count: int, nations: tuple[Nation, ...] = ALL_NATIONS) -> dt.date:
    """The ``count``-th working day after ``day``."""
    counted = 0
    while counted < count:
        day += dt.timedelta(days=1)
        if working_day(day, nations):
            counted += 1
    return day


def _months_on(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def extended_deadline(*, kind: str, received: dt.date, due_on: dt.date, council: Council) -> dt.date:
    """The deadline after the one extension the law allows for ``kind``."""
    if kind == "sar":
        nation = nation_of(council)
        day = _months_on(received, 3)
        while not working_day(day, (nation,)):
            day += dt.timedelta(days=1)
        return day
    if kind == "eir":
        return add_working_days(received, 40)
    if kind == "foi":
        return add_working_days(due_on, 20)
    raise ValueError(f"Unknown kind of request {kind!r}: one of foi, eir, sar.")


def days_left(*, kind: str, today: dt.date, due: dt.date) -> int:
    """Working days (FOI, EIR) or calendar days (subject access) from ``today`` to ``due``: 0 on the day
    it is due, negative (at least one) once it is overdue."""
    if kind == "sar":
        return (due - today).days
    sign, start, end = (1, today, due) if due >= today else (-1, due, today)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if working_day(day, ALL_NATIONS):
            count += 1
    # Past the due date it is overdue even where only a weekend has passed since.
    return count if sign > 0 else -max(1, count)


def due_soon_until(today: dt.date) -> dt.date:
    """The last day counted as "due soon": the fifth working day from today."""
    return add_working_days(today, DUE_SOON_WORKING_DAYS)
