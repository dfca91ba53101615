"""Dispatch: exactly once, or visibly not.

How it runs. Approving a post schedules one ``PostTarget`` per channel and enqueues one
``publishing.dispatch`` job for its due time on the existing queue (``job_enqueue``: the embedded
``run_worker`` takes it from the database; with Celery it is sent with an ETA). Posts due at the same
time share the job, whatever their channels. The job calls ``due_dispatch``: it claims the earliest
due targets across channels (``due_claim``, each channel within its own allowance), makes the calls,
records the confirmations together, and claims again until nothing is due; when a claim comes back
full it queues drain jobs so that several workers share a long queue. A periodic
``publishing.dispatch_due`` sweep (``dispatch_sweep``) catches what a job cannot: a due target whose
job was lost or deferred, and a target left "publishing" by a worker that died mid-call. One
channel's targets alone are sent by ``channel_dispatch`` (jobs of the first kind,
``publishing.dispatch_target``, queued before, are still run that way).

The steps for a batch of one channel's due targets:

1. Claim, in one transaction: lock the channel's ``ChannelPublishing`` row, count the channel's
   calls in the last hour against the connector's ``limits.rate_limit_per_hour`` and the
   connection's reported headroom (exhausted: move the due targets' ``due_at`` to when it frees
   up, no call), then ``UPDATE ... SET status='publishing' WHERE id IN (the first due ones) AND
   status='scheduled' AND due_at <= now`` (the rows it changes are ours, the rest someone else's)
   and insert one ``PublishAttempt`` per claimed target carrying its idempotency key. Claim and
   attempts commit together, so "publishing" always has its attempt on record before any call.
2. For each claimed target in turn: one call to the platform,
3. then its outcome recorded on the attempt and the target, with its audit event, in one
   transaction.

A batch holds several targets only where the channel's connector honours idempotency keys; on
any other platform it is one target, so a worker that dies leaves at most the call in flight in
doubt. Within a batch, the platform's confirmations are recorded together (one transaction for up
to ``BATCH`` calls, or ``RECORD_WITHIN``), each with its own confirmation time and audit event:
one commit instead of one per call. That is safe only because of the keys: a worker that dies
before recording leaves the targets "publishing", and re-sending them with the same keys returns
the posts already made. Failures and doubts are recorded at once. A claimed target that is not called after all (the platform's headroom ran out, or it
asked to be left alone, part-way through a batch; the batch ran too long) is given back: its
attempt is marked "released" and the target is scheduled again.

A worker that dies between 2 and 3 leaves the target "publishing" with an attempt "started" (and
the rest of its batch too, not yet called). ``targets_recover`` finds them once their worker is
known dead (same host, process gone) or the attempt is older than ``STALE_ATTEMPT``. If the
channel's connector honours idempotency keys (Mastodon's ``Idempotency-Key``: a repeat with the
same key returns the first status instead of posting again), the target is scheduled again with
the same key; otherwise it becomes "unconfirmed" and a person checks the account and resolves it.
An unconfirmed target is never sent again by itself.

"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from townsquare.audit.services import audit_record, audit_record_many
from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError, ErrorKind, Image, OutboundPost, PublishResult
from townsquare.connectors.models import Connection
from townsquare.connectors.services import (
    connection_keep_renewed,
    connection_record_error,
    connector_for,
)
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.jobs.services import job_enqueue, process_gone
from townsquare.notifications.services import notify
from townsquare.publishing.models import ChannelPublishing, Post, PostImage, PostTarget, PublishAttempt

if TYPE_CHECKING:
    from townsquare.accounts.models import User

log = logging.getLogger(__name__)

# An attempt this old with no answer is taken to be dead even if its worker cannot be checked
# (another machine). Longer than the connectors' publish timeout (5 s connect + 30 s read).
STALE_ATTEMPT = dt.timedelta(seconds=getattr(settings, "PUBLISHING_STALE_ATTEMPT_SECONDS", 120))
# A platform's transient refusals (5xx, 429, unreachable before sending) are tried again this many times.
MAX_TRANSIENT_RETRIES = 3
RATE_WINDOW = dt.timedelta(hours=1)
JOB_KIND = "publishing.dispatch"
# The first job kind: one channel's due targets (jobs of this kind queued before are still run).
CHANNEL_JOB_KIND = "publishing.dispatch_target"
# Targets claimed together on a channel whose platform honours idempotency keys. Larger batches
# save little more (the claim is a few queries) and hold targets away from other workers longer.
BATCH = int(getattr(settings, "PUBLISHING_CLAIM_BATCH", 10))
# Targets one job sends before the rest of the channel goes to a new job, so a channel with a
# long queue does not keep a worker from every other channel.
MAX_PER_JOB = 100
# Targets claimed together across channels, earliest due first (``due_claim``).
ACROSS = int(getattr(settings, "PUBLISHING_CLAIM_ACROSS", 25))
# Dispatch jobs that may send side by side when more is due than one job sends.
PARALLEL = int(getattr(settings, "PUBLISHING_DISPATCH_PARALLEL", 4))
# The longest a batch's confirmations wait to be recorded together.
RECORD_WITHIN = dt.timedelta(seconds=1)

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome


# --- enqueueing -------------------------------------------------------------------------------------


def _job_key(due_at: dt.datetime) -> str:
    return f"publishing:due:{int(due_at.timestamp() * 1000)}"


def channels_enqueue(*, channel_ids: Iterable[int], due_at: dt.datetime) -> int:
    """Queue the dispatch of what falls due at ``due_at``: one job for that time, whatever the channels.

    The job sends every channel's due targets (``due_dispatch``), so posts due at the same slot on
    many channels share it; a pending job for the same time is kept. Returns the jobs made (0 or 1).
    """
    ids = sorted(set(channel_ids))
    if not ids:
        return 0
    made = job_enqueue(kind=JOB_KIND, payload={"due_at": due_at.isoformat(), "channel_ids": ids[:50]},
                       run_after=due_at, dedupe_key=_job_key(due_at), max_attempts=3)
    return 1 if made else 0


def drain_enqueue() -> int:
    """More is due than one job sends: let up to ``PARALLEL`` jobs send it side by side (the queue's
    de-duplication keeps the number of drain jobs pending or running to that)."""
    made = 0
    for n in range(PARALLEL):
        if job_enqueue(kind=JOB_KIND, payload={"drain": n}, dedupe_key=f"publishing:drain:{n}", max_attempts=3):
            made += 1
    return made


def targets_enqueue(*, target_ids: Iterable[int], due_at: dt.datetime) -> int:
    """Queue the dispatch of these targets at ``due_at``."""
    ids = list(target_ids)
    if not ids:
        return 0
    channel_ids = PostTarget.objects.filter(pk__in=ids).values_list("channel_id", flat=True).distinct()
    return channels_enqueue(channel_ids=list(channel_ids), due_at=due_at)


# --- connectors ---------------------------------------------------------------------------------------


def honours_idempotency_key(channel: Channel) -> bool:
    """True when re-sending with the same key cannot publish twice on this channel's platform."""
    from townsquare.connectors.registry import connector_class

    try:
        cls = connector_class(channel.platform)
    except (LookupError, ImportError):
        return False
    return bool(getattr(cls, "honours_idempotency_key", False))


