"""Sending: one call per claimed target, each answer recorded (``record``), until nothing is due.

A batch holds several targets only where the channel's connector honours idempotency keys; on
any other platform it is one target, so a worker that dies leaves at most the call in flight in
doubt. Failures and doubts are recorded at once. The platform's confirmations on a channel that
honours keys are recorded together, across the channels of one claim (one transaction for up to
``claim.ACROSS`` calls, or ``RECORD_WITHIN``), each with its own confirmation time and audit event.
That is safe only because of the keys: a worker that dies before recording leaves the targets
"publishing", and re-sending them with the same keys returns the posts already made.

A claimed target that is not called after all is given back (its attempt "released", the target
scheduled again): the platform's headroom ran out or it asked for a pause part-way through a
batch, or the batch ran long. After a reconnect-class refusal the rest of the batch fails as the
first did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError, Credentials, ErrorKind, Image, OutboundPost
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connection_record_error, connector_for
from townsquare.publishing.dispatch.claim import (
    ACROSS,
    STALE_ATTEMPT,
    Batch,
    Claimed,
    due_claim,
    honours_idempotency_key,
    worker_id,
)
from townsquare.publishing.dispatch.enqueue import drain_enqueue
from townsquare.publishing.dispatch.record import Confirmed, finish, record_calls, record_published, release
from townsquare.publishing.models import PostImage, PostTarget, PublishAttempt

log = logging.getLogger(__name__)

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome

# A transient refusal (429, unreachable before sending), or on a platform that honours idempotency
# keys an answer that proved nothing, is tried again this many times.
MAX_TRANSIENT_RETRIES = 3
# Targets one job sends before the rest goes to other jobs, so one job does not hold a worker long.
MAX_PER_JOB = 100
# The longest a batch's confirmations wait to be recorded together.
RECORD_WITHIN = dt.timedelta(seconds=1)
RECONNECT = "The channel needs reconnecting before anything can be published."
RATE_PAUSE = "Waiting for the platform's rate limit to reset."


@dataclass(frozen=True)
class Stop:
    """Why the rest of a batch is not called: failed as ``kind`` (no ``until``), or given back until then."""

    reason: str
    kind: str = ""
    until: dt.datetime | None = None


@dataclass
class Sending:
    """One batch on its way: the outcomes settled so far and the confirmations not yet recorded."""

    batch: Batch
    outcomes: list[str] = field(default_factory=list)
    confirmed: list[Confirmed] = field(default_factory=list)
    connector: Connector | None = None
    before: Credentials | None = None  # the credentials the connector started with (renewals are kept)
    published_at: dt.datetime | None = None

    def connect(self) -> Connector:
        if self.connector is None:
            self.connector = connector_for(self.batch.channel, connection=self.batch.connection, reuse=True)
            self.before = self.connector.credentials
        return self.connector

    def record(self) -> None:
        self.outcomes += record_published(self.confirmed, alone=self.batch.alone)
        self.confirmed = []


def outbound_post(target: PostTarget, images: list[PostImage] | None = None) -> OutboundPost:
    post = target.post
    if post.private_to and (refusal := connector_class(target.channel.platform).private_refusal):
        raise ConnectorError(ErrorKind.REJECTED, refusal)  # never sent in public instead
    loaded = []
    for image in post.images.all() if images is None else images:
        with image.file.open("rb") as handle:
            loaded.append(Image(content=handle.read(), mime_type=image.mime_type, alt_text=image.alt_text))
    return OutboundPost(
        text=target.text,
        link=post.link,
        images=tuple(loaded),
        idempotency_key=str(target.idempotency_key),
        reply_to_external_id=post.reply_to_external_id,
        private_to=post.private_to,
    )


def _channel_stop(channel: Channel) -> Stop | None:
    if channel.status == Channel.Status.CLOSED:
        return Stop("The channel is closed in the register.")
    if channel.connection_state == Channel.Connection.NEEDS_RECONNECTING:
        return Stop(RECONNECT, kind=ErrorKind.REAUTHORISE)
    return None


def send_batch(batch: Batch) -> Sending:
    """One call per claimed target, in order. Confirmations on a channel that honours idempotency keys are
    left on the returned ``Sending`` for the caller to record with the rest of the claim's (``record_sent``)."""
    sending = Sending(batch=batch)
    together = honours_idempotency_key(batch.channel)
    stop = _channel_stop(batch.channel)
    for index, item in enumerate(batch.claimed):
        if stop is None and timezone.now() - batch.claimed_at > STALE_ATTEMPT / 2:
            # Recovery would soon take these attempts for dead ones: give them back to be claimed afresh.
            stop = Stop("Given back unsent: the batch ran long.", until=timezone.now())
        if stop is not None:
            _stop_rest(sending, batch.claimed[index:], stop)
            break
        stop = _send_one(sending, item)
        if sending.confirmed and (not together or timezone.now() - sending.confirmed[0][2] > RECORD_WITHIN):
            sending.record()
    return sending


def _stop_rest(sending: Sending, items: list[Claimed], stop: Stop) -> None:
    batch = sending.batch
    if stop.until is not None:
        release(items, stop.until, stop.reason, channel_id=batch.channel.pk)
        sending.outcomes += ["deferred"] * len(items)
        return
    sending.outcomes += [
        finish(item, Outcome.FAILED, stop.reason, kind=stop.kind, alone=item.target.post_id in batch.alone)
        for item in items
    ]


