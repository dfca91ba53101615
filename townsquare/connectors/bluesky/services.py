"""Listening to the Bluesky firehose for a channel, from where it last stopped."""

from __future__ import annotations

from townsquare.channels.models import Channel
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.connectors.services import connector_for, inbound_stream


def firehose_listen(*, channel: Channel, connector: BlueskyConnector | None = None, limit: int | None = None) -> int:
    """Store posts naming the channel's account as they reach the firehose; returns how many were new.

    ``inbound_stream`` resumes after the position saved on the channel's connection and saves each
    new one; this only makes sure the channel is a Bluesky one.
    """
    found = connector or connector_for(channel)
    if not isinstance(found, BlueskyConnector):
        raise ValueError(f"{channel} is not a Bluesky channel.")
    return inbound_stream(channel=channel, connector=found, limit=limit)
