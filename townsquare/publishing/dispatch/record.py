"""Recording what the platform answered: on the attempt and the target, audited, and people told.

Every write checks that the target is still held by the claim that made the call (``_ours``):
recovery may have decided for a slow call whose worker looked dead, and that decision stands.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from townsquare.archive.capture import after_commit, archive_posts_published
from townsquare.audit.services import audit_record, audit_record_many
from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, Credentials, PublishResult
from townsquare.connectors.services import connection_keep_renewed
from townsquare.notifications.services import notify
from townsquare.publishing.dispatch.claim import Batch, Claimed
from townsquare.publishing.dispatch.enqueue import channels_enqueue
from townsquare.publishing.models import PostTarget, PublishAttempt
from townsquare.publishing.selectors import post_url
from townsquare.publishing.signals import targets_published

if TYPE_CHECKING:
    from townsquare.accounts.models import User

log = logging.getLogger(__name__)

Status = PostTarget.Status
Outcome = PublishAttempt.Outcome
# A call the platform confirmed, with the moment it did: not yet recorded.
Confirmed = tuple[Claimed, PublishResult, dt.datetime]


def _ours(item: Claimed) -> QuerySet[PostTarget]:
    """The target, only while it is still held by this attempt's claim (recovery may have decided for it)."""
    return PostTarget.objects.filter(
        pk=item.target.pk, status=Status.PUBLISHING, claimed_by=item.attempt.worker, claimed_at=item.attempt.started_at
    )


def finish(
    item: Claimed,
    outcome: str,
    message: str,
    *,
    kind: str = "",
    retry_at: dt.datetime | None = None,
    alone: bool = False,
) -> str:
    """Record an answer other than a confirmation on the attempt and its target, audit it, and tell people
    once the post is done. ``retry_at``: the target is scheduled again for then instead ("deferred")."""
    attempt, target = item.attempt, item.target
    now = timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            outcome=outcome, finished_at=now, error_kind=kind, message=message[:2000]
        )
        if retry_at is not None:
            if _ours(item).update(
                status=Status.SCHEDULED,
                due_at=retry_at,
                claimed_by="",
                last_error=f"Will try again: {message}"[:2000],
                updated_at=now,
            ):
                transaction.on_commit(lambda: channels_enqueue(channel_ids=[target.channel_id], due_at=retry_at))
                return "deferred"
            return str(outcome)
        status = Status.UNCONFIRMED if outcome == Outcome.UNCONFIRMED else Status.FAILED
        if not _ours(item).update(status=status, last_error=message[:2000], updated_at=now):
            return str(outcome)
        target.status, target.last_error, target.updated_at = status, message[:2000], now
        audit_target(target, f"post.channel_{status}", message)
        notify_if_done(target, alone=alone)
    return str(outcome)


def record_published(confirmed: list[Confirmed], *, alone: set[int]) -> list[str]:
    """Record the platform's confirmations of calls in one transaction, each audited as it would be alone.

    ``alone``: the posts among them that go to no other channel.
    """
    if not confirmed:
        return []
    late: list[Confirmed] = []
    with transaction.atomic():
        # Still held by the claim that made each call (recovery may have decided for a slow one).
        worker = confirmed[0][0].attempt.worker  # one dispatch run's calls
        held = dict(
            PostTarget.objects.select_for_update()
            .filter(pk__in=[item.target.pk for item, _, _ in confirmed], status=Status.PUBLISHING, claimed_by=worker)
            .values_list("pk", "claimed_at")
        )
        attempts, targets = [], []
        for item, result, at in confirmed:
            attempt, target = item.attempt, item.target
            attempt.outcome, attempt.finished_at, attempt.external_id = Outcome.PUBLISHED, at, result.external_id
            attempts.append(attempt)
            if held.get(target.pk) != attempt.started_at:
                late.append((item, result, at))
                continue
            target.status, target.last_error, target.updated_at = Status.PUBLISHED, "", at
            target.external_id, target.url, target.published_at = result.external_id, result.url, at
            targets.append(target)
        update_each(attempts, ["outcome", "finished_at", "external_id"])
        update_each(targets, ["status", "last_error", "updated_at", "external_id", "url", "published_at"])
        after_commit(archive_posts_published, target_ids=[target.pk for target in targets])
        audit_record_many([_audit_entry(target, "post.channel_published", "") for target in targets])
        for target in targets:
            notify_if_done(target, alone=target.post_id in alone)
        if targets:
            targets_published.send(sender=PostTarget, targets=targets)
    for item, result, at in late:
        _too_late(item, result, at)
    return [str(Outcome.PUBLISHED)] * len(confirmed)


def _too_late(item: Claimed, result: PublishResult, at: dt.datetime) -> None:
    """Recovery already decided for this attempt (its worker looked dead): keep that decision, but a
    real answer that it published is worth recording."""
    target = PostTarget.objects.select_related("post", "post__council", "post__author", "channel").get(
        pk=item.target.pk
    )
    if target.status == Status.UNCONFIRMED:
        set_target(target, Status.PUBLISHED, "", result.external_id, result.url, at)
        audit_target(
            target, "post.channel_published", "The platform's answer arrived after the worker was thought dead."
        )