def _rate_limit_per_hour(channel: Channel) -> int | None:
    from townsquare.connectors.registry import connector_class

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


# --- claiming -----------------------------------------------------------------------------------------


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


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
    loaded: bool = False  # images and alone read (``_load_extras``)


def _defer(due: QuerySet[PostTarget], channel_id: int, until: dt.datetime, reason: str) -> None:
    if due.update(due_at=until, last_error=reason):
        transaction.on_commit(lambda: channels_enqueue(channel_ids=[channel_id], due_at=until))


def _channel_lock(channel_id: int) -> ChannelPublishing:
    """Lock the channel's publishing row (made on first use), with the channel itself."""
    rows = ChannelPublishing.objects.select_for_update(of=("self",)).select_related("channel")
    lock = rows.filter(channel_id=channel_id).first()
    if lock is None:
        ChannelPublishing.objects.get_or_create(channel_id=channel_id)
        lock = rows.get(channel_id=channel_id)
    return lock


def _room(channel: Channel, connection: Connection | None, used: int | None, due: QuerySet[PostTarget],
          now: dt.datetime) -> int:
    """How many of the channel's due targets may be claimed now, inside its locked row.

    A batch of several only where the platform honours idempotency keys. 0 when the channel's
    allowance or the platform's headroom is spent: its due targets then wait for it (``_defer``).
    ``used``: the channel's calls in the last hour, when the caller has counted them already.
    """
    size = BATCH if honours_idempotency_key(channel) else 1
    per_hour = _rate_limit_per_hour(channel)
    if per_hour:
        window = PublishAttempt.objects.filter(channel_id=channel.pk, started_at__gt=now - RATE_WINDOW).exclude(
            outcome=Outcome.RELEASED)
        if used is None:
            used = window.count()
        if used >= per_hour:
            oldest = window.order_by("started_at").values_list("started_at", flat=True)[used - per_hour]
            _defer(due, channel.pk, oldest + RATE_WINDOW,
                   f"Waiting for the channel's allowance of {per_hour} posts an hour.")
            return 0
        size = min(size, per_hour - used)
    if (resets := _headroom_wait(connection, now)) is not None:
        _defer(due, channel.pk, resets, "Waiting for the platform's rate limit to reset.")
        return 0
    return size


