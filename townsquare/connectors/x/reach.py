"""Each post's reach on X: the account's snapshot (``fetch_metrics``) lists its posts of the last 28
days, each with its ``public_metrics.impression_count`` (views; X counts no people)."""

from __future__ import annotations

from typing import Any


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