def set_target(target: PostTarget, status: str, message: str, external_id: str, url: str, now: dt.datetime) -> None:
    target.status = status
    target.last_error = message[:2000]
    fields = ["status", "last_error", "updated_at"]
    if status == Status.PUBLISHED:
        target.external_id, target.url, target.published_at = external_id, url, now
        fields += ["external_id", "url", "published_at"]
    target.save(update_fields=fields)
    if status == Status.PUBLISHED:
        targets_published.send(sender=PostTarget, targets=[target])
        after_commit(archive_posts_published, target_ids=[target.pk])


def audit_target(target: PostTarget, action: str, reason: str, actor: User | None = None) -> None:
    audit_record(**_audit_entry(target, action, reason, actor))


def _audit_entry(target: PostTarget, action: str, reason: str, actor: User | None = None) -> dict[str, Any]:
    return {
        "actor": actor,
        "council": target.post.council,
        "action": action,
        "obj": target.post,
        "after": {
            "channel": target.channel_id,
            "status": target.status,
            "url": target.url,
            "external_id": target.external_id,
            "idempotency_key": str(target.idempotency_key),
        },
        "reason": reason,
    }


def notify_if_done(target: PostTarget, *, alone: bool = False) -> None:
    """Tell the author when their post has an outcome on every channel; ``alone``: this is its only channel.

    A failure or a doubt is told to the person who approved the post too: they put it on the schedule.
    """
    post = target.post
    told = [user for user in (post.author, post.approved_by) if user is not None]
    if target.status == Status.UNCONFIRMED:
        notify(
            users=told,
            council=post.council,
            kind="post.unconfirmed",
            url=post_url(post),
            message=f"We could not confirm whether a post went out on {target.channel.name}: Townsquare is "
            f"checking the account: {post}",
        )
        return
    if alone:
        rows = [(str(target.status), target.channel.name)]
    else:
        rows = [
            (status, name)
            for status, name in post.targets.values_list("status", "channel__name")
            if status != Status.CANCELLED
        ]
    if any(status in (Status.SCHEDULED, Status.PUBLISHING, Status.UNCONFIRMED) for status, _ in rows):
        return
    published = sum(1 for status, _ in rows if status == Status.PUBLISHED)
    total = len(rows)
    if published == total:
        notify(
            users=[post.author],
            council=post.council,
            kind="post.published",
            url=post_url(post),
            message=f"Your post was published on {total} channel{'s' if total != 1 else ''}: {post}",
        )
        return
    failed = ", ".join(name for status, name in rows if status == Status.FAILED)
    notify(
        users=told,
        council=post.council,
        kind="post.failed",
        url=post_url(post),
        message=f"A post was published on {published} of {total} channels; it failed on {failed or 'none'}: {post}",
    )


def release(items: list[Claimed], until: dt.datetime, reason: str, *, channel_id: int) -> None:
    """Give back claimed targets that were not called: attempts "released", targets scheduled for ``until``."""
    now = timezone.now()
    with transaction.atomic():
        PublishAttempt.objects.filter(pk__in=[c.attempt.pk for c in items], outcome=Outcome.STARTED).update(
            outcome=Outcome.RELEASED, finished_at=now, message=reason
        )
        for item in items:
            _ours(item).update(status=Status.SCHEDULED, due_at=until, claimed_by="", last_error=reason, updated_at=now)
        transaction.on_commit(lambda: channels_enqueue(channel_ids=[channel_id], due_at=until))


def record_calls(calls: list[tuple[Batch, Connector, Credentials | None, dt.datetime]]) -> None:
    """Once per batch that published, for several channels' batches together: the platform's reported
    headroom, renewed credentials and the channel's last post, in one transaction of one statement each."""
    if not calls:
        return
    try:
        with transaction.atomic():
            _record_calls(calls)
    except Exception as exc:  # the posts are out and recorded: this bookkeeping must not undo that
        log.warning("could not record the channels' calls: %s", type(exc).__name__)


def _record_calls(calls: list[tuple[Batch, Connector, Credentials | None, dt.datetime]]) -> None:
    now = timezone.now()
    channels, with_headroom, without = [], [], []
    for batch, connector, before, published_at in calls:
        connection_keep_renewed(channel=batch.channel, connector=connector, before=before)  # type: ignore[arg-type]
        channels.append(Channel(pk=batch.channel.pk, last_post_at=published_at))
        account = batch.connection
        if account is None:
            continue
        account.last_success_at = account.updated_at = now
        room = connector.last_headroom
        if room is None:
            without.append(account)
            continue
        account.rate_remaining, account.rate_limit, account.rate_resets_at = room.remaining, room.limit, room.resets_at
        with_headroom.append(account)
    update_each(channels, ["last_post_at"])
    update_each(without, ["last_success_at", "updated_at"])
    update_each(with_headroom, ["last_success_at", "updated_at", "rate_remaining", "rate_limit", "rate_resets_at"])


def update_each(rows: Sequence[models.Model], fields: list[str]) -> None:
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
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(str(f.column))} = %s' for f in columns)} "  # noqa: S608
        f"WHERE {quote(str(meta.pk.column))} = %s"
    )
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