def _send_one(sending: Sending, item: Claimed) -> Stop | None:
    """The call for one target; what stops the rest of the batch, if anything does."""
    batch = sending.batch
    alone = item.target.post_id in batch.alone
    try:
        connector = sending.connect()
        outbound = outbound_post(item.target, batch.images.get(item.target.post_id, []))
    except ConnectorError as error:
        return _refused(sending, item, error)
    except Exception as exc:  # nothing was sent: the target cannot be prepared at all
        log.warning("cannot prepare target %s: %s", item.target.pk, type(exc).__name__)
        sending.outcomes.append(
            finish(item, Outcome.FAILED, f"Could not prepare the post for {batch.channel.name}: {exc}", alone=alone)
        )
        return None
    try:
        result = connector.publish(outbound)
    except ConnectorError as error:
        return _refused(sending, item, error)
    except Exception as exc:  # the call may have reached the platform
        log.warning("publish call for target %s raised %s", item.target.pk, type(exc).__name__)
        sending.outcomes.append(
            finish(
                item,
                Outcome.UNCONFIRMED,
                "Something went wrong during the call: the platform may or may not have published.",
                alone=alone,
            )
        )
        return None
    at = timezone.now()
    sending.confirmed.append((item, result, at))
    sending.published_at = at
    room = connector.last_headroom
    if (
        room is not None
        and room.remaining is not None
        and room.remaining <= 0
        and room.resets_at is not None
        and room.resets_at > at
    ):
        return Stop(RATE_PAUSE, until=room.resets_at)
    return None


def _refused(sending: Sending, item: Claimed, error: ConnectorError) -> Stop | None:
    channel = sending.batch.channel
    sending.outcomes.append(handle_error(item, channel, error, alone=item.target.post_id in sending.batch.alone))
    if error.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
        return Stop(RECONNECT, kind=error.kind)
    if error.kind == ErrorKind.RETRY and error.retry_after is not None:
        # The platform asked for a pause: the rest of the batch waits for it, uncalled.
        return Stop(RATE_PAUSE, until=timezone.now() + dt.timedelta(seconds=min(error.retry_after, 3600)))
    return None


def handle_error(item: Claimed, channel: Channel, error: ConnectorError, *, alone: bool = False) -> str:
    """Record a refused or doubtful call. What provably never left and a 429 are tried again later; an
    answer that proved nothing is sent again only where the platform honours idempotency keys, and is
    otherwise "unconfirmed", for the account to be checked (``check``)."""
    if error.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
        try:
            connection_record_error(channel, error)
        except Exception as exc:  # the target's own outcome must still be recorded
            log.warning("could not record the connection error of channel %s: %s", channel.pk, type(exc).__name__)
        reason = (
            "The channel's connection is no longer accepted by the platform: reconnect it, then retry."
            if error.kind == ErrorKind.REAUTHORISE
            else "The account or the app's access is gone at the platform: the channel must be reconnected."
        )
        return finish(item, Outcome.FAILED, f"{reason} ({error.message})", kind=error.kind, alone=alone)
    if error.kind not in (ErrorKind.RETRY, ErrorKind.UNCONFIRMED):
        return finish(
            item, Outcome.FAILED, f"The platform refused the post: {error.message}", kind=error.kind, alone=alone
        )
    tries = PublishAttempt.objects.filter(
        target_id=item.attempt.target_id, error_kind__in=[ErrorKind.RETRY, ErrorKind.UNCONFIRMED]
    ).count()
    outcome = Outcome.FAILED if error.kind == ErrorKind.RETRY else Outcome.UNCONFIRMED
    again = tries < MAX_TRANSIENT_RETRIES and (error.kind == ErrorKind.RETRY or honours_idempotency_key(channel))
    if again:
        wait = error.retry_after if error.retry_after is not None else 30 * 2**tries
        message = (
            error.message
            if error.kind == ErrorKind.RETRY
            else (
                f"{error.message} Sent again with the same idempotency key, which the platform answers without "
                "posting twice."
            )
        )
        return finish(
            item,
            outcome,
            message,
            kind=error.kind,
            alone=alone,
            retry_at=timezone.now() + dt.timedelta(seconds=min(wait, 3600)),
        )
    if error.kind == ErrorKind.RETRY:
        return finish(item, outcome, f"{error.message} Gave up after {tries + 1} tries.", kind=error.kind, alone=alone)
    return finish(item, outcome, f"{error.message} Townsquare is checking the account.", kind=error.kind, alone=alone)


def record_sent(sendings: list[Sending]) -> list[str]:
    """A claim's outcomes: the confirmations still to record, in one transaction across its channels, then
    the channels' bookkeeping in another."""
    outcomes = [o for s in sendings for o in s.outcomes]
    alone = {post_id for s in sendings for post_id in s.batch.alone}
    outcomes += record_published([row for s in sendings for row in s.confirmed], alone=alone)
    record_calls(
        [
            (s.batch, s.connector, s.before, s.published_at)
            for s in sendings
            if s.connector is not None and s.published_at is not None
        ]
    )
    return outcomes


def due_dispatch(*, worker: str = "", max_targets: int = MAX_PER_JOB) -> dict[str, int]:
    """Send what is due across channels, earliest first, a claim of up to ``ACROSS`` targets at a time.

    When a claim comes back full, more is due than this job alone should send: up to
    ``enqueue.PARALLEL`` jobs are queued to share it. Returns how many ended each way.
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
        sendings: list[Sending] = []
        try:
            for batch in batches:
                sendings.append(send_batch(batch))
        finally:
            counts.update(record_sent(sendings))
        sent += claimed
    else:
        if PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=timezone.now()).exists():
            drain_enqueue()
    return dict(counts)
