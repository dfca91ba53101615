"""A Page's figures by day from Graph's insights: ``page_follows`` (the followers at the day's end)
and ``page_media_view`` (views of the Page's content that day); ``page_fans`` and
``page_impressions`` were removed in November 2025. Graph answers at most 93 days a call and keeps
two years, so a first connection backfills in 90-day windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.connectors.base import DailyFigure, platform_time

DAILY = {"page_follows": "followers", "page_media_view": "impressions"}
WINDOW_DAYS = 90
HISTORY_DAYS = 730


def _figures(answer: dict[str, Any], since: dt.date, until: dt.date) -> list[DailyFigure]:
    found: list[DailyFigure] = []
    for metric in answer.get("data", []):
        name = DAILY.get(metric.get("name", ""))
        for point in metric.get("values") or []:
            ended = platform_time(point.get("end_time"))
            value = point.get("value")
            if name is None or ended is None or not isinstance(value, int | float):
                continue
            day = ended.date() - dt.timedelta(days=1)  # the value of the day that ends at end_time
            if since <= day <= until:
                found.append(DailyFigure(day, name, int(value)))
    return found


def fetch_daily(call: Any, page_id: str, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
    """``call(path, params)`` reads Graph (the connector's own call, retried when safe)."""
    found: list[DailyFigure] = []
    start = since
    while start <= until:
        end = min(start + dt.timedelta(days=WINDOW_DAYS - 1), until)
        answer = call(
            f"{page_id}/insights",
            {
                "metric": ",".join(DAILY),
                "period": "day",
                "since": start.isoformat(),
                "until": (end + dt.timedelta(days=1)).isoformat(),
            },
        )
        found += _figures(answer, start, end)
        start = end + dt.timedelta(days=1)
    return found
