"""Claiming: the earliest due targets across channels, with their attempts, in one commit.

``due_claim`` is the one way a target is taken for sending. In one transaction it picks the
earliest due targets, holds each of their channels by its ``ChannelPublishing`` row while the
channel's calls in the last hour are counted against the connector's ``rate_limit_per_hour`` and
the connection's reported headroom (spent: the channel's due targets wait for it, no call), moves
the chosen targets from "scheduled" to "publishing" only where they still are scheduled, and
inserts one ``PublishAttempt`` per target carrying its idempotency key. Claim and attempts commit
together, so "publishing" always has its attempt on record before any call.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.models import Connection
from townsquare.connectors.registry import connector_class
from townsquare.publishing.dispatch.enqueue import channels_enqueue
from townsquare.publishing.models import ChannelPublishing, PostImage, PostTarget, PublishAttempt

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome

RATE_WINDOW = dt.timedelta(hours=1)
# An attempt this old with no answer is taken to be dead even if its worker cannot be checked
# (another machine). Longer than the connectors' publish timeout (5 s connect + 30 s read).
STALE_ATTEMPT = dt.timedelta(seconds=getattr(settings, "PUBLISHING_STALE_ATTEMPT_SECONDS", 120))
# Targets claimed together on a channel whose platform honours idempotency keys. Larger batches
# save little more (the claim is a few queries) and hold targets away from other workers longer.
BATCH = int(getattr(settings, "PUBLISHING_CLAIM_BATCH", 10))
# Targets claimed together across channels, earliest due first.
ACROSS = int(getattr(settings, "PUBLISHING_CLAIM_ACROSS", 25))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def honours_idempotency_key(channel: Channel) -> bool:
    """True when re-sending with the same key cannot publish twice on this channel's platform."""
    try:
        cls = connector_class(channel.platform)
    except (LookupError, ImportError):
        return False
    return bool(getattr(cls, "honours_idempotency_key", False))


def _rate_limit_per_hour(channel: Channel) -> int | None:
    try:
        limit: int | None = connector_class(channel.platform).limits.rate_limit_per_hour
    except (LookupError, ImportError, AttributeError):
        return None
    override = getattr(settings, "PUBLISHING_RATE_LIMIT_PER_HOUR", None)  # a council's own lower cap
    return min(x for x in (limit, override) if x) if (limit or override) else None


def _headroom_wait(connection: Connection | None, now: dt.datetime) -> dt.datetime | None:
    """When the platform's own counter says the account has no calls left: the time it resets."""
    if connection is None:
        return None
    remaining, resets_at = connection.rate_remaining, connection.rate_resets_at
    if remaining is not None and remaining <= 0 and resets_at is not None and resets_at > now:
        return resets_at
    return None


@dataclass
class Claimed:
    """One claimed target and its attempt, committed together."""

    target: PostTarget
    attempt: PublishAttempt


@dataclass
class Batch:
    """Targets of one channel claimed in one transaction, in due order."""

    channel: Channel
    connection: Connection | None
    claimed: list[Claimed]
    claimed_at: dt.datetime
    images: dict[int, list[PostImage]] = field(default_factory=dict)
    # Posts whose only target (cancelled ones aside) is in this batch: done when it is.
    alone: set[int] = field(default_factory=set)


def defer(due: QuerySet[PostTarget], channel_id: int, until: dt.datetime, reason: str) -> None:
    if due.update(due_at=until, last_error=reason):
        transaction.on_commit(lambda: channels_enqueue(channel_ids=[channel_id], due_at=until))


def _room(
    channel: Channel, connection: Connection | None, used: int, due: QuerySet[PostTarget], now: dt.datetime
) -> int:
    """How many of the channel's due targets may be claimed now, inside its locked row.

    A batch of several only where the platform honours idempotency keys. 0 when the channel's
    allowance or the platform's headroom is spent: its due targets then wait for it (``defer``).
    ``used``: the channel's calls in the last hour.
    """
    size = BATCH if honours_idempotency_key(channel) else 1
    per_hour = _rate_limit_per_hour(channel)
    if per_hour:
        if used >= per_hour:
            window = PublishAttempt.objects.filter(channel_id=channel.pk, started_at__gt=now - RATE_WINDOW).exclude(
                outcome=Outcome.RELEASED
            )
            oldest = window.order_by("started_at").values_list("started_at", flat=True)[used - per_hour]
            defer(
                due,
                channel.pk,
                oldest + RATE_WINDOW,
                f"Waiting for the channel's allowance of {per_hour} posts an hour.",
            )
            return 0
        size = min(size, per_hour - used)
    if (resets := _headroom_wait(connection, now)) is not None:
        defer(due, channel.pk, resets, "Waiting for the platform's rate limit to reset.")
        return 0
    return size


