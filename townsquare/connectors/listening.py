"""Listening: storing what a channel receives, by polling from its cursor or reading its stream.

A page of items and the cursor past it are stored in one transaction, so the cursor never moves
past an item that is not stored; a failed call is recorded on the connection, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError, InboundPage
from townsquare.connectors.models import Connection
from townsquare.connectors.services import (
    connection_keep_renewed,
    connection_record_error,
    connection_record_success,
    connector_for,
)
from townsquare.inbox.services import inbound_store


@dataclass(frozen=True)
class IngestResult:
    stored: int
    duplicates: int
    malformed: int
    cursor: str


def inbound_ingest_page(*, channel: Channel, page: InboundPage) -> IngestResult:
    """Store a page of items, then advance the cursor — in one transaction, so a cursor never
    moves past an item that is not stored."""
    with transaction.atomic():
        new, duplicates = inbound_store(channel=channel, items=page.items)
        if page.cursor:
            Connection.objects.filter(channel=channel).update(inbound_cursor=page.cursor, updated_at=timezone.now())
    return IngestResult(
        stored=len(new), duplicates=duplicates, malformed=sum(1 for r in new if r.malformed), cursor=page.cursor
    )


def inbound_poll(*, channel: Channel) -> IngestResult | None:
    """Fetch what arrived since the channel's cursor and store it; None when the call failed
    (the failure is recorded on the connection)."""
    connector = connector_for(channel)
    before = connector.credentials
    cursor = Connection.objects.filter(channel=channel).values_list("inbound_cursor", flat=True).first() or ""
    try:
        page = connector.fetch_inbound(cursor=cursor)
    except ConnectorError as error:
        connection_keep_renewed(channel=channel, connector=connector, before=before)
        connection_record_error(channel, error)
        return None
    result = inbound_ingest_page(channel=channel, page=page)
    connection_keep_renewed(channel=channel, connector=connector, before=before)
    connection_record_success(channel, connector.last_headroom)
    return result


def inbound_stream(*, channel: Channel, connector: Connector | None = None, limit: int | None = None) -> int:
    """Store items from the platform's stream as they arrive, until ``limit`` items or the stream ends.

    Each item is stored on its own before the next is read, so a crash loses nothing already seen.
    Where the platform's stream can be resumed, it starts after the position saved on the channel's
    connection (live the first time) and saves each new one there, only ever past items already
    stored: after a restart, a dropped connection or a reconnection, what was said in between is
    read too, as far back as the platform keeps its stream (an item read twice is stored once).
    """
    connector = connector or connector_for(channel)
    connector.stream_cursor = (
        Connection.objects.filter(channel_id=channel.pk).values_list("stream_cursor", flat=True).first() or ""
    )

    def keep(cursor: str) -> None:
        Connection.objects.filter(channel_id=channel.pk).update(stream_cursor=cursor, updated_at=timezone.now())

    connector.on_stream_cursor = keep
    stored = 0
    try:
        for item in connector.stream_inbound():
            new, _ = inbound_store(channel=channel, items=[item])
            stored += len(new)
            if limit is not None and stored >= limit:
                break
    except ConnectorError as error:
        connection_record_error(channel, error)
    finally:
        connector.stop_stream.set()
    return stored
