"""The inbox ingest's listening stage: match each new item against its council's compiled queries (the set
already built; see cache.py), keep the matches, then run the council's triggers on the same items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.listening.selectors import listening_match
from townsquare.listening.triggers import triggers_run

if TYPE_CHECKING:
    from townsquare.inbox.models import ReceivedItem


def listening_ingest(council: Council, rows: list[ReceivedItem]) -> dict[int, list[int]]:
    """Store which queries caught each item and fire the triggers; returns item id -> query ids."""
    hits = listening_match(council.pk, [r.text for r in rows], [r.channel_id for r in rows])
    # The set in hand may be seconds older than the queries: one deleted or paused since catches nothing.
    live = set(
        ListeningQuery.objects.filter(
            council=council, active=True, pk__in={q for ids in hits for q in ids}
        ).values_list("pk", flat=True)
    )
    hits = [[q for q in ids if q in live] for ids in hits]
    now = timezone.now()
    caught = {row.pk: ids for row, ids in zip(rows, hits, strict=True) if ids}
    ListeningMatch.objects.bulk_create(
        [
            ListeningMatch(
                council_id=council.pk, query_id=q, item_id=row.pk, channel_id=row.channel_id, at=row.created_at or now
            )
            for row, ids in zip(rows, hits, strict=True)
            for q in ids
        ],
        ignore_conflicts=True,
    )
    triggers_run(council=council, rows=rows, caught=caught)
    return caught
