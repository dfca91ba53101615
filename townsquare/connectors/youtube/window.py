"""A channel's last 28 days from the YouTube Analytics API (views, minutes watched, likes, comments,
shares) for the daily snapshot. YouTube Analytics is an API apart from the Data API, with its own
permission (``yt-analytics.readonly``), enabled separately in Townsquare's Google project: where it is
refused or fails, the snapshot still keeps the subscribers and the videos' views, and these figures stay
unmeasured for the day with the reason on the channel page."""

from __future__ import annotations

import datetime as dt
from typing import Any

DAYS = 28
METRICS = "views,estimatedMinutesWatched,likes,comments,shares"
WHAT = "the last 28 days' views, watch time and engagements (YouTube Analytics)"
REFUSED = (
    "YouTube did not let Townsquare read the channel's analytics (the last 28 days' views, watch time and "
    "engagements): the connection is missing the YouTube Analytics permission, or the YouTube Analytics "
    "API is not enabled for Townsquare. Subscribers and the videos' views are still measured. Reconnect "
    "the channel and grant every permission asked for; if that does not help, an administrator must "
    "enable the YouTube Analytics API for Townsquare's Google project."
)


def query(analytics: Any, *, end: dt.date) -> Any:
    return analytics.reports().query(
        ids="channel==MINE",
        startDate=(end - dt.timedelta(days=DAYS)).isoformat(),
        endDate=end.isoformat(),
        metrics=METRICS,
    )


def figures(report: dict[str, Any] | None) -> dict[str, int | None]:
    """Views, minutes watched and engagements (likes, comments and shares added up) from the report;
    each None where the report does not give it (not read, or no row)."""
    headers = [h.get("name") for h in (report or {}).get("columnHeaders", [])]
    row = dict(zip(headers, ((report or {}).get("rows") or [[]])[0], strict=False))
    return {
        "video_views": int(row["views"]) if "views" in row else None,
        "watch_time_minutes": int(row["estimatedMinutesWatched"]) if "estimatedMinutesWatched" in row else None,
        "engagements": sum(int(row.get(k, 0)) for k in ("likes", "comments", "shares")) if row else None,
    }
