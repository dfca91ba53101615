"""The inbox list a page at a time, by keyset: each page starts after (or before) the item a cursor names,
so a page costs the same far back as at the top, and items arriving meanwhile do not shift the pages.

Pages are newest first: by ``received_at`` then id, and a text search by id (the order the full-text
index keeps, so that the search reads only as many hits as the page needs; ids follow arrival). A
cursor is ``o`` (older than) or ``n`` (newer than) followed by the position: the item's ``received_at``
in microseconds since 1970 and its id, e.g. ``o1764000000000000.4711``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from townsquare.inbox import search
from townsquare.inbox.models import ReceivedItem
from townsquare.keptsql import kept_values

CURSOR = re.compile(r"([on])(-?\d{1,20})\.(\d{1,12})")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
COUNT_CAP = 1_000
# Text search on SQLite: the index is read in windows of its newest hits, the first just a page, then
# four times larger each round, at most this many ids a round (well under SQLite's bound parameters).
MAX_WINDOW = 20_000
COUNT_WINDOW = 5_000
KEEP_CAPPED_SECONDS = 60
KEEP_HITS = 256  # a text search's statement is kept (``keptsql``) for a window of at most this many hits


@dataclass(frozen=True)
class Cursor:
    older: bool  # the page after this position (older items); else the page before it (newer items)
    received_at: dt.datetime
    pk: int

    def __str__(self) -> str:
        micros = (self.received_at - EPOCH) // dt.timedelta(microseconds=1)
        return f"{'o' if self.older else 'n'}{micros}.{self.pk}"


def cursor_parse(text: str) -> Cursor | None:
    """The cursor in ``text``, or None when there is none or it cannot be read (then: the first page)."""
    found = CURSOR.fullmatch((text or "").strip())
    if not found:
        return None
    try:
        at = EPOCH + dt.timedelta(microseconds=int(found[2]))
    except OverflowError:
        return None
    return Cursor(older=found[1] == "o", received_at=at, pk=int(found[3]))


def _cursor(item: Any, *, older: bool) -> str:
    """The cursor beside ``item`` (a model instance, or its values as a dict)."""
    at, pk = (item["received_at"], item["pk"]) if isinstance(item, dict) else (item.received_at, item.pk)
    return str(Cursor(older=older, received_at=at or EPOCH, pk=pk))


@dataclass(frozen=True)
class ItemPage:
    items: list[Any]  # as ``items`` gave them: instances, or dicts of values
    older: str  # the cursor of the next page (older items); empty on the last
    newer: str  # the cursor of the previous page (newer items); empty on the first


def _position(items: QuerySet[ReceivedItem], cursor: Cursor, by_id: bool) -> QuerySet[ReceivedItem]:
    """The items beyond the cursor, in the page's order (written so the newest-first index serves it)."""
    if by_id:
        return items.filter(pk__lt=cursor.pk) if cursor.older else items.filter(pk__gt=cursor.pk)
    at = cursor.received_at
    if cursor.older:
        return items.filter(received_at__lte=at).exclude(Q(received_at=at) & Q(pk__gte=cursor.pk))
    return items.filter(received_at__gte=at).exclude(Q(received_at=at) & Q(pk__lte=cursor.pk))


def _order(by_id: bool, newest_first: bool) -> list[str]:
    fields = ["pk"] if by_id else ["received_at", "pk"]
    return [f"-{f}" for f in fields] if newest_first else fields


Items = QuerySet[ReceivedItem] | Callable[[], QuerySet[ReceivedItem]]


def _built(items: Items) -> Callable[[], QuerySet[ReceivedItem]]:
    """``items`` as a function giving the queryset, built the first time it is asked for."""
    if isinstance(items, QuerySet):
        return lambda: items
    made: list[QuerySet[ReceivedItem]] = []

    def build() -> QuerySet[ReceivedItem]:
        if not made:
            made.append(items())
        return made[0]

    return build


def _rows(named: str, key: tuple[Any, ...], make: Callable[[], QuerySet[Any]]) -> list[Any]:
    return kept_values(ReceivedItem, (named, *key), make) if named else list(make())


