"""Writes for listening: save and delete queries, each audited in the same transaction, each moving
the council's revision so every process recompiles its set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel, Platform
from townsquare.councils.models import Council
from townsquare.listening.models import ListeningQuery, ListeningRevision
from townsquare.listening.query import parse


def _snapshot(query: ListeningQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "query": query.query,
        "owner": query.owner_id,
        "active": query.active,
        "sensitivity": query.sensitivity,
        "platforms": list(query.platforms),
        "channels": sorted(query.channels.values_list("pk", flat=True)),
    }


def _revision_lock(council: Council) -> None:
    """Lock the council's revision first in any change to its queries: the ingest share-locks it while
    it keeps matches (ingest.py), so a change waits for a batch in hand and the next batch sees it."""
    ListeningRevision.objects.select_for_update().get_or_create(council=council)


def _revision_bump(council: Council) -> None:
    ListeningRevision.objects.filter(council=council).update(version=F("version") + 1)


def listening_query_save(
    *,
    actor: Any,
    council: Council,
    query: ListeningQuery | None = None,
    name: str,
    text: str,
    owner: Any = None,
    platforms: Sequence[str] = (),
    channels: Sequence[Channel] = (),
    active: bool = True,
    sensitivity: float = 3.0,
) -> ListeningQuery:
    """Create or change a query. Raises ``QuerySyntaxError`` (nothing saved) if the text cannot be parsed,
    ``ValueError`` for a platform or account that is not the council's."""
    parse(text)
    unknown = [p for p in platforms if p not in Platform.values]
    if unknown:
        raise ValueError(f"Not a platform: {', '.join(unknown)}")
    if any(c.council_id != council.pk for c in channels):
        raise ValueError("An account chosen is not this council's")
    with transaction.atomic():
        _revision_lock(council)
        creating = query is None
        row = query or ListeningQuery(council=council)
        before = None if creating else _snapshot(ListeningQuery.objects.get(pk=row.pk))
        row.name, row.query, row.owner, row.active = name, text, owner, active
        row.platforms = sorted(set(platforms))
        row.sensitivity = float(sensitivity)
        row.save()
        row.channels.set(channels)
        after = _snapshot(row)
        if creating or after != before:
            audit_record(
                actor=actor,
                council=council,
                action=f"listening.query_{'created' if creating else 'updated'}",
                obj=row,
                before=before,
                after=after,
            )
            _revision_bump(council)
    return row


def listening_query_delete(*, actor: Any, council: Council, query: ListeningQuery) -> None:
    with transaction.atomic():
        _revision_lock(council)
        before = _snapshot(query)
        audit_record(actor=actor, council=council, action="listening.query_deleted", obj=query, before=before)
        query.delete()
        _revision_bump(council)
