"""Mastodon search for listening: a #hashtag's public timeline, or statuses containing words (search v2),
newer than a cursor (the newest status id already read)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from townsquare.connectors.base import InboundItem, InboundPage
from townsquare.connectors.mastodon.parsing import id_key, newest_id, parse_notification

if TYPE_CHECKING:
    from townsquare.connectors.mastodon.connector import MastodonConnector

PAGE_SIZE = 40


def from_status(raw: dict[str, Any]) -> InboundItem:
    """A status as an item, read as a mention's status is; the status itself is kept raw."""
    wrapped = {"status": raw, "account": raw.get("account"), "created_at": raw.get("created_at")}
    return dataclasses.replace(parse_notification(wrapped), kind="public_post", raw=raw)


def search_posts(connector: MastodonConnector, *, term: str, cursor: str = "") -> InboundPage:
    api = connector._client()
    since: dict[str, Any] = {"min_id": cursor} if cursor else {}
    if term.startswith("#"):
        connector._read(lambda: api.timeline_hashtag(term[1:], limit=PAGE_SIZE, **since))
        statuses = connector._last_json()
    else:
        connector._read(lambda: api.search_v2(term, resolve=False, result_type="statuses", **since))
        answer = connector._last_json()
        statuses = answer.get("statuses") if isinstance(answer, dict) else []
    found = [s for s in statuses or [] if isinstance(s, dict) and s.get("id") is not None]
    # Search may answer with older statuses too (servers differ on min_id there): keep the new ones.
    fresh = [s for s in found if not cursor or id_key(str(s["id"])) > id_key(cursor)]
    items = sorted((from_status(s) for s in fresh), key=lambda i: id_key(i.external_id))
    return InboundPage(items=items, cursor=newest_id([s["id"] for s in fresh], cursor))
