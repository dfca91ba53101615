"""An organisation page's followers by day from LinkedIn's follower statistics: the day's gains
(``organicFollowerGain`` + ``paidFollowerGain``) over a time range, counted back from today's
follower count to give each day's level. LinkedIn keeps the last twelve months."""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.connectors.base import DailyFigure

HISTORY_DAYS = 360
DAY_MS = 86_400_000


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000)


def time_intervals(since: dt.date, until: dt.date) -> str:
    """Rest.li's encoding of the range, written as LinkedIn expects it (not URL-encoded twice)."""
    end = _ms(until + dt.timedelta(days=1))
    return f"(timeRange:(start:{_ms(since)},end:{end}),timeGranularityType:DAY)"


def levels(answer: dict[str, Any], followers_now: int, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
    """Each day's follower count at its end: the count now less the gains of the days after it."""
    gains: dict[dt.date, int] = {}
    for element in answer.get("elements", []):
        start = (element.get("timeRange") or {}).get("start")
        found = element.get("followerGains") or {}
        if not isinstance(start, int):
            continue
        day = dt.datetime.fromtimestamp(start / 1000, dt.UTC).date()
        gains[day] = int(found.get("organicFollowerGain", 0)) + int(found.get("paidFollowerGain", 0))
    # Today's gains are not yet in the statistics: the count now stands for the end of ``until``.
    level, day, figures = followers_now, until, []
    while day >= since:
        figures.append(DailyFigure(day, "followers", level))
        level -= gains.get(day, 0)
        day -= dt.timedelta(days=1)
    return sorted(figures, key=lambda f: f.day)
