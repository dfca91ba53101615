"""The inbox's writes: storing what the connectors hand over, and working items (assign, status, notes, tags).

Every change an officer makes is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.inbox import pipeline
from townsquare.inbox.models import ReceivedItem


def inbound_store(*, channel: Channel, items: Sequence[InboundItem]) -> tuple[list[ReceivedItem], int]:
    """Store received items durably (those already stored for the channel are skipped), then normalise,
    index and classify them; returns (the new items, how many were duplicates).

    The items are stored whatever happens next: a later stage that fails leaves them flagged.
    """
    with transaction.atomic():
        new, duplicates = pipeline.store(channel, items)
    if new:
        pipeline.process(channel.council, new)
    return new, duplicates
