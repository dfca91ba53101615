"""X recent search (GET /2/tweets/search/recent, the last seven days) for listening: public posts containing
a term, newer than a cursor (the newest post id already read). Only some of X's access levels include it:
without it X answers 403 client-forbidden, raised as REJECTED for the caller to note against the search."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from townsquare.connectors.base import InboundPage

if TYPE_CHECKING:
    from townsquare.connectors.x.connector import XConnector

MAX_PAGES = 5


def search_query(term: str) -> str:
    """X's query for a term: a #hashtag as it is, words as a phrase; retweets left out (the original counts)."""
    words = term if term.startswith("#") or " " not in term else f'"{term}"'
    return f"{words} -is:retweet"


def search_posts(connector: XConnector, *, term: str, cursor: str = "") -> InboundPage:
    """Without a cursor, the newest page only (where listening starts)."""
    from townsquare.connectors.x.connector import POST_FIELDS

    params = {**POST_FIELDS, "query": search_query(term)}
    pages = MAX_PAGES if cursor else 1
    found, newest = connector.post_pages("/2/tweets/search/recent", params, cursor, pages=pages, token="next_token")
    items = [dataclasses.replace(item, kind="public_post") for item in found]
    return InboundPage(items=sorted(items, key=lambda i: i.created_at), cursor=newest)