def due_claim(*, worker: str, limit: int = ACROSS, now: dt.datetime | None = None) -> list[Batch]:
    """Claim the earliest due targets across channels, and record their attempts, in one commit.

    One ``Batch`` per channel, in due order. Each channel is held by its locked ``ChannelPublishing``
    row while its allowance is counted, as in ``targets_claim``; on PostgreSQL a channel or target
    another claimer holds is skipped (``SKIP LOCKED``), so claimers running side by side take
    different targets instead of waiting for each other.
    """
    now = now or timezone.now()
    due = PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
    if not due.exists():  # the common answer, without taking SQLite's write lock
        return []
    with transaction.atomic():
        # Within one due time, a channel's targets together: fewer channels a claim, bigger batches.
        head = list(due.select_for_update(skip_locked=True, of=("self",)).order_by("due_at", "channel_id", "pk")
                    .values_list("pk", "channel_id")[:limit * 4])
        order = list(dict.fromkeys(channel_id for _, channel_id in head))
        if not order:
            return []
        known = set(ChannelPublishing.objects.filter(channel_id__in=order).values_list("channel_id", flat=True))
        if len(known) < len(order):
            ChannelPublishing.objects.bulk_create([ChannelPublishing(channel_id=c) for c in order if c not in known],
                                                  ignore_conflicts=True)
        held = set(ChannelPublishing.objects.select_for_update(skip_locked=True).filter(channel_id__in=order)
                   .values_list("channel_id", flat=True))
        channels = Channel.objects.in_bulk(list(held))
        connections = {c.channel_id: c for c in Connection.objects.filter(channel_id__in=held)}
        used = dict(PublishAttempt.objects.filter(channel_id__in=held, started_at__gt=now - RATE_WINDOW)
                    .exclude(outcome=Outcome.RELEASED).values("channel_id").annotate(n=Count("pk"))
                    .values_list("channel_id", "n"))
        room: dict[int, int] = {}
        chosen: list[int] = []
        taken: Counter[int] = Counter()
        for pk, channel_id in head:
            if channel_id not in channels or len(chosen) >= limit:
                continue
            if channel_id not in room:
                room[channel_id] = _room(channels[channel_id], connections.get(channel_id), used.get(channel_id, 0),
                                         due.filter(channel_id=channel_id), now)
            if taken[channel_id] < room[channel_id]:
                taken[channel_id] += 1
                chosen.append(pk)
        if not chosen:
            return []
        PostTarget.objects.filter(pk__in=chosen, status=Status.SCHEDULED, due_at__lte=now).update(
            status=Status.PUBLISHING, claimed_by=worker, claimed_at=now)
        targets = list(PostTarget.objects.filter(pk__in=chosen, status=Status.PUBLISHING, claimed_by=worker,
                                                 claimed_at=now)
                       .select_related("post", "post__council", "post__author")
                       .order_by("due_at", "channel_id", "pk"))
        if not targets:
            return []
        for target in targets:
            target.channel = channels[target.channel_id]
        attempts = PublishAttempt.objects.bulk_create([
            PublishAttempt(target=t, channel_id=t.channel_id, idempotency_key=t.idempotency_key, worker=worker,
                           started_at=now) for t in targets])
    batches: dict[int, Batch] = {}
    for target, attempt in zip(targets, attempts, strict=True):
        channel_id = target.channel_id
        if channel_id not in batches:
            batches[channel_id] = Batch(channel=channels[channel_id], connection=connections.get(channel_id),
                                        claimed=[], claimed_at=now)
        batches[channel_id].claimed.append(Claimed(target=target, attempt=attempt))
    return list(batches.values())


def targets_claim(*, channel_id: int, worker: str, limit: int | None = None, target_id: int | None = None,
                  now: dt.datetime | None = None) -> Batch | None:
    """Claim the channel's first due targets and record their attempts, in one commit.

    None when there is nothing to send now: nothing due, someone else has it, or the channel's
    rate limit is spent (the due targets then wait for it; see ``_defer``). ``target_id`` limits
    the claim to that one target.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Serialises dispatch per channel (PostgreSQL row lock; SQLite's write lock already does).
        channel = _channel_lock(channel_id).channel
        due = PostTarget.objects.filter(channel_id=channel_id, status=Status.SCHEDULED, due_at__lte=now)
        if target_id is not None:
            due = due.filter(pk=target_id)
        connection = Connection.objects.filter(channel_id=channel_id).first()
        size = _room(channel, connection, None, due, now)
        if limit is not None:
            size = min(size, limit)
        if size < 1:
            return None
        candidates = list(due.select_related("post", "post__council", "post__author").order_by("due_at", "pk")[:size])
        if not candidates:
            return None
        ids = [t.pk for t in candidates]
        won = PostTarget.objects.filter(pk__in=ids, status=Status.SCHEDULED, due_at__lte=now).update(
            status=Status.PUBLISHING, claimed_by=worker, claimed_at=now)
        if won != len(ids):  # another process moved some of them since they were read (cancelled, rescheduled)
            ours = set(PostTarget.objects.filter(pk__in=ids, status=Status.PUBLISHING, claimed_by=worker,
                                                 claimed_at=now).values_list("pk", flat=True))
            candidates = [t for t in candidates if t.pk in ours]
            if not candidates:
                return None
        for target in candidates:
            target.status, target.claimed_by, target.claimed_at = Status.PUBLISHING, worker, now
            target.channel = channel
        attempts = PublishAttempt.objects.bulk_create([
            PublishAttempt(target=t, channel_id=channel_id, idempotency_key=t.idempotency_key, worker=worker,
                           started_at=now) for t in candidates])
    return Batch(channel=channel, connection=connection, claimed_at=now,
                 claimed=[Claimed(target=t, attempt=a) for t, a in zip(candidates, attempts, strict=True)])


def target_claim(*, target_id: int, worker: str, now: dt.datetime | None = None) -> PublishAttempt | None:
    """Claim one due target and record its attempt, in one commit; None if not ours to send now."""
    channel_id = PostTarget.objects.filter(pk=target_id).values_list("channel_id", flat=True).first()
    if channel_id is None:
        return None
    batch = targets_claim(channel_id=channel_id, worker=worker, target_id=target_id, now=now)
    return batch.claimed[0].attempt if batch else None


def _load_extras(*batches: Batch) -> None:
    """The batches' images and which of their posts go to no other channel: two queries for them all."""
    todo = [b for b in batches if not b.loaded]
    post_ids = [c.target.post_id for b in todo for c in b.claimed]
    if not post_ids:
        return
    images: dict[int, list[PostImage]] = {}
    for image in PostImage.objects.filter(post_id__in=post_ids):
        images.setdefault(image.post_id, []).append(image)
    counts = (PostTarget.objects.filter(post_id__in=post_ids).exclude(status=Status.CANCELLED)
              .values("post_id").annotate(n=Count("pk")))
    alone = {row["post_id"] for row in counts if row["n"] == 1}
    for batch in todo:
        mine = {c.target.post_id for c in batch.claimed}
        batch.images = {post_id: found for post_id, found in images.items() if post_id in mine}
        batch.alone = alone & mine
        batch.loaded = True


