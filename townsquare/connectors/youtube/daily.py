"""A channel's views and estimated minutes watched by day from the YouTube Analytics API
(``dimensions=day``): one call covers any range, back to the channel's first day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.connectors.base import DailyFigure

DAILY = {"views": "video_views", "estimatedMinutesWatched": "watch_time_minutes"}
HISTORY_DAYS = 5 * 365


def figures(report: dict[str, Any]) -> list[DailyFigure]:
    names = [h.get("name") for h in report.get("columnHeaders", [])]
    found: list[DailyFigure] = []
    for row in report.get("rows") or []:
        values = dict(zip(names, row, strict=False))
        try:
            day = dt.date.fromisoformat(str(values.get("day")))
        except ValueError:
            continue
        found += [
            DailyFigure(day, metric, int(values[name]))
            for name, metric in DAILY.items()
            if isinstance(values.get(name), int | float)
        ]
    return found


def query(analytics: Any, *, since: dt.date, until: dt.date) -> Any:
    return analytics.reports().query(
        ids="channel==MINE",
        startDate=since.isoformat(),
        endDate=until.isoformat(),
        metrics=",".join(DAILY),
        dimensions="day",
        sort="day",
    )