def _search_window(
    items: Callable[[], QuerySet[ReceivedItem]], query: str, cursor: Cursor | None, want: int, named: str
) -> list[Any]:
    """SQLite: the items among the index's hits beyond the cursor, a window of hits at a time, until
    ``want`` are found or the hits run out. Only the hits a page needs are read from the index."""
    older = cursor is None or cursor.older
    bound = cursor.pk if cursor else None
    window = want
    found: list[Any] = []
    while True:
        ids = search.hit_ids(query, beyond=bound, older=older, limit=window)
        if not ids:
            return found
        wanted = want - len(found)
        found += _rows(
            named if len(ids) <= KEEP_HITS else "",  # a wide window's statement is not worth its memory
            ("hits", tuple(ids), older, wanted),
            lambda: items().filter(pk__in=ids).order_by(*_order(True, older))[:wanted],  # noqa: B023 - run at once
        )
        if len(found) >= want or len(ids) < window:
            return found
        bound = ids[-1]
        window = min(window * 4, MAX_WINDOW)


def item_page(items: Items, *, query: str = "", cursor: Cursor | None, size: int, named: str = "") -> ItemPage:
    """One page of ``items`` (already limited to what the person may see, and filtered) matching the
    text ``query``, from ``cursor``: ``size`` items and the cursors either side.

    ``items``: the queryset, or a function that builds it. ``named``, for a values queryset: what selects
    ``items`` (as ``item_count`` takes it); the page's SQL is then compiled once per name, text, cursor and
    size (``keptsql``), and ``items`` built only then."""
    by_id = bool(search.words(query))
    older = cursor is None or cursor.older
    built = _built(items)
    if by_id and connection.vendor == "sqlite":
        rows = _search_window(built, query, cursor, size + 1, named)
    else:

        def page() -> QuerySet[Any]:
            chosen = built()
            if by_id:
                chosen = search.search_filter(chosen, query)
            if cursor is not None:
                chosen = _position(chosen, cursor, by_id)
            return chosen.order_by(*_order(by_id, older))[: size + 1]

        rows = _rows(named, ("page", query, str(cursor or ""), size), page)
    more = len(rows) > size
    rows = rows[:size]
    if not older:
        rows.reverse()
    if not rows:
        return ItemPage([], "", "")
    has_older = more if older else True
    has_newer = cursor is not None if older else more
    return ItemPage(
        rows,
        _cursor(rows[-1], older=True) if has_older else "",
        _cursor(rows[0], older=False) if has_newer else "",
    )


def item_count(items: Items, *, query: str = "", named: str = "") -> tuple[int, bool]:
    """How many of ``items`` match ``query``, up to ``COUNT_CAP``, and whether there are more.

    Counted unordered, so the database may read whichever index fits the filters. A text search on
    SQLite first counts among the newest hits of the index only, which is enough when they hold more
    than the cap or are all the hits there are. "More than the cap" is kept for a minute, in this
    process, for the same query (its SQL names the council, what the person may see and the filters):
    reaching the cap may read many rows, and such a count hardly changes from one minute to the next.
    A smaller count is taken afresh each time (it is cheap, and people expect it to follow their work).
    ``named``: what selects ``items`` (council, person, channels, filters), when the caller can say it
    without the SQL: printing the query costs more than the rest of a count kept. ``items``: the queryset,
    or a function that builds it (only when it is counted)."""
    built = _built(items)
    try:
        selected = named or str(built().query)
    except EmptyResultSet:
        return 0, False
    key = "inbox:capped:" + hashlib.sha256(f"{COUNT_CAP}|{query}|{selected}".encode()).hexdigest()
    if cache.get(key):
        return COUNT_CAP, True
    counted = _count(built(), query)
    if counted > COUNT_CAP:
        cache.set(key, True, KEEP_CAPPED_SECONDS)
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def _count(items: QuerySet[ReceivedItem], query: str) -> int:
    if search.words(query) and connection.vendor == "sqlite":
        ids = search.hit_ids(query, beyond=None, older=True, limit=COUNT_WINDOW)
        counted = int(items.filter(pk__in=ids).order_by()[: COUNT_CAP + 1].count())
        if counted <= COUNT_CAP and len(ids) == COUNT_WINDOW:
            counted = int(search.search_filter(items, query).order_by()[: COUNT_CAP + 1].count())
    else:
        counted = int(search.search_filter(items, query).order_by()[: COUNT_CAP + 1].count())
    return counted