# --- the calls and their outcomes ---------------------------------------------------------------------


def _outbound(target: PostTarget, images: list[PostImage] | None = None) -> OutboundPost:
    post = target.post
    loaded = []
    for image in post.images.all() if images is None else images:
        with image.file.open("rb") as handle:
            loaded.append(Image(content=handle.read(), mime_type=image.mime_type, alt_text=image.alt_text))
    return OutboundPost(text=target.text, link=post.link, images=tuple(loaded),
                        idempotency_key=str(target.idempotency_key))


def channel_dispatch(*, channel_id: int, worker: str = "", max_targets: int = MAX_PER_JOB) -> dict[str, int]:
    """Send the channel's due targets, a batch at a time; returns how many ended each way."""
    worker = worker or worker_id()
    counts: Counter[str] = Counter()
    sent = 0
    while sent < max_targets:
        batch = targets_claim(channel_id=channel_id, worker=worker, limit=max_targets - sent)
        if batch is None:
            break
        counts.update(_send_batch(batch))
        sent += len(batch.claimed)
    else:
        if PostTarget.objects.filter(channel_id=channel_id, status=Status.SCHEDULED,
                                     due_at__lte=timezone.now()).exists():
            channels_enqueue(channel_ids=[channel_id], due_at=timezone.now())
    return dict(counts)


def target_dispatch(*, target_id: int, worker: str = "") -> str:
    """Claim this one target, call once, record. Returns published, failed, unconfirmed, deferred or skipped."""
    worker = worker or worker_id()
    channel_id = PostTarget.objects.filter(pk=target_id).values_list("channel_id", flat=True).first()
    batch = None if channel_id is None else targets_claim(channel_id=channel_id, worker=worker, target_id=target_id)
    if batch is None:
        target = PostTarget.objects.filter(pk=target_id).only("status").first()
        return "deferred" if target is not None and target.status == Status.SCHEDULED else "skipped"
    return _send_batch(batch)[0]


@dataclass
class Sent:
    """A batch's calls the platform confirmed, waiting to be recorded together with other channels' batches."""

    batch: Batch
    confirmed: list[tuple[Claimed, PublishResult, dt.datetime]]
    connector: Connector | None
    before: object
    published_at: dt.datetime | None


