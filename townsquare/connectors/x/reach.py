"""Each post's reach on X: the account's snapshot (``fetch_metrics``) lists its posts of the last 28
days, each with its ``public_metrics.impression_count`` (views; X counts no people). The list is an
optional part of the snapshot (``connectors.snapshot_parts``): the followers are kept without it."""

from __future__ import annotations

from typing import Any

WHAT = "the last 28 days' posts' impressions and engagements"
REFUSED = (
    "X did not let Townsquare read the account's posts: the connection is missing a permission, or "
    "Townsquare's app lacks the access level for it. Followers are still measured; impressions and "
    "engagements are not, and posts stay published, not measured. Reconnect the channel and grant every "
    "permission asked for."
)
TWEETS = {"max_results": 100, "tweet.fields": "public_metrics", "exclude": "retweets"}  # the posts' list
ENGAGEMENTS = ("like_count", "retweet_count", "reply_count", "quote_count", "bookmark_count")


def totals(tweets: dict[str, Any] | None) -> tuple[int | None, int | None]:
    """Impressions and engagements added up over the posts listed; None for both when not read."""
    if tweets is None:
        return None, None
    impressions = engagements = 0
    for tweet in tweets.get("data", []):
        counts = tweet.get("public_metrics") or {}
        impressions += int(counts.get("impression_count", 0))
        engagements += sum(int(counts.get(name, 0)) for name in ENGAGEMENTS)
    return impressions, engagements


def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
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
