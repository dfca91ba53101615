"""LinkedIn's "little text" (commentary with its reserved characters escaped) and comments read as inbound items.

A comment that cannot be read is kept as a malformed item, with its error, rather than dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from townsquare.connectors.base import InboundItem

LITTLE_TEXT_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def escape_little_text(text: str) -> str:
    return LITTLE_TEXT_RESERVED.sub(r"\\\1", text)


def unescape_little_text(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def comment_item(raw: Any, post_urn: str) -> InboundItem:
    try:
        comment_urn = str(raw.get("$URN") or raw.get("commentUrn") or raw["id"])
        return InboundItem(
            external_id=comment_urn,
            kind="reply" if raw.get("parentComment") else "comment",
            author_handle=str(raw["actor"]),
            author_name="",
            text=str(raw["message"]["text"]),
            created_at=dt.datetime.fromtimestamp(int(raw["created"]["time"]) / 1000, dt.UTC),
            url=f"https://www.linkedin.com/feed/update/{post_urn}/",
            in_reply_to_external_id=str(raw.get("parentComment") or post_urn),
            raw=raw,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raw_dict = raw if isinstance(raw, dict) else {"value": raw}
        digest = hashlib.sha256(json.dumps(raw_dict, sort_keys=True, default=str).encode()).hexdigest()[:16]
        return InboundItem(
            external_id=str(raw_dict.get("$URN") or raw_dict.get("id") or f"malformed:{digest}"),
            kind="comment",
            author_handle="",
            author_name="",
            text="",
            created_at=dt.datetime.now(dt.UTC),
            raw=raw_dict,
            malformed=True,
            parse_error=f"{type(exc).__name__}: {exc}",
        )