def _send_batch(batch: Batch, later: list[Sent] | None = None) -> list[str]:
    """One call per claimed target. Failures and doubts are recorded at once, confirmations together (a
    batch of more than one is only made where the platform honours idempotency keys: see the module docstring).

    ``later``: where a channel honours idempotency keys, its confirmations are handed to the caller
    to record together with other channels' (``_record_sent``) instead of here.
    """
    _load_extras(batch)
    channel = batch.channel
    outcomes: list[str] = []
    connector: Connector | None = None
    before = None
    # What happens to the targets not yet called when the channel cannot take more now:
    # (outcome, message, kind) to fail them as the claim would, or a time to give them back until.
    fail_rest: tuple[str, str, str] | None = None
    release_until: tuple[dt.datetime, str] | None = None
    if channel.status == Channel.Status.CLOSED:
        fail_rest = (Outcome.FAILED, "The channel is closed in the register.", "")
    elif channel.connection_state == Channel.Connection.NEEDS_RECONNECTING:
        fail_rest = (Outcome.FAILED, "The channel needs reconnecting before anything can be published.",
                     ErrorKind.REAUTHORISE)
    published_at: dt.datetime | None = None
    confirmed: list[tuple[Claimed, PublishResult, dt.datetime]] = []  # published, not yet recorded
    together = len(batch.claimed) > 1  # only batches on platforms that honour keys hold more than one
    pending = list(batch.claimed)
    while pending:
        item = pending.pop(0)
        if confirmed and (not together or timezone.now() - confirmed[0][2] > RECORD_WITHIN):
            outcomes += _record_published(confirmed, batch)
            confirmed = []
        if fail_rest is not None:
            outcomes.append(_finish(item, fail_rest[0], fail_rest[1], kind=fail_rest[2], alone=batch))
            continue
        if release_until is None and timezone.now() - batch.claimed_at > STALE_ATTEMPT / 2:
            # Recovery would soon take these attempts for dead ones: give them back to be claimed afresh.
            release_until = (timezone.now(), "Given back unsent: the batch ran long.")
        if release_until is not None:
            outcomes += _record_published(confirmed, batch)
            confirmed = []
            _release([item, *pending], *release_until, channel_id=channel.pk)
            outcomes += ["deferred"] * (1 + len(pending))
            break
        try:
            if connector is None:
                connector = connector_for(channel, connection=batch.connection, reuse=True)
                before = connector.credentials
            outbound = _outbound(item.target, batch.images.get(item.target.post_id, []))
        except ConnectorError as exc:
            outcomes.append(_handle_error(item, channel, exc, batch))
            if exc.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
                fail_rest = (Outcome.FAILED, "The channel needs reconnecting before anything can be published.",
                             exc.kind)
            continue
        except Exception as exc:  # nothing was sent: the target cannot be prepared at all
            log.warning("cannot prepare target %s: %s", item.target.pk, type(exc).__name__)
            outcomes.append(_finish(item, Outcome.FAILED, f"Could not prepare the post for {channel.name}: {exc}",
                                    alone=batch))
            continue
        try:
            result = connector.publish(outbound)
        except ConnectorError as exc:
            outcomes.append(_handle_error(item, channel, exc, batch))
            if exc.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
                fail_rest = (Outcome.FAILED, "The channel needs reconnecting before anything can be published.",
                             exc.kind)
            elif exc.kind == ErrorKind.RETRY and exc.retry_after is not None:
                # The platform asked for a pause: the rest of the batch waits for it, uncalled.
                release_until = (timezone.now() + dt.timedelta(seconds=min(exc.retry_after, 3600)),
                                 "Waiting for the platform's rate limit to reset.")
            continue
        except Exception as exc:  # the call may have reached the platform: a person checks
            log.warning("publish call for target %s raised %s", item.target.pk, type(exc).__name__)
            outcomes.append(_finish(item, Outcome.UNCONFIRMED,
                                    "Something went wrong during the call: the platform may or may not have "
                                    "published. Check the account.", alone=batch))
            continue
        published_at = timezone.now()
        confirmed.append((item, result, published_at))
        room = connector.last_headroom
        if room is not None and room.remaining is not None and room.remaining <= 0 and room.resets_at is not None \
                and room.resets_at > published_at:
            release_until = (room.resets_at, "Waiting for the platform's rate limit to reset.")
    if later is not None and published_at is not None and honours_idempotency_key(channel):
        later.append(Sent(batch=batch, confirmed=confirmed, connector=connector, before=before,
                          published_at=published_at))
        return outcomes
    outcomes += _record_published(confirmed, batch)
    if published_at is not None:
        _after_success([Sent(batch=batch, confirmed=confirmed, connector=connector, before=before,
                             published_at=published_at)])
    return outcomes


def _record_sent(sent: list[Sent]) -> list[str]:
    """Record several channels' confirmations in one transaction, then their channels' bookkeeping in another."""
    rows = [row for s in sent for row in s.confirmed]
    alone = {post_id for s in sent for post_id in s.batch.alone}
    outcomes = _record_published(rows, alone=alone)
    _after_success(sent)
    return outcomes


def _after_success(sent: list[Sent]) -> None:
    """Once per batch, for several channels' batches together: the platform's reported headroom, renewed
    credentials and the channel's last post, in one transaction of one statement each."""
    try:
        with transaction.atomic():
            _record_calls([s for s in sent if s.connector is not None and s.published_at is not None])
    except Exception as exc:  # the posts are out and recorded: this bookkeeping must not undo that
        log.warning("could not record the channels' calls: %s", type(exc).__name__)


def _record_calls(sent: list[Sent]) -> None:
    now = timezone.now()
    channels, with_headroom, without = [], [], []
    for s in sent:
        assert s.connector is not None and s.published_at is not None
        connection_keep_renewed(channel=s.batch.channel, connector=s.connector, before=s.before)  # type: ignore[arg-type]
        channels.append(Channel(pk=s.batch.channel.pk, last_post_at=s.published_at))
        connection = s.batch.connection
        if connection is None:
            continue
        connection.last_success_at = connection.updated_at = now
        room = s.connector.last_headroom
        if room is None:
            without.append(connection)
            continue
        connection.rate_remaining, connection.rate_limit, connection.rate_resets_at = room.remaining, room.limit, \
            room.resets_at
        with_headroom.append(connection)
    _update_each(channels, ["last_post_at"])
    _update_each(without, ["last_success_at", "updated_at"])
    _update_each(with_headroom, ["last_success_at", "updated_at", "rate_remaining", "rate_limit", "rate_resets_at"])


def due_dispatch(*, worker: str = "", max_targets: int = MAX_PER_JOB) -> dict[str, int]:
    """Send what is due across channels, earliest first, a claim of up to ``ACROSS`` targets at a time.

    The calls of one claim are made one after another; the confirmations of the channels whose
    platforms honour idempotency keys are recorded together once the claim's calls are made (the
    same reasoning as batches of one channel: see the module docstring). When a claim comes back
    full, more is due than this job alone should send: up to ``PARALLEL`` jobs are queued to share it.
    """
    worker = worker or worker_id()
    counts: Counter[str] = Counter()
    sent = 0
    shared = False
    while sent < max_targets:
        want = min(ACROSS, max_targets - sent)
        batches = due_claim(worker=worker, limit=want)
        if not batches:
            break
        claimed = sum(len(b.claimed) for b in batches)
        if claimed >= want and not shared:
            drain_enqueue()
            shared = True
        later: list[Sent] = []
        _load_extras(*batches)
        try:
            for batch in batches:
                counts.update(_send_batch(batch, later))
        finally:
            counts.update(_record_sent(later))
        sent += claimed
    else:
        if PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=timezone.now()).exists():
            drain_enqueue()
    return dict(counts)


