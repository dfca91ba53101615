"""Each video's reach on YouTube: its views to date (Data API ``videos.list``, ``statistics.viewCount``;
YouTube counts no people per video) for the channel's latest uploads, found in its uploads playlist
(``channels.list`` ``contentDetails``). Each read costs one quota unit, where a search costs 100."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RECENT = 50  # the latest uploads measured each day: one page of the playlist, one statistics call
WHAT = "the videos' views"
# What the channel page says when YouTube refuses the videos' statistics (subscribers are still measured).
REFUSED = (
    "YouTube did not let Townsquare read the videos' statistics: the connection is missing a permission. "
    "Subscribers are still measured; videos stay published, not measured. Reconnect the channel and grant "
    "every permission asked for."
)


def fetch(youtube: Any, execute: Callable[[Any], dict[str, Any]], channel: dict[str, Any]) -> dict[str, Any]:
    """The statistics of the channel's latest uploads (``channel``: its ``channels.list`` item with
    ``contentDetails``; nothing when it has none)."""
    uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
    if not uploads:
        return {"items": []}
    listed = execute(youtube.playlistItems().list(part="contentDetails", playlistId=uploads, maxResults=RECENT))
    details = [item.get("contentDetails") for item in listed.get("items") or [] if isinstance(item, dict)]
    ids = [str(found["videoId"]) for found in details if isinstance(found, dict) and found.get("videoId")]
    if not ids:
        return {"items": []}
    return execute(youtube.videos().list(part="statistics", id=",".join(ids)))


def posts_reach(raw: dict[str, Any]) -> dict[str, int]:
    """Video id -> views, from the statistics kept with the snapshot (``videos``)."""
    videos = raw.get("videos")
    found: dict[str, int] = {}
    for video in (videos.get("items") or []) if isinstance(videos, dict) else []:
        statistics = video.get("statistics") if isinstance(video, dict) else None
        if not isinstance(statistics, dict) or not str(video.get("id", "")) or "viewCount" not in statistics:
            continue  # a video whose views are hidden or not yet counted: left out, not guessed
        try:
            found[str(video["id"])] = max(int(statistics["viewCount"]), 0)
        except (TypeError, ValueError):
            continue
    return found
