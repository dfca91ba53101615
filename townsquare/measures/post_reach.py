"""Each published post's reach, read from the account's daily snapshot by the platform's connector
(``Connector.posts_reach``: each connector knows what its snapshot carries) and kept against the post
(its ``PostTarget``) in the snapshot's transaction, so that the reach of meeting-promotion posts is a
sum of rows.

What the connectors read: people who saw each post on Facebook (``post_total_media_view_unique``),
Instagram (``reach``) and LinkedIn (the share statistics' ``uniqueImpressionsCount``); views on X
(``impression_count``) and YouTube (each video's ``viewCount``), which count no people. Mastodon and
Bluesky count no views of a post: their posts have no reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.channels.models import Channel
from townsquare.connectors.registry import connector_class
from townsquare.measures.models import PostReach


def posts_reach(platform: str, raw: dict[str, Any]) -> dict[str, int]:
    """Post id -> its reach, as the platform's connector reads it from its snapshot's ``raw``."""
    try:
        connector = connector_class(platform)
    except LookupError:
        return {}
    return connector.posts_reach(raw) if isinstance(raw, dict) else {}


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