def _record_published(confirmed: list[tuple[Claimed, PublishResult, dt.datetime]], batch: Batch | None = None, *,
                      alone: set[int] | None = None) -> list[str]:
    """Record the platform's confirmations of calls in one transaction, each audited as it would be alone.

    ``alone``: the posts among them that go to no other channel (``batch.alone`` when one batch's).
    """
    if not confirmed:
        return []
    alone = batch.alone if batch is not None else (alone or set())
    worker = confirmed[0][0].attempt.worker
    late: list[tuple[Claimed, PublishResult, dt.datetime]] = []
    with transaction.atomic():
        # Still held by the claim that made each call (recovery may have decided for a slow one).
        held = dict(PostTarget.objects.select_for_update().filter(
            pk__in=[item.target.pk for item, _, _ in confirmed], status=Status.PUBLISHING, claimed_by=worker)
            .values_list("pk", "claimed_at"))
        ours = {item.target.pk for item, _, _ in confirmed if held.get(item.target.pk) == item.attempt.started_at}
        attempts, targets = [], []
        for item, result, at in confirmed:
            attempt = item.attempt
            attempt.outcome, attempt.finished_at, attempt.external_id = Outcome.PUBLISHED, at, result.external_id
            attempts.append(attempt)
            if item.target.pk not in ours:
                late.append((item, result, at))
                continue
            target = item.target
            target.status, target.last_error, target.updated_at = Status.PUBLISHED, "", at
            target.external_id, target.url, target.published_at = result.external_id, result.url, at
            targets.append(target)
        _update_each(attempts, ["outcome", "finished_at", "external_id"])
        _update_each(targets, ["status", "last_error", "updated_at", "external_id", "url", "published_at"])
        audit_record_many([_audit_entry(target, "post.channel_published", "") for target in targets])
        for target in targets:
            _notify_if_done(target, alone=target.post_id in alone)
    for item, result, at in late:
        _too_late(item, Outcome.PUBLISHED, result.external_id, result.url, at)
    return [str(Outcome.PUBLISHED)] * len(confirmed)


def _update_each(rows: Sequence[models.Model], fields: list[str]) -> None:
    """Save these fields of each row: one UPDATE statement run for every row (``executemany``).

    ``bulk_update`` does it in one statement too, but builds a CASE expression per field and row,
    which costs more than the calls it records (about 14 ms for ten rows).
    """
    if not rows:
        return
    meta = rows[0]._meta
    columns = [field for name in fields if isinstance(field := meta.get_field(name), models.Field)]
    assert len(columns) == len(fields) and meta.pk is not None
    quote = connection.ops.quote_name
    # Table and column names come from the model, never from input; the values are parameters.
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(str(f.column))} = %s' for f in columns)} "  # noqa: S608
           f"WHERE {quote(str(meta.pk.column))} = %s")
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _release(items: list[Claimed], until: dt.datetime, reason: str, *, channel_id: int) -> None:
    """Give back claimed targets that were not called: attempts "released", targets scheduled for ``until``."""
    now = timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(pk__in=[c.attempt.pk for c in items], outcome=Outcome.STARTED).update(
            outcome=Outcome.RELEASED, finished_at=now, message=reason)
        for item in items:
            PostTarget.objects.filter(pk=item.target.pk, status=Status.PUBLISHING, claimed_by=item.attempt.worker,
                                      claimed_at=item.attempt.started_at).update(
                status=Status.SCHEDULED, due_at=until, claimed_by="", last_error=reason, updated_at=now)
        transaction.on_commit(lambda: channels_enqueue(channel_ids=[channel_id], due_at=until))


def _handle_error(item: Claimed, channel: Channel, error: ConnectorError, batch: Batch | None = None) -> str:
    attempt = item.attempt
    if error.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
        try:
            connection_record_error(channel, error)
        except Exception as exc:  # the target's own outcome must still be recorded
            log.warning("could not record the connection error of channel %s: %s", channel.pk, type(exc).__name__)
        reason = ("The channel's connection is no longer accepted by the platform: reconnect it, then retry."
                  if error.kind == ErrorKind.REAUTHORISE else
                  "The account or the app's access is gone at the platform: the channel must be reconnected.")
        return _finish(item, Outcome.FAILED, f"{reason} ({error.message})", kind=error.kind, alone=batch)
    if error.kind == ErrorKind.UNCONFIRMED:
        return _finish(item, Outcome.UNCONFIRMED, error.message, kind=error.kind, alone=batch)
    if error.kind == ErrorKind.RETRY:
        tries = PublishAttempt.objects.filter(target_id=attempt.target_id, error_kind=ErrorKind.RETRY).count()
        if tries < MAX_TRANSIENT_RETRIES:
            wait = error.retry_after if error.retry_after is not None else 30 * 2 ** tries
            return _finish(item, Outcome.FAILED, error.message, kind=error.kind,
                           retry_at=timezone.now() + dt.timedelta(seconds=min(wait, 3600)), alone=batch)
        return _finish(item, Outcome.FAILED, f"{error.message} Gave up after {tries + 1} tries.", kind=error.kind,
                       alone=batch)
    return _finish(item, Outcome.FAILED, f"The platform refused the post: {error.message}", kind=error.kind,
                   alone=batch)


