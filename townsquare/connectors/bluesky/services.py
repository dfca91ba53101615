"""Listening to the Bluesky firehose for a channel, from where it last stopped."""

from __future__ import annotations

from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connector_for, inbound_stream


def firehose_listen(*, channel: Channel, connector: BlueskyConnector | None = None, limit: int | None = None) -> int:
    """Store posts naming the channel's account as they reach the firehose; returns how many were new.

    Starts after the position saved on the channel's connection (live the first time) and saves
    each new one there, only ever past items already stored. So after a restart, a dropped
    connection or the channel being reconnected, what was said in between is read too, as far
    back as the server keeps its stream; an item read twice at the boundary is stored once.
    Ends, like ``inbound_stream``, after ``limit`` new items or when the stream ends (recorded).
    """
    connection = Connection.objects.filter(channel_id=channel.pk).first()
    if connector is None:
        found = connector_for(channel, connection=connection)
        if not isinstance(found, BlueskyConnector):
            raise ValueError(f"{channel} is not a Bluesky channel.")
        connector = found
    connector.stream_cursor = connection.stream_cursor if connection is not None else ""

    def keep(cursor: str) -> None:
        Connection.objects.filter(channel_id=channel.pk).update(stream_cursor=cursor, updated_at=timezone.now())

    connector.on_stream_cursor = keep
    return inbound_stream(channel=channel, connector=connector, limit=limit)
