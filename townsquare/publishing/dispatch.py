"""Dispatch: exactly once, or visibly not.

How it runs. Approving a post schedules one ``PostTarget`` per channel and enqueues one
``publishing.dispatch_target`` job per target on the existing queue, due at the target's time
(``job_enqueue``: the embedded ``run_worker`` takes it from the database; with Celery it is sent
with an ETA). Both call ``target_dispatch``. A periodic ``publishing.dispatch_due`` sweep
(``dispatch_sweep``) catches what a per-target job cannot: a due target whose job was lost or
deferred, and a target left "publishing" by a worker that died mid-call.

The steps for one target, each a separate commit:

1. Claim, in one transaction: lock the channel's ``ChannelPublishing`` row, count the channel's
   calls in the last hour against the connector's ``limits.rate_limit_per_hour`` and the
   connection's reported headroom (exhausted: move ``due_at`` to when it frees up, no call),
   then ``UPDATE ... SET status='publishing' WHERE status='scheduled' AND due_at <= now`` (one
   row changed: ours; none: someone else has it) and insert a ``PublishAttempt`` carrying the
   target's idempotency key. Claim and attempt commit together, so "publishing" always has
   its attempt on record before any call is made.
2. One call to the platform.
3. Record the outcome on the attempt and the target.

A worker that dies between 2 and 3 leaves the target "publishing" with an attempt "started".
``targets_recover`` finds it once its worker is known dead (same host, process gone) or the attempt
is older than ``STALE_ATTEMPT``. If the channel's connector honours idempotency keys (Mastodon's
``Idempotency-Key``: a repeat with the same key returns the first status instead of posting
again), the target is scheduled again with the same key; otherwise it becomes "unconfirmed" and a
person checks the account and resolves it. An unconfirmed target is never sent again by itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, ErrorKind, Image, OutboundPost
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connection_record_error, connection_record_success, connector_for
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.jobs.services import job_enqueue
from townsquare.notifications.services import notify
from townsquare.publishing.models import ChannelPublishing, Post, PostTarget, PublishAttempt

if TYPE_CHECKING:
    from townsquare.accounts.models import User

log = logging.getLogger(__name__)

# An attempt this old with no answer is taken to be dead even if its worker cannot be checked
# (another machine). Longer than the connectors' publish timeout (5 s connect + 30 s read).
STALE_ATTEMPT = dt.timedelta(seconds=getattr(settings, "PUBLISHING_STALE_ATTEMPT_SECONDS", 120))
# A platform's transient refusals (5xx, 429, unreachable before sending) are tried again this many times.
MAX_TRANSIENT_RETRIES = 3
RATE_WINDOW = dt.timedelta(hours=1)
JOB_KIND = "publishing.dispatch_target"

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome


# --- enqueueing -------------------------------------------------------------------------------------


def _job_key(target_id: int, due_at: dt.datetime) -> str:
    return f"publishing:{target_id}:{int(due_at.timestamp())}"


def targets_enqueue(*, target_ids: Iterable[int], due_at: dt.datetime) -> int:
    """One dispatch job per target, due at its time; a pending job for the same target and time is kept."""
    made = 0
    for target_id in target_ids:
        if job_enqueue(kind=JOB_KIND, payload={"target_id": target_id}, run_after=due_at,
                       dedupe_key=_job_key(target_id, due_at), max_attempts=3):
            made += 1
    return made


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


def _headroom_wait(channel: Channel, now: dt.datetime) -> dt.datetime | None:
    """When the platform's own counter says the account has no calls left: the time it resets."""
    room = Connection.objects.filter(channel=channel).values_list("rate_remaining", "rate_resets_at").first()
    if room is None:
        return None
    remaining, resets_at = room
    if remaining is not None and remaining <= 0 and resets_at is not None and resets_at > now:
        return resets_at
    return None


# --- claiming -----------------------------------------------------------------------------------------


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _defer(target: PostTarget, until: dt.datetime, reason: str) -> None:
    PostTarget.objects.filter(pk=target.pk, status=Status.SCHEDULED).update(due_at=until, last_error=reason)
    transaction.on_commit(lambda: targets_enqueue(target_ids=[target.pk], due_at=until))


def target_claim(*, target_id: int, worker: str, now: dt.datetime | None = None) -> PublishAttempt | None:
    """Claim one due target and record its attempt, in one commit; None if not ours to send now."""
    now = now or timezone.now()
    with transaction.atomic():
        target = PostTarget.objects.select_related("channel").filter(pk=target_id).first()
        if target is None or target.status != Status.SCHEDULED or target.due_at is None or target.due_at > now:
            return None
        channel = target.channel
        # Serialises dispatch per channel (PostgreSQL row lock; SQLite's write lock already does).
        ChannelPublishing.objects.select_for_update().get_or_create(channel=channel)
        limit = _rate_limit_per_hour(channel)
        if limit:
            window = PublishAttempt.objects.filter(channel=channel, started_at__gt=now - RATE_WINDOW)
            if window.count() >= limit:
                oldest = window.order_by("started_at").values_list("started_at", flat=True)[
                    max(0, window.count() - limit)]
                _defer(target, oldest + RATE_WINDOW, f"Waiting for the channel's allowance of {limit} posts an hour.")
                return None
        if (resets := _headroom_wait(channel, now)) is not None:
            _defer(target, resets, "Waiting for the platform's rate limit to reset.")
            return None
        won = PostTarget.objects.filter(pk=target.pk, status=Status.SCHEDULED, due_at__lte=now).update(
            status=Status.PUBLISHING, claimed_by=worker, claimed_at=now)
        if won != 1:
            return None
        attempt = PublishAttempt.objects.create(target=target, channel=channel, idempotency_key=target.idempotency_key,
                                                worker=worker, started_at=now)
    return attempt