def due_claim(*, worker: str, limit: int = ACROSS, now: dt.datetime | None = None) -> list[Batch]:
    """Claim the earliest due targets across channels, and record their attempts, in one commit.

    One ``Batch`` per channel, in due order. On PostgreSQL a channel or target another claimer
    holds is skipped (``SKIP LOCKED``), so claimers running side by side take different targets
    instead of waiting for each other; SQLite's write lock serialises them.
    """
    now = now or timezone.now()
    due = PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
    if not due.exists():  # the common answer, without taking SQLite's write lock
        return []
    with transaction.atomic():
        # Within one due time, a channel's targets together: fewer channels a claim, bigger batches.
        head = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .order_by("due_at", "channel_id", "pk")
            .values_list("pk", "channel_id")[: limit * 4]
        )
        order = list(dict.fromkeys(channel_id for _, channel_id in head))
        if not order:
            return []
        known = set(ChannelPublishing.objects.filter(channel_id__in=order).values_list("channel_id", flat=True))
        if len(known) < len(order):
            ChannelPublishing.objects.bulk_create(
                [ChannelPublishing(channel_id=c) for c in order if c not in known], ignore_conflicts=True
            )
        held = set(
            ChannelPublishing.objects.select_for_update(skip_locked=True)
            .filter(channel_id__in=order)
            .values_list("channel_id", flat=True)
        )
        channels = Channel.objects.in_bulk(list(held))
        connections = {c.channel_id: c for c in Connection.objects.filter(channel_id__in=held)}
        used = dict(
            PublishAttempt.objects.filter(channel_id__in=held, started_at__gt=now - RATE_WINDOW)
            .exclude(outcome=Outcome.RELEASED)
            .values("channel_id")
            .annotate(n=Count("pk"))
            .values_list("channel_id", "n")
        )
        room: dict[int, int] = {}
        chosen: list[int] = []
        taken: Counter[int] = Counter()
        for pk, channel_id in head:
            if channel_id not in channels or len(chosen) >= limit:
                continue
            if channel_id not in room:
                room[channel_id] = _room(
                    channels[channel_id],
                    connections.get(channel_id),
                    used.get(channel_id, 0),
                    due.filter(channel_id=channel_id),
                    now,
                )
            if taken[channel_id] < room[channel_id]:
                taken[channel_id] += 1
                chosen.append(pk)
        if not chosen:
            return []
        PostTarget.objects.filter(pk__in=chosen, status=Status.SCHEDULED, due_at__lte=now).update(
            status=Status.PUBLISHING, claimed_by=worker, claimed_at=now
        )
        targets = list(
            PostTarget.objects.filter(pk__in=chosen, status=Status.PUBLISHING, claimed_by=worker, claimed_at=now)
            .select_related("post", "post__council", "post__author", "post__approved_by")
            .order_by("due_at", "channel_id", "pk")
        )
        if not targets:
            return []
        for target in targets:
            target.channel = channels[target.channel_id]
        attempts = PublishAttempt.objects.bulk_create(
            [
                PublishAttempt(
                    target=t, channel_id=t.channel_id, idempotency_key=t.idempotency_key, worker=worker, started_at=now
                )
                for t in targets
            ]
        )
    batches: dict[int, Batch] = {}
    for target, attempt in zip(targets, attempts, strict=True):
        channel_id = target.channel_id
        if channel_id not in batches:
            batches[channel_id] = Batch(
                channel=channels[channel_id], connection=connections.get(channel_id), claimed=[], claimed_at=now
            )
        batches[channel_id].claimed.append(Claimed(target=target, attempt=attempt))
    batch_list = list(batches.values())
    _load_extras(batch_list)
    return batch_list


def _load_extras(batches: list[Batch]) -> None:
    """The batches' images and which of their posts go to no other channel: two queries for them all."""
    post_ids = [c.target.post_id for b in batches for c in b.claimed]
    images: dict[int, list[PostImage]] = {}
    for image in PostImage.objects.filter(post_id__in=post_ids):
        images.setdefault(image.post_id, []).append(image)
    counts = (
        PostTarget.objects.filter(post_id__in=post_ids)
        .exclude(status=Status.CANCELLED)
        .values("post_id")
        .annotate(n=Count("pk"))
    )
    alone = {row["post_id"] for row in counts if row["n"] == 1}
    for batch in batches:
        mine = {c.target.post_id for c in batch.claimed}
        batch.images = {post_id: found for post_id, found in images.items() if post_id in mine}
        batch.alone = alone & mine
