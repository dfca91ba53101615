"""Bluesky post search (app.bsky.feed.searchPosts, served by the AppView through the account's PDS): public
posts containing a term, whoever they name, newer than a cursor (the newest ``indexedAt`` already read)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from atproto_client.models.utils import get_model_as_dict

from townsquare.connectors.base import InboundItem, InboundPage
from townsquare.connectors.bluesky.paging import Page, read_back
from townsquare.connectors.bluesky.parsing import from_notification

if TYPE_CHECKING:
    from townsquare.connectors.bluesky.connector import BlueskyConnector

PAGE_SIZE = 50
MAX_PAGES = 10


def from_post_view(raw: dict[str, Any]) -> InboundItem:
    """A post view (uri, author, record, indexedAt) as an item: read as a notification is, kind public_post."""
    return dataclasses.replace(from_notification(raw), kind="public_post")


def search_posts(connector: BlueskyConnector, *, term: str, cursor: str = "") -> InboundPage:
    """Newest first from the AppView, read back until the cursor is reached (the first time: one page)."""
    client = connector._api()

    def fetch(page_cursor: str | None) -> Page:
        params: dict[str, Any] = {"q": term, "limit": PAGE_SIZE, "sort": "latest"}
        if page_cursor:
            params["cursor"] = page_cursor
        page = connector._read(lambda: client.app.bsky.feed.search_posts(params))
        return [get_model_as_dict(p) for p in page.posts], page.cursor

    return read_back(fetch, from_post_view, cursor=cursor, inclusive=False, max_pages=MAX_PAGES)
