"""Recovering: calls whose worker died, and due targets whose job was lost.

A worker that dies between its call and the recording of the answer leaves the target
"publishing" with an attempt "started" (and the rest of its batch too, not yet called).
``targets_recover`` finds them once their worker is known dead (same host, process gone) or the
attempt is older than ``STALE_ATTEMPT``. If the channel's connector honours idempotency keys
(Mastodon's ``Idempotency-Key``, Bluesky's record key), the target is scheduled again with the same
key; otherwise it becomes "unconfirmed" and ``check`` looks for it on the account. An unconfirmed
target on such a platform is never sent again by itself.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from townsquare.jobs.services import process_gone
from townsquare.publishing.dispatch.claim import ACROSS, STALE_ATTEMPT, honours_idempotency_key
from townsquare.publishing.dispatch.enqueue import channels_enqueue, drain_enqueue
from townsquare.publishing.dispatch.record import audit_target, notify_if_done
from townsquare.publishing.models import PostTarget, PublishAttempt

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome

RESENT = (
    "The worker stopped during the call; sent again with the same idempotency key, which the platform "
    "answers without posting twice."
)
IN_DOUBT = (
    "The worker stopped during the call: the platform may or may not have published. Townsquare is "
    "checking the account."
)


def targets_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Decide for targets whose worker died mid-call: re-send with the same key where that is safe, else unconfirmed."""
    now = now or timezone.now()
    counts = {"resent": 0, "unconfirmed": 0}
    latest: dict[int, PublishAttempt] = {}
    started = (
        PublishAttempt.objects.filter(outcome=Outcome.STARTED, target__status=Status.PUBLISHING)
        .select_related("target__channel")
        .order_by("target_id", "started_at")
    )
    for attempt in started:
        latest[attempt.target_id] = attempt
    resent_channels: set[int] = set()
    for attempt in latest.values():
        if not (process_gone(attempt.worker) or attempt.started_at < now - STALE_ATTEMPT):
            continue
        target = attempt.target
        resend = honours_idempotency_key(target.channel)
        with transaction.atomic():
            won = PostTarget.objects.filter(
                pk=target.pk, status=Status.PUBLISHING, claimed_by=attempt.worker, claimed_at=attempt.started_at
            ).update(
                status=Status.SCHEDULED if resend else Status.UNCONFIRMED,
                due_at=now,
                claimed_by="",
                updated_at=now,
                last_error=RESENT if resend else IN_DOUBT,
            )
            if won != 1:
                continue
            PublishAttempt.objects.filter(pk=attempt.pk, outcome=Outcome.STARTED).update(
                outcome=Outcome.UNCONFIRMED, finished_at=now, message="No answer recorded: the worker stopped."
            )
            if resend:
                counts["resent"] += 1
                resent_channels.add(target.channel_id)
                continue
            counts["unconfirmed"] += 1
            fresh = PostTarget.objects.select_related(
                "post", "post__council", "post__author", "post__approved_by", "channel"
            ).get(pk=target.pk)
            audit_target(fresh, "post.channel_unconfirmed", fresh.last_error)
            notify_if_done(fresh)
    if resent_channels:
        channels_enqueue(channel_ids=resent_channels, due_at=now)
    return counts


def dispatch_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """The periodic step: recover dead workers' calls, then make sure what is due has a job to send it.

    Jobs are keyed by due time: one is queued for the earliest due target (the queue's
    de-duplication skips it while that job is pending), and drain jobs share a longer queue.
    """
    now = now or timezone.now()
    counts = targets_recover(now=now)
    due = PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
    first = due.aggregate(first=Min("due_at"))["first"]
    queued = 0
    if first is not None:
        channel_ids = list(due.order_by().values_list("channel_id", flat=True).distinct()[:limit])
        queued = channels_enqueue(channel_ids=channel_ids, due_at=first)
        if due.count() > ACROSS:
            queued += drain_enqueue()
    counts["queued"] = queued
    return counts
