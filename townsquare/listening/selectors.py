"""Reads for listening: a council's queries, "Try it" over recent items, and matching for ingest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.listening.cache import compiled_for
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.listening.query import Node, matches

if TYPE_CHECKING:
    from townsquare.inbox.models import ReceivedItem

TRY_DAYS = 30
TRY_SHOWN = 50


def received_item_model() -> type[ReceivedItem]:
    """Where received items are kept (the one place to change when that model moves)."""
    from townsquare.inbox.models import ReceivedItem as Model

    return Model


def queries_of(council: Council) -> models.QuerySet[ListeningQuery]:
    return ListeningQuery.objects.filter(council=council).select_related("owner").prefetch_related("channels")


CAUGHT_DAYS = 7


def caught_since(days: int = CAUGHT_DAYS) -> dt.date:
    """The first of the last ``days`` days, today the last of them (the council's time zone)."""
    return timezone.localdate() - dt.timedelta(days=days - 1)


def caught_recently(council: Council, days: int = CAUGHT_DAYS) -> dict[int, int]:
    """How many messages each of the council's queries caught since the start of ``caught_since(days)``,
    by query id (a query that caught nothing is absent). Read by the matches' time index."""
    first = caught_since(days)
    since = timezone.make_aware(dt.datetime(first.year, first.month, first.day))
    counted = (
        ListeningMatch.objects.filter(at__gte=since, council_id=council.pk)
        .values("query_id")
        .annotate(caught=models.Count("id"))
        .order_by()
    )
    return {row["query_id"]: row["caught"] for row in counted}


def query_of(council: Council, pk: int) -> ListeningQuery:
    """The council's query, or 404 (another council's query is not found, never shown)."""
    return get_object_or_404(ListeningQuery, council=council, pk=pk)


@dataclass(frozen=True)
class TryResult:
    caught: list[Any]
    caught_count: int
    looked_at: int
    days: int = TRY_DAYS


def try_query(
    *,
    council: Council,
    tree: Node,
    platforms: Sequence[str] = (),
    channel_ids: Sequence[int] = (),
    now: dt.datetime | None = None,
) -> TryResult:
    """What a query would have caught among the council's items received in the last 30 days."""
    since = (now or timezone.now()) - dt.timedelta(days=TRY_DAYS)
    items = received_item_model().objects.filter(council=council, received_at__gte=since)
    if platforms:
        items = items.filter(channel__platform__in=list(platforms))
    if channel_ids:
        items = items.filter(channel_id__in=list(channel_ids))
    caught_ids: list[int] = []
    looked_at = 0
    for pk, text in items.order_by("-received_at", "-pk").values_list("pk", "text").iterator(chunk_size=2000):
        looked_at += 1
        if matches(tree, text):
            caught_ids.append(pk)
    shown = received_item_model().objects.filter(pk__in=caught_ids[:TRY_SHOWN]).select_related("channel")
    return TryResult(list(shown.order_by("-received_at", "-pk")), len(caught_ids), looked_at)


def listening_match(
    council_id: int, texts: Sequence[str], channel_ids: Sequence[int | None] | None = None
) -> list[list[int]]:
    """For each text, the ids of the council's active queries it matches (ascending), in one scan per
    text against the council's compiled set. ``channel_ids`` (one per text) applies each query's
    platforms and channels; without it every query applies."""
    return compiled_for(council_id).hits(texts, channel_ids)
