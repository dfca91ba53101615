"""The out-of-hours auto-reply: a channel's pre-approved text, sent when something arrives while the
council is closed, at most once per resident per channel per day (a unique row decides, so two
workers cannot both send it), as a reply in the thread through the publishing dispatch.

The text is checked by the council's policy rules as a reply and approved by a communications officer
when it is set; each sending is then a post approved by that officer, scheduled at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.inbox.models import AutoReply, AutoReplySent, InboxReply, ReceivedItem
from townsquare.inbox.working_time import schedule_for
from townsquare.policy.services import check_draft
from townsquare.publishing.dispatch.enqueue import targets_enqueue
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_create_draft

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MAX_TEXT = 1000


def auto_reply_set(*, actor: User, channel: Channel, text: str, enabled: bool) -> AutoReply:
    """Set and approve a channel's auto-reply (a communications officer); refused if a policy rule blocks it."""
    if Perm.APPROVE_POSTS not in perms_in(actor, channel.council):
        raise PermissionDenied("Only the communications team approves auto-replies.")
    text = (text or "").strip()
    if enabled and not text:
        raise ValidationError("Write the auto-reply before turning it on.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"An auto-reply must be at most {MAX_TEXT:,} characters.")
    if text:
        result = check_draft(council=channel.council, text=text, channels=[channel], is_reply=True)
        blocks = [f.message for f in result.findings if f.severity == "block"]
        if blocks:
            raise ValidationError(f"This auto-reply cannot be approved: {blocks[0]}")
    with transaction.atomic():
        existing = AutoReply.objects.select_for_update().filter(channel=channel).first()
        before = snapshot(existing, ["text", "enabled"]) if existing else None
        auto = existing or AutoReply(channel=channel)
        auto.text, auto.enabled = text, enabled
        auto.approved_by, auto.approved_at = actor, timezone.now()
        auto.save()
        audit_record(
            actor=actor,
            council=channel.council,
            action="inbox.auto_reply_approved",
            obj=channel,
            before=before,
            after=snapshot(auto, ["text", "enabled"]),
        )
    return auto


def _own(item: ReceivedItem) -> bool:
    """The council's own account (its posts can come back as mentions): never auto-answered."""
    return item.author_key == item.channel.handle.strip().lstrip("@").lower()


def auto_reply_stage(council: Council, rows: list[ReceivedItem]) -> None:
    """The pipeline stage: answer what arrived out of hours on channels with an auto-reply switched on."""
    autos = {
        a.channel_id: a
        for a in AutoReply.objects.filter(
            channel_id__in={r.channel_id for r in rows}, enabled=True, approved_by__isnull=False
        ).select_related("approved_by", "channel")
    }
    if not autos:
        return
    schedule = schedule_for(council)
    for item in rows:
        auto = autos.get(item.channel_id)
        when = item.received_at or timezone.now()
        if auto is None or not item.author_key or schedule.is_open(when) or item.malformed:
            continue
        item.channel = auto.channel
        if _own(item) or auto.channel.status == Channel.Status.CLOSED:
            continue
        _send(council, auto, item, timezone.localtime(when, schedule.zone).date())


def _send(council: Council, auto: AutoReply, item: ReceivedItem, day: dt.date) -> None:
    try:
        with transaction.atomic():
            AutoReplySent.objects.create(channel=auto.channel, author_key=item.author_key, day=day, item=item)
    except IntegrityError:
        return  # already answered today
    approver = auto.approved_by
    assert approver is not None
    now = timezone.now()
    with transaction.atomic():
        post = post_create_draft(
            author=approver,
            council=council,
            text=auto.text,
            channels=[auto.channel],
            scheduled_for=None,
            source=f"inbox:{item.pk}:auto",
            reply_to_external_id=item.external_id,
        )
        Post.objects.filter(pk=post.pk).update(
            status=Post.Status.APPROVED, approved_by=approver, approved_at=auto.approved_at, submitted_at=now
        )
        ids = list(post.targets.values_list("pk", flat=True))
        PostTarget.objects.filter(pk__in=ids).update(status=PostTarget.Status.SCHEDULED, due_at=now)
        InboxReply.objects.create(item=item, post=post, kind=InboxReply.Kind.AUTO, author=None)
        audit_record(
            actor=None,
            council=council,
            action="inbox.auto_reply_queued",
            obj=item,
            after={"post": post.pk, "channel": auto.channel_id, "day": day.isoformat()},
        )
        transaction.on_commit(lambda: targets_enqueue(target_ids=ids, due_at=now))
