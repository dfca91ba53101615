"""X's answers read into the account's own posts and into inbound items (mentions and replies, direct messages),
and the inbound cursor holding both positions. What cannot be read is kept raw and flagged, never dropped."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from townsquare.connectors.base import AccountPost, InboundItem, malformed_item, platform_time

# What is asked for each of the account's own posts (``recent_posts``, ``read_post``).
OWN_POST_FIELDS = {"tweet.fields": "created_at"}


def own_post(raw: dict[str, Any], username: str) -> AccountPost:
    """One of the account's posts, asked for with ``OWN_POST_FIELDS``."""
    return AccountPost(
        external_id=str(raw["id"]),
        text=str(raw.get("text", "")),
        created_at=platform_time(raw.get("created_at")),
        url=f"https://x.com/{username}/status/{raw['id']}",
    )


def mention_item(raw: Any, users: dict[Any, dict[str, Any]]) -> InboundItem:
    try:
        author = users.get(raw["author_id"], {})
        replied_to = next(
            (ref["id"] for ref in raw.get("referenced_tweets", []) if ref.get("type") == "replied_to"), ""
        )
        username = str(author.get("username", ""))
        return InboundItem(
            external_id=str(raw["id"]),
            kind="reply" if replied_to else "mention",
            author_handle=username,
            author_name=str(author.get("name", "")),
            text=str(raw["text"]),
            created_at=dt.datetime.fromisoformat(str(raw["created_at"]).replace("Z", "+00:00")),
            url=f"https://x.com/{username or 'i'}/status/{raw['id']}",
            in_reply_to_external_id=str(replied_to),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, "mention", exc, text_key="text")


def direct_message_item(raw: Any, users: dict[Any, dict[str, Any]]) -> InboundItem:
    try:
        sender = users.get(raw["sender_id"], {})
        return InboundItem(
            external_id=str(raw["id"]),
            kind="direct_message",
            author_handle=str(sender.get("username", "")),
            author_name=str(sender.get("name", "")),
            text=str(raw["text"]),
            created_at=dt.datetime.fromisoformat(str(raw["created_at"]).replace("Z", "+00:00")),
            url=f"https://x.com/messages/{raw['dm_conversation_id']}" if raw.get("dm_conversation_id") else "",
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return malformed_item(raw, "direct_message", exc, text_key="text")


def parse_cursor(cursor: str) -> tuple[str, str]:
    """(mentions position, direct-messages position) from a cursor of either form."""
    if cursor.startswith("{"):
        try:
            data = json.loads(cursor)
        except ValueError:
            return "", ""
        if isinstance(data, dict):
            return str(data.get("mentions") or ""), str(data.get("direct_messages") or "")
        return "", ""
    return cursor, ""


def make_cursor(mentions: str, direct_messages: str) -> str:
    if not mentions and not direct_messages:
        return ""
    return json.dumps({"mentions": mentions, "direct_messages": direct_messages}, sort_keys=True)


def id_key(value: str) -> tuple[int, str]:
    return (len(value), value)