def _ours(item: Claimed) -> QuerySet[PostTarget]:
    """The target, only while it is still held by this attempt's claim (recovery may have decided for it)."""
    return PostTarget.objects.filter(pk=item.target.pk, status=Status.PUBLISHING, claimed_by=item.attempt.worker,
                                     claimed_at=item.attempt.started_at)


def _finish(item: Claimed, outcome: str, message: str, *, kind: str = "", external_id: str = "", url: str = "",
            retry_at: dt.datetime | None = None, at: dt.datetime | None = None, alone: Batch | None = None) -> str:
    """Record the answer on the attempt and its target, audit it, and tell the author once the post is done.

    ``at``: when the platform confirmed (the time the post is published at).
    """
    attempt, target = item.attempt, item.target
    now = at or timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, finished_at=now, error_kind=kind, message=message[:2000], external_id=external_id)
        if retry_at is not None:
            if _ours(item).update(status=Status.SCHEDULED, due_at=retry_at, claimed_by="",
                                  last_error=f"Will try again: {message}"[:2000], updated_at=now):
                transaction.on_commit(lambda: channels_enqueue(channel_ids=[target.channel_id], due_at=retry_at))
                return "deferred"
            return _too_late(item, outcome, external_id, url, now)
        status: str = {Outcome.PUBLISHED.value: Status.PUBLISHED.value,
                       Outcome.UNCONFIRMED.value: Status.UNCONFIRMED.value}.get(str(outcome), Status.FAILED.value)
        fields: dict[str, object] = {"status": status, "last_error": message[:2000], "updated_at": now}
        if status == Status.PUBLISHED:
            fields.update(external_id=external_id, url=url, published_at=now)
        if not _ours(item).update(**fields):
            return _too_late(item, outcome, external_id, url, now)
        for name, value in fields.items():
            setattr(target, name, value)
        _audit(target, f"post.channel_{status}", message)
        _notify_if_done(target, alone=alone is not None and target.post_id in alone.alone)
    return str(outcome)


def _too_late(item: Claimed, outcome: str, external_id: str, url: str, now: dt.datetime) -> str:
    """Recovery already decided for this attempt (its worker looked dead): keep that decision, but a
    real answer that it published is worth recording."""
    target = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(
        pk=item.target.pk)
    if outcome == Outcome.PUBLISHED and target.status == Status.UNCONFIRMED:
        _set_target(target, Status.PUBLISHED, "", external_id, url, now)
        _audit(target, "post.channel_published", "The platform's answer arrived after the worker was thought dead.")
    return str(outcome)


def _set_target(target: PostTarget, status: str, message: str, external_id: str, url: str, now: dt.datetime) -> None:
    target.status = status
    target.last_error = message[:2000]
    fields = ["status", "last_error", "updated_at"]
    if status == Status.PUBLISHED:
        target.external_id, target.url, target.published_at = external_id, url, now
        fields += ["external_id", "url", "published_at"]
    target.save(update_fields=fields)


def _audit(target: PostTarget, action: str, reason: str, actor: User | None = None) -> None:
    audit_record(**_audit_entry(target, action, reason, actor))


def _audit_entry(target: PostTarget, action: str, reason: str, actor: User | None = None) -> dict[str, Any]:
    return {"actor": actor, "council": target.post.council, "action": action, "obj": target.post,
            "after": {"channel": target.channel_id, "status": target.status, "url": target.url,
                      "external_id": target.external_id, "idempotency_key": str(target.idempotency_key)},
            "reason": reason}


def _notify_if_done(target: PostTarget, *, alone: bool = False) -> None:
    """Tell the author when their post has an outcome on every channel; ``alone``: this is its only channel."""
    post = target.post
    from townsquare.publishing.services import post_url

    if target.status == Status.UNCONFIRMED:
        notify(users=[post.author], council=post.council, kind="post.unconfirmed", url=post_url(post),
               message=f"We could not confirm whether your post went out on {target.channel.name}: "
                       "please check the account and tell us.")
        return
    if alone:
        rows = [(str(target.status), target.channel.name)]
    else:
        rows = [(status, name) for status, name in post.targets.values_list("status", "channel__name")
                if status != Status.CANCELLED]
    if any(status in (Status.SCHEDULED, Status.PUBLISHING) for status, _ in rows):
        return
    published = sum(1 for status, _ in rows if status == Status.PUBLISHED)
    total = len(rows)
    if published == total:
        message = f"Your post was published on {total} channel{'s' if total != 1 else ''}: {post}"
        kind = "post.published"
    else:
        failed = ", ".join(name for status, name in rows if status == Status.FAILED)
        message = (f"Your post was published on {published} of {total} channels; "
                   f"it failed on {failed or 'none'}: {post}")
        kind = "post.failed"
    notify(users=[post.author], council=post.council, kind=kind, url=post_url(post), message=message)


# --- recovery and the sweep ---------------------------------------------------------------------------