# --- the call and its outcome -----------------------------------------------------------------------


def _outbound(target: PostTarget) -> OutboundPost:
    post = target.post
    images = []
    for image in post.images.all():
        with image.file.open("rb") as handle:
            images.append(Image(content=handle.read(), mime_type=image.mime_type, alt_text=image.alt_text))
    return OutboundPost(text=target.text, link=post.link, images=tuple(images),
                        idempotency_key=str(target.idempotency_key))


def target_dispatch(*, target_id: int, worker: str = "") -> str:
    """Claim, call once, record. Returns what happened: published, failed, unconfirmed, deferred, skipped."""
    worker = worker or worker_id()
    attempt = target_claim(target_id=target_id, worker=worker)
    if attempt is None:
        target = PostTarget.objects.filter(pk=target_id).only("status").first()
        return "deferred" if target is not None and target.status == Status.SCHEDULED else "skipped"
    target = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(pk=target_id)
    channel = target.channel
    if channel.status == Channel.Status.CLOSED:
        return _finish(attempt, Outcome.FAILED, "The channel is closed in the register.")
    if channel.connection_state == Channel.Connection.NEEDS_RECONNECTING:
        return _finish(attempt, Outcome.FAILED, "The channel needs reconnecting before anything can be published.",
                       kind=ErrorKind.REAUTHORISE)
    try:
        connector = connector_for(channel)
        outbound = _outbound(target)
    except ConnectorError as exc:
        return _handle_error(attempt, channel, exc)
    except Exception as exc:  # nothing was sent: the channel cannot be used at all
        log.warning("cannot prepare target %s: %s", target_id, type(exc).__name__)
        return _finish(attempt, Outcome.FAILED, f"Could not prepare the post for {channel.name}: {exc}")
    try:
        result = connector.publish(outbound)
    except ConnectorError as exc:
        return _handle_error(attempt, channel, exc)
    except Exception as exc:  # the call may have reached the platform: a person checks
        log.warning("publish call for target %s raised %s", target_id, type(exc).__name__)
        return _finish(attempt, Outcome.UNCONFIRMED,
                       "Something went wrong during the call: the platform may or may not have published. "
                       "Check the account.")
    try:
        connection_record_success(channel, connector.last_headroom)
    except Exception as exc:  # the post is out: its outcome must be recorded whatever happens here
        log.warning("could not record headroom of channel %s: %s", channel.pk, type(exc).__name__)
    return _finish(attempt, Outcome.PUBLISHED, "", external_id=result.external_id, url=result.url)


def _handle_error(attempt: PublishAttempt, channel: Channel, error: ConnectorError) -> str:
    if error.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
        try:
            connection_record_error(channel, error)
        except Exception as exc:  # the target's own outcome must still be recorded
            log.warning("could not record the connection error of channel %s: %s", channel.pk, type(exc).__name__)
        reason = ("The channel's connection is no longer accepted by the platform: reconnect it, then retry."
                  if error.kind == ErrorKind.REAUTHORISE else
                  "The account or the app's access is gone at the platform: the channel must be reconnected.")
        return _finish(attempt, Outcome.FAILED, f"{reason} ({error.message})", kind=error.kind)
    if error.kind == ErrorKind.UNCONFIRMED:
        return _finish(attempt, Outcome.UNCONFIRMED, error.message, kind=error.kind)
    if error.kind == ErrorKind.RETRY:
        tries = PublishAttempt.objects.filter(target_id=attempt.target_id, error_kind=ErrorKind.RETRY).count()
        if tries < MAX_TRANSIENT_RETRIES:
            wait = error.retry_after if error.retry_after is not None else 30 * 2 ** tries
            return _finish(attempt, Outcome.FAILED, error.message, kind=error.kind,
                           retry_at=timezone.now() + dt.timedelta(seconds=min(wait, 3600)))
        return _finish(attempt, Outcome.FAILED, f"{error.message} Gave up after {tries + 1} tries.", kind=error.kind)
    return _finish(attempt, Outcome.FAILED, f"The platform refused the post: {error.message}", kind=error.kind)


