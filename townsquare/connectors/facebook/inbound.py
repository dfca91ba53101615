"""Graph objects -> InboundItem. Anything that cannot be read is kept raw and flagged, never dropped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from townsquare.connectors.base import InboundItem, malformed_item


def parse_time(value: Any) -> dt.datetime:
    """Graph writes times as ``2025-03-01T09:30:00+0000``."""
    return dt.datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")


def from_graph(raw: Any, *, kind: str, in_reply_to: str = "") -> InboundItem:
    """A comment, tagged post or message (``message``, ``from{id,name}``, ``created_time``)."""
    try:
        author = raw.get("from") or {}
        parent = raw.get("parent") or {}
        return InboundItem(
            external_id=str(raw["id"]),
            kind="reply" if kind == "comment" and parent else kind,
            author_handle=str(author.get("id", "")),
            author_name=str(author.get("name", "")),
            text=str(raw.get("message", "")),
            created_at=parse_time(raw["created_time"]),
            url=str(raw.get("permalink_url", "")),
            in_reply_to_external_id=str(parent.get("id") or in_reply_to),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, kind, exc)


def since(items: list[InboundItem], cursor: str) -> tuple[list[InboundItem], str]:
    """Items at or after the cursor (the store is keyed by external id, so a repeat at the boundary
    is harmless and nothing said in the same second is lost), and the cursor to resume from."""
    after = dt.datetime.fromisoformat(cursor) if cursor else None
    kept = [i for i in items if i.malformed or after is None or i.created_at >= after]
    times = [i.created_at for i in kept if not i.malformed]
    newest = max(times, default=after)
    return kept, newest.isoformat() if newest else cursor