def targets_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Decide for targets whose worker died mid-call: re-send with the same key where that is safe, else unconfirmed."""
    now = now or timezone.now()
    counts = {"resent": 0, "unconfirmed": 0}
    latest: dict[int, PublishAttempt] = {}
    started = (PublishAttempt.objects.filter(outcome=Outcome.STARTED, target__status=Status.PUBLISHING)
               .select_related("target__channel").order_by("target_id", "started_at"))
    for attempt in started:
        latest[attempt.target_id] = attempt
    resent_channels: set[int] = set()
    for attempt in latest.values():
        if not (process_gone(attempt.worker) or attempt.started_at < now - STALE_ATTEMPT):
            continue
        target = attempt.target
        resend = honours_idempotency_key(target.channel)
        with transaction.atomic():
            won = PostTarget.objects.filter(pk=target.pk, status=Status.PUBLISHING, claimed_by=attempt.worker,
                                            claimed_at=attempt.started_at).update(
                status=Status.SCHEDULED if resend else Status.UNCONFIRMED, due_at=now, claimed_by="",
                updated_at=now,
                last_error=("The worker stopped during the call; sent again with the same idempotency key, "
                            "which the platform answers without posting twice." if resend else
                            "The worker stopped during the call: the platform may or may not have published. "
                            "Check the account."))
            if won != 1:
                continue
            PublishAttempt.objects.filter(pk=attempt.pk, outcome=Outcome.STARTED).update(
                outcome=Outcome.UNCONFIRMED, finished_at=now, message="No answer recorded: the worker stopped.")
            if resend:
                counts["resent"] += 1
                resent_channels.add(target.channel_id)
            else:
                counts["unconfirmed"] += 1
                fresh = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(
                    pk=target.pk)
                _audit(fresh, "post.channel_unconfirmed", fresh.last_error)
                _notify_if_done(fresh)
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


# --- people resolving what the machine could not -----------------------------------------------------


def _may_resolve(actor: User, target: PostTarget) -> None:
    perms = perms_in(actor, target.post.council)
    if Perm.APPROVE_POSTS not in perms and target.post.author_id != actor.pk:
        raise PermissionDenied("Only the author or a communications officer can resolve this.")


def target_resolve(*, actor: User, target: PostTarget, outcome: str, url: str = "", note: str = "") -> PostTarget:
    """A person settles an unconfirmed target: they found it (published, with its address), or it is not there."""
    _may_resolve(actor, target)
    if target.status != Status.UNCONFIRMED:
        raise ValidationError("Only an unconfirmed channel can be resolved.")
    if outcome not in ("published", "failed", "retry"):
        raise ValidationError("Choose what you found.")
    url = url.strip()
    if outcome == "published" and not url:
        raise ValidationError("Give the address of the post you found on the account.")
    now = timezone.now()
    with transaction.atomic():
        target = PostTarget.objects.select_for_update(of=("self",)).select_related("post", "post__council", "channel").get(
            pk=target.pk)
        if target.status != Status.UNCONFIRMED:
            raise ValidationError("Someone else has just resolved this.")
        if outcome == "retry":
            # The same idempotency key: if the first call did land, a platform that honours keys answers with it.
            target.status, target.due_at, target.last_error = Status.SCHEDULED, now, ""
            target.save(update_fields=["status", "due_at", "last_error", "updated_at"])
            transaction.on_commit(lambda: targets_enqueue(target_ids=[target.pk], due_at=now))
        elif outcome == "published":
            _set_target(target, Status.PUBLISHED, "", target.external_id, url, now)
        else:
            _set_target(target, Status.FAILED, note.strip() or "Checked by a person: it was not published.", "", "",
                        now)
        _audit(target, f"post.channel_resolved_{outcome}", note.strip(), actor=actor)
    return target


def post_retry_failed(*, actor: User, post: Post) -> int:
    """Send again to the failed channels only; channels already published are left alone."""
    perms = perms_in(actor, post.council)
    if Perm.APPROVE_POSTS not in perms and post.author_id != actor.pk:
        raise PermissionDenied("Only the author or a communications officer can retry.")
    if post.status != Post.Status.APPROVED:
        raise ValidationError("Only an approved post can be retried.")
    now = timezone.now()
    with transaction.atomic():
        ids = list(post.targets.filter(status=Status.FAILED).values_list("pk", flat=True))
        if not ids:
            raise ValidationError("No channel has failed.")
        PostTarget.objects.filter(pk__in=ids, status=Status.FAILED).update(status=Status.SCHEDULED, due_at=now,
                                                                           last_error="")
        audit_record(actor=actor, council=post.council, action="post.retry_failed", obj=post,
                     after={"channels": list(PostTarget.objects.filter(pk__in=ids).values_list("channel_id", flat=True))})
        transaction.on_commit(lambda: targets_enqueue(target_ids=ids, due_at=now))
    return len(ids)


def post_delivery(post: Post) -> str:
    """One word for the post's channels together: scheduled, publishing, published, partial, failed, unconfirmed."""
    statuses = [s for s in post.targets.values_list("status", flat=True) if s != Status.CANCELLED]
    return delivery_from(statuses)


def delivery_from(statuses: list[str]) -> str:
    if not statuses:
        return ""
    distinct = set(statuses)
    if distinct == {Status.PUBLISHED}:
        return "published"
    if Status.UNCONFIRMED in distinct:
        return "unconfirmed"
    if Status.PUBLISHING in distinct:
        return "publishing"
    if Status.FAILED in distinct:
        return "partial" if Status.PUBLISHED in distinct else "failed"
    if Status.SCHEDULED in distinct:
        return "partial" if Status.PUBLISHED in distinct else "scheduled"
    return ""
