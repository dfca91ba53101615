"""The daily snapshot of a Graph account, a Facebook Page or an Instagram account: the account node's
figures (followers; the required part, read by the connector), then its insights and its recent posts
with each one's reach (optional parts, see ``connectors.snapshot_parts``: refused or not given this
time, they stay unmeasured for the day, with why, and the rest is kept). ``Parts`` says what to ask
each platform and what to tell a person when it refuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from townsquare.connectors.base import ConnectorError
from townsquare.connectors.snapshot_parts import OptionalParts

Call = Callable[..., requests.Response]
POST_REACH = "post_total_media_view_unique"  # people who saw the post (post_impressions_unique went in June 2025)


@dataclass(frozen=True)
class Parts:
    insights: dict[str, str]  # Graph metric -> AccountMetrics field
    insights_params: dict[str, str]  # the window: "days_28", or the day's totals
    insights_what: str
    insights_refused: str
    posts_edge: str  # "posts" or "media"
    posts_fields: str  # with each one's lifetime reach (``insights.metric(...)``)
    posts_refused: str
    posts_what: str = "the posts' reach"


@dataclass(frozen=True)
class Read:
    insights: dict[str, Any] | None  # None: left out (see ``left_out``)
    posts: dict[str, Any] | None
    values: dict[str, int | None]  # each insight by AccountMetrics field; None: not given or not read
    left_out: list[ConnectorError]


def read(call: Call, node: str, parts: Parts) -> Read:
    """The optional parts of ``node``'s snapshot through ``call`` (the connector's ``_call``)."""
    optional = OptionalParts()
    insights = optional.read(
        lambda: call(
            "GET",
            f"{node}/insights",
            safe_to_retry=True,
            params={"metric": ",".join(parts.insights), **parts.insights_params},
        ).json(),
        refused=parts.insights_refused,
        what=parts.insights_what,
    )
    posts = optional.read(
        lambda: call(
            "GET",
            f"{node}/{parts.posts_edge}",
            safe_to_retry=True,
            params={"fields": parts.posts_fields, "limit": "100"},
        ).json(),
        refused=parts.posts_refused,
        what=parts.posts_what,
    )
    values: dict[str, int | None] = dict.fromkeys(parts.insights.values())
    for metric in (insights or {}).get("data", []):
        field = parts.insights.get(metric.get("name", ""))
        if field:
            values[field] = _value(metric)
    return Read(insights=insights, posts=posts, values=values, left_out=optional.left_out)


def _value(metric: dict[str, Any]) -> int | None:
    """An insight's figure: the total Graph gives for the window, or the latest of its values."""
    total = (metric.get("total_value") or {}).get("value")
    if total is not None:
        return int(total)
    points = metric.get("values") or []
    return int(points[-1].get("value") or 0) if points else None


FACEBOOK = Parts(
    # 28-day totals (page_impressions_unique went in June 2025)
    insights={
        "page_total_media_view_unique": "reach",
        "page_post_engagements": "engagements",
        "page_views_total": "profile_views",
        "page_video_views": "video_views",
    },
    insights_params={"period": "days_28"},
    insights_what="the Page's insights (reach, engagements, page views and video views over 28 days)",
    insights_refused=(
        "Facebook did not let Townsquare read the Page's insights: the connection is missing a permission "
        "(read_insights), or Townsquare's app does not have it. Followers and Page likes are still measured; "
        "reach, engagements, page views and video views are not. Reconnect the Page and grant every "
        "permission asked for."
    ),
    posts_edge="posts",
    posts_fields=f"id,created_time,insights.metric({POST_REACH})",
    posts_refused=(
        "Facebook did not let Townsquare read the posts' reach: the connection is missing a permission "
        "(read_insights), or Townsquare's app does not have it. Followers are still measured; posts stay "
        "published, not measured. Reconnect the Page and grant every permission asked for."
    ),
)
