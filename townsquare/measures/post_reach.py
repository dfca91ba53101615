"""Each published post's reach, read from the account's daily snapshot where the connector's answer
carries per-post figures, and kept against the post (its ``PostTarget``) in the snapshot's
transaction, so that the reach of meeting-promotion posts is a sum of rows.

What the connectors fetch today: X's snapshot lists the account's posts of the last 28 days, each
with its ``public_metrics.impression_count``; Facebook's lists the Page's last 100 posts, each with
its lifetime ``post_total_media_view_unique`` (people who saw it; ``post_impressions_unique`` was
withdrawn in June 2025), and Instagram's the account's last 100 media with their lifetime ``reach``.
LinkedIn's share statistics and YouTube's channel report are account totals, and Mastodon and
Bluesky count no impressions: their posts have no reach. A platform's reader belongs with its
connector; it lives here, one function per platform, until the connector interface offers
per-post figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from townsquare.channels.models import Channel
from townsquare.measures.models import PostReach


def _x_posts(raw: dict[str, Any]) -> dict[str, int]:
    tweets = raw.get("tweets")
    found: dict[str, int] = {}
    for tweet in (tweets.get("data") or []) if isinstance(tweets, dict) else []:
        counts = tweet.get("public_metrics") if isinstance(tweet, dict) else None
        if isinstance(counts, dict) and str(tweet.get("id", "")) and "impression_count" in counts:
            try:
                found[str(tweet["id"])] = max(int(counts["impression_count"]), 0)
            except (TypeError, ValueError):
                continue  # a figure the platform did not give as a number is left out, not guessed
    return found


def _graph_lifetime(rows: Any, metric: str) -> dict[str, int]:
    """Graph's posts or media with their insights nested (``insights.metric(...)``): each object's
    lifetime figure for ``metric``; an object Graph gave no figure for is left out."""
    found: dict[str, int] = {}
    for row in (rows.get("data") or []) if isinstance(rows, dict) else []:
        insights = row.get("insights") if isinstance(row, dict) else None
        for figure in (insights.get("data") or []) if isinstance(insights, dict) else []:
            values = figure.get("values") if isinstance(figure, dict) else None
            if figure.get("name") != metric or not values or not str(row.get("id", "")):
                continue
            try:
                found[str(row["id"])] = max(int(values[-1].get("value")), 0)
            except (TypeError, ValueError, AttributeError):
                continue  # not given as a number: left out, not guessed
    return found


def _facebook_posts(raw: dict[str, Any]) -> dict[str, int]:
    return _graph_lifetime(raw.get("posts"), "post_total_media_view_unique")


def _instagram_media(raw: dict[str, Any]) -> dict[str, int]:
    return _graph_lifetime(raw.get("media"), "reach")


# Platform -> the per-post reach (post id -> people reached) in its snapshot's answer.
READERS: dict[str, Callable[[dict[str, Any]], dict[str, int]]] = {
    "x": _x_posts,
    "facebook": _facebook_posts,
    "instagram": _instagram_media,
}


def posts_reach(platform: str, raw: dict[str, Any]) -> dict[str, int]:
    reader = READERS.get(platform)
    return reader(raw) if reader and isinstance(raw, dict) else {}


def post_reach_record(*, channel: Channel, raw: dict[str, Any], taken_at: dt.datetime) -> int:
    """Keep the reach of the channel's published posts named in ``raw`` (the latest figure stands);
    returns how many posts were measured. Call in the snapshot's transaction."""
    from townsquare.publishing.models import PostTarget

    figures = posts_reach(channel.platform, raw)
    if not figures:
        return 0
    targets = PostTarget.objects.filter(channel=channel, external_id__in=list(figures)).values_list("pk", "external_id")
    rows = [PostReach(target_id=pk, reach=figures[external_id], read_at=taken_at) for pk, external_id in targets]
    PostReach.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["target"], update_fields=["reach", "read_at"]
    )
    return len(rows)
