"""Reading a Bluesky list that pages newest first (notifications, post search) back to a cursor: the
newest ``indexedAt`` already read. Without a cursor, the newest page only is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from townsquare.connectors.base import InboundItem, InboundPage

MAX_PAGES = 20

Page = tuple[list[dict[str, Any]], str | None]  # the page's entries as dicts, and the next page's cursor


def read_back(
    fetch: Callable[[str | None], Page],
    keep: Callable[[dict[str, Any]], InboundItem | None],
    *,
    cursor: str,
    inclusive: bool,
    max_pages: int = MAX_PAGES,
) -> InboundPage:
    """Entries indexed after ``cursor`` (at or after it when ``inclusive``) that ``keep`` makes an item of,
    oldest first; the page's cursor is the newest ``indexedAt`` seen."""
    items: list[InboundItem] = []
    newest = cursor
    page_cursor: str | None = None
    for _ in range(max_pages):
        entries, page_cursor = fetch(page_cursor)
        reached = False
        for raw in entries:
            indexed = str(raw.get("indexedAt") or "")
            if cursor and indexed and (indexed < cursor if inclusive else indexed <= cursor):
                reached = True
                continue
            newest = max(newest, indexed) if indexed else newest
            item = keep(raw)
            if item is not None:
                items.append(item)
        if reached or not page_cursor or not cursor:
            break
    return InboundPage(items=sorted(items, key=lambda i: i.created_at), cursor=newest)
