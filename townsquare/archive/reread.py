"""Edits and deletions made on the platform itself, found by reading each channel's recent posts again.

A post archived as published is compared with what the account shows now: other words make a new
version; a post missing from the account's page, though the page reaches back past it, is recorded as
deleted. Words are compared as the platforms give them back (case, spacing and links aside: platforms
rewrite links and wrap text in markup). A page that shows no posts at all proves nothing, so nothing
is marked deleted from it. Platforms whose posts cannot be read say so, plainly. The same read settles
the changes made from Townsquare that their platform did not confirm (``published_unconfirmed``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord, ArchiveVersion, Kind
from townsquare.archive.selectors import comparable, versions_in_order
from townsquare.archive.services import archive_deletion_seen, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connector_for
from townsquare.publishing.models import UnconfirmedChange
from townsquare.publishing.published_unconfirmed import unconfirmed_settle_seen
from townsquare.storable import storable_text

# How far back each re-read looks; a post older than this is no longer compared.
WINDOW = dt.timedelta(days=14)
# A post this new may not be listed yet by the platform: never judged missing.
GRACE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Reread:
    channel_id: int
    read: int = 0
    edits: int = 0
    deletions: int = 0
    message: str = ""
    settled: int = 0  # changes made from Townsquare that the platform had not confirmed, settled from this read


def _last_words(record: ArchiveRecord) -> str:
    kept = [v for v in record.versions.all() if v.event != ArchiveVersion.Event.DELETED]
    return kept[-1].text if kept else ""


def channel_reread(*, channel: Channel, connector: Connector | None = None, now: dt.datetime | None = None) -> Reread:
    """Compare the channel's archived posts of the last ``WINDOW`` with the account as it is now."""
    now = now or timezone.now()
    since = now - WINDOW
    try:
        connector = connector or connector_for(channel)
        posts = connector.recent_posts(since=since)
    except NotImplementedError:
        return Reread(channel.pk, message=f"Reading recent posts is not available on {channel.get_platform_display()}.")
    except ConnectorError as error:
        return Reread(channel.pk, message=f"Could not read the account: {error.message}")
    # First, so that a change of Townsquare's seen made is recorded as its own, not as one made on the platform.
    settled = unconfirmed_settle_seen(channel=channel, connector=connector, posts=posts, now=now)
    seen = {p.external_id: p for p in posts if p.external_id}
    dated = [p.created_at for p in posts if p.created_at is not None]
    reaches_back_to = min(dated) if dated else None
    records = (
        ArchiveRecord.objects.filter(
            channel=channel, kind__in=[Kind.POST, Kind.REPLY], deleted_at__isnull=True, occurred_at__gte=since
        )
        .exclude(external_id="")
        .prefetch_related(versions_in_order())
    )
    edits = deletions = 0
    for record in records:
        post = seen.get(record.external_id)
        if post is not None:
            text = storable_text(post.text)
            if comparable(text) != comparable(_last_words(record)):
                meta = {"seen_on_platform": True, "url": storable_text(post.url)}
                edits += archive_edit_seen(record=record, text=text, metadata=meta, at=now) is not None
        elif reaches_back_to is not None and reaches_back_to <= record.occurred_at <= now - GRACE:
            how = "Not on the account when its recent posts were read again."
            deletions += archive_deletion_seen(record=record, how=how, at=now) is not None
    return Reread(channel.pk, read=len(posts), edits=edits, deletions=deletions, settled=settled)


def archive_reread(*, now: dt.datetime | None = None) -> list[Reread]:
    """Re-read every connected channel with archived posts in the window, or a change still unconfirmed (on
    a post of any age: it is read again by its id where the platform allows it)."""
    now = now or timezone.now()
    connected = Connection.objects.filter(state=Connection.State.CONNECTED).values_list("channel_id", flat=True)
    with_posts = (
        ArchiveRecord.objects.filter(kind__in=[Kind.POST, Kind.REPLY], occurred_at__gte=now - WINDOW)
        .values_list("channel_id", flat=True)
        .distinct()
    )
    pending = UnconfirmedChange.objects.filter(outcome=UnconfirmedChange.Outcome.PENDING).values_list(
        "target__channel_id", flat=True
    )
    channels = Channel.objects.filter(pk__in=connected).filter(Q(pk__in=with_posts) | Q(pk__in=pending))
    return [channel_reread(channel=channel, now=now) for channel in channels]
