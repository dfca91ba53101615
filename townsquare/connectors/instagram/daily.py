"""A professional account's figures by day from the Instagram API's insights: ``views`` (which
replaced ``impressions``) and ``reach``. Both are asked as the day's total value, one day a call;
Instagram answers for the last 30 days only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.connectors.base import DailyFigure

DAILY = {"views": "impressions", "reach": "reach"}
HISTORY_DAYS = 30


def fetch_daily(call: Any, ig_user_id: str, *, since: dt.date, until: dt.date) -> list[DailyFigure]:
    """``call(path, params)`` reads the Graph API (the connector's own call, retried when safe)."""
    found: list[DailyFigure] = []
    day = since
    while day <= until:
        answer = call(
            f"{ig_user_id}/insights",
            {
                "metric": ",".join(DAILY),
                "period": "day",
                "metric_type": "total_value",
                "since": day.isoformat(),
                "until": (day + dt.timedelta(days=1)).isoformat(),
            },
        )
        for metric in answer.get("data", []):
            name = DAILY.get(metric.get("name", ""))
            value = (metric.get("total_value") or {}).get("value")
            if name and isinstance(value, int | float):
                found.append(DailyFigure(day, name, int(value)))
        day += dt.timedelta(days=1)
    return found