def _finish(attempt: PublishAttempt, outcome: str, message: str, *, kind: str = "", external_id: str = "",
            url: str = "", retry_at: dt.datetime | None = None) -> str:
    """Record the answer on the attempt and its target, audit it, and tell the author once the post is done."""
    now = timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, finished_at=now, error_kind=kind, message=message[:2000], external_id=external_id)
        target = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(
            pk=attempt.target_id)
        if target.status != Status.PUBLISHING or target.claimed_by != attempt.worker:
            # Recovery already decided for this attempt (its worker looked dead): keep that decision,
            # but a real answer that it published is worth recording.
            if outcome == Outcome.PUBLISHED and target.status == Status.UNCONFIRMED:
                _set_target(target, Status.PUBLISHED, "", external_id, url, now)
                _audit(target, "post.channel_published", "The platform's answer arrived after the worker was "
                       "thought dead.")
            return outcome
        if retry_at is not None:
            PostTarget.objects.filter(pk=target.pk).update(status=Status.SCHEDULED, due_at=retry_at,
                                                           last_error=f"Will try again: {message}")
            transaction.on_commit(lambda: targets_enqueue(target_ids=[target.pk], due_at=retry_at))
            return "deferred"
        status: str = {Outcome.PUBLISHED.value: Status.PUBLISHED.value,
                       Outcome.UNCONFIRMED.value: Status.UNCONFIRMED.value}.get(str(outcome), Status.FAILED.value)
        _set_target(target, status, message, external_id, url, now)
        _audit(target, f"post.channel_{status}", message)
        if status == Status.PUBLISHED:
            Channel.objects.filter(pk=target.channel_id).update(last_post_at=now)
        _notify_if_done(target)
    return outcome


def _set_target(target: PostTarget, status: str, message: str, external_id: str, url: str, now: dt.datetime) -> None:
    target.status = status
    target.last_error = message[:2000]
    fields = ["status", "last_error", "updated_at"]
    if status == Status.PUBLISHED:
        target.external_id, target.url, target.published_at = external_id, url, now
        fields += ["external_id", "url", "published_at"]
    target.save(update_fields=fields)


def _audit(target: PostTarget, action: str, reason: str, actor: User | None = None) -> None:
    audit_record(actor=actor, council=target.post.council, action=action, obj=target.post,
                 after={"channel": target.channel_id, "status": target.status, "url": target.url,
                        "external_id": target.external_id, "idempotency_key": str(target.idempotency_key)},
                 reason=reason)


def _notify_if_done(target: PostTarget) -> None:
    post = target.post
    from townsquare.publishing.services import post_url

    if target.status == Status.UNCONFIRMED:
        notify(users=[post.author], council=post.council, kind="post.unconfirmed", url=post_url(post),
               message=f"We could not confirm whether your post went out on {target.channel.name}: "
                       "please check the account and tell us.")
        return
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


def _worker_dead(worker: str) -> bool:
    """True when the attempt's worker ran on this machine and its process is gone."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _enqueue_later(target_ids: list[int], due_at: dt.datetime) -> Callable[[], object]:
    return lambda: targets_enqueue(target_ids=target_ids, due_at=due_at)


def targets_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Decide for targets whose worker died mid-call: re-send with the same key where that is safe, else unconfirmed."""
    now = now or timezone.now()
    counts = {"resent": 0, "unconfirmed": 0}
    stuck = (PostTarget.objects.filter(status=Status.PUBLISHING)
             .select_related("channel").only("pk", "claimed_by", "claimed_at", "channel"))
    for target in stuck:
        attempt = target.attempts.filter(outcome=Outcome.STARTED).order_by("-started_at").first()
        if attempt is None:
            continue
        if not (_worker_dead(attempt.worker) or attempt.started_at < now - STALE_ATTEMPT):
            continue
        resend = honours_idempotency_key(target.channel)
        with transaction.atomic():
            won = PostTarget.objects.filter(pk=target.pk, status=Status.PUBLISHING,
                                            claimed_by=attempt.worker).update(
                status=Status.SCHEDULED if resend else Status.UNCONFIRMED, due_at=now, claimed_by="",
                last_error=("The worker stopped during the call; sent again with the same idempotency key, "
                            "which the platform answers without posting twice." if resend else
                            "The worker stopped during the call: the platform may or may not have published. "
                            "Check the account."))
            if won != 1:
                continue
            PublishAttempt.objects.filter(pk=attempt.pk, outcome=Outcome.STARTED).update(
                outcome=Outcome.UNCONFIRMED, finished_at=now, message="No answer recorded: the worker stopped.")
            fresh = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(
                pk=target.pk)
            if resend:
                counts["resent"] += 1
                transaction.on_commit(_enqueue_later([target.pk], now))
            else:
                counts["unconfirmed"] += 1
                _audit(fresh, "post.channel_unconfirmed", fresh.last_error)
                _notify_if_done(fresh)
    return counts


def dispatch_sweep(*, now: dt.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    """The periodic step: recover dead workers' calls, then queue every due target that has no pending job.

    A target's job is keyed by (target, due time), so a target that already has its job pending is
    skipped by the queue's own de-duplication.
    """
    now = now or timezone.now()
    counts = targets_recover(now=now)
    due = PostTarget.objects.filter(status=Status.SCHEDULED, due_at__lte=now).order_by("due_at")
    queued = 0
    for target_id, due_at in due.values_list("pk", "due_at")[:limit]:
        queued += targets_enqueue(target_ids=[target_id], due_at=due_at or now)
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
