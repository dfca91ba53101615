"""Listening beyond the council's own mentions: each active query searches the platforms that offer search
(through each connected account's connector), and what is found is stored through the inbox's ingest.

Each query and account keeps its cursors (one per search term) and moves one only after the items it
covers are stored: a poll that fails, or a disconnection, loses nothing: the next poll resumes there.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.registry import connector_class
from townsquare.connectors.selectors import channels_due_for_calls
from townsquare.connectors.services import (
    connection_keep_renewed,
    connection_record_error,
    connection_record_success,
    connector_for,
)
from townsquare.inbox.services import inbound_store
from townsquare.listening.models import ListeningQuery, SearchCursor
from townsquare.listening.query import And, Atom, Near, Node, Not, Or, QuerySyntaxError, parse

log = logging.getLogger(__name__)
MAX_TERMS = 10


def search_terms(tree: Node) -> list[str] | None:
    """Terms such that every text the query matches contains one of them (what to ask a platform's search
    for; the query itself then decides). None when there is no such set (a query of only NOT)."""
    if isinstance(tree, Atom):
        return [" ".join(tree.words)]
    if isinstance(tree, Near):
        return search_terms(tree.left)
    if isinstance(tree, Not):
        return None
    parts = [search_terms(child) for child in tree.children]
    if isinstance(tree, Or):
        if any(p is None for p in parts):
            return None
        return list(dict.fromkeys(term for p in parts if p for term in p))
    assert isinstance(tree, And)
    known = [p for p in parts if p is not None]
    return min(known, key=len) if known else None


def query_search(*, query: ListeningQuery, channel: Channel) -> int:
    """Search the account's platform for the query's terms and store what is new; returns how many were stored."""
    try:
        terms = search_terms(parse(query.query)) or []
    except QuerySyntaxError:
        return 0
    connector = connector_for(channel)
    if not connector.can_search() or not terms:
        return 0
    before = connector.credentials
    row, _ = SearchCursor.objects.get_or_create(query=query, channel=channel)
    cursors = dict(row.cursors)
    stored = 0
    try:
        for term in terms[:MAX_TERMS]:
            page = connector.search_posts(term=term, cursor=cursors.get(term, ""))
            new, _ = inbound_store(channel=channel, items=page.items)
            stored += len(new)
            cursors[term] = page.cursor
            SearchCursor.objects.filter(pk=row.pk).update(cursors=cursors, polled_at=timezone.now(), error="")
    except ConnectorError as error:
        SearchCursor.objects.filter(pk=row.pk).update(polled_at=timezone.now(), error=error.message[:2000])
        if error.kind != ErrorKind.REJECTED:  # refused search (an access level without it) is the search's alone
            connection_record_error(channel, error)
    else:
        connection_record_success(channel, connector.last_headroom)
    finally:
        connection_keep_renewed(channel=channel, connector=connector, before=before)
    return stored


def _searchable(channel: Channel) -> bool:
    try:
        return connector_class(channel.platform).can_search()
    except LookupError:
        return False


def _applies(query: ListeningQuery, channel: Channel, chosen: set[int]) -> bool:
    if chosen and channel.pk not in chosen:
        return False
    return not query.platforms or channel.platform in query.platforms


def search_all() -> int:
    """Every active query on every connected account able to search; one failure never stops the others."""
    stored = 0
    channels = [c for c in channels_due_for_calls() if _searchable(c)]
    for query in ListeningQuery.objects.filter(active=True, council_id__in={c.council_id for c in channels}):
        chosen = set(query.channels.values_list("pk", flat=True))
        for channel in channels:
            if channel.council_id == query.council_id and _applies(query, channel, chosen):
                try:
                    stored += query_search(query=query, channel=channel)
                except Exception as exc:  # one account's surprise must not stop the others
                    log.warning("listening search of channel %s failed: %s", channel.pk, type(exc).__name__)
    return stored


def search_job(job: object) -> None:
    search_all()
