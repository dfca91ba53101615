"""Archived records made straight through the capture service, for the archive's tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import Capture, archive_capture
from townsquare.channels.models import Channel


def capture(channel: Channel, n: int, text: str, *, days_ago: float = 0, kind: str = "post") -> Capture:
    """Record ``n`` of a channel: source ``t:<n>``, external id and thread ``e<n>``, by the channel's handle."""
    return Capture(
        council_id=channel.council_id,
        source=f"t:{n}",
        kind=kind,
        channel_id=channel.pk,
        platform=channel.platform,
        external_id=f"e{n}",
        author=channel.handle,
        thread_key=f"e{n}",
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        text=text,
    )


def archived(channel: Channel, n: int, text: str, *, days_ago: float = 0, kind: str = "post") -> ArchiveRecord:
    [record] = archive_capture(captures=[capture(channel, n, text, days_ago=days_ago, kind=kind)])
    return record
