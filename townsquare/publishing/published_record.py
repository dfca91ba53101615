"""Recording a change to a published post once its platform has made it: the channel's wording (or its
deletion), the archive's new version and the audit event, in one transaction. Used straight after the
platform's answer, and later when an unconfirmed change is seen made on the account."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.archive.capture import archive_posts_published
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import archive_deletion_seen, archive_edit_seen
from townsquare.audit.services import audit_record
from townsquare.publishing.models import PostTarget, UnconfirmedChange

if TYPE_CHECKING:
    from townsquare.accounts.models import User


def archived(target: PostTarget) -> ArchiveRecord:
    """The post's archive record; archived now (as first published) if the capture after publishing missed it."""
    source = f"publishing.posttarget:{target.pk}"
    found = ArchiveRecord.objects.filter(council_id=target.post.council_id, source=source).first()
    if found is None:
        archive_posts_published(target_ids=[target.pk])
        found = ArchiveRecord.objects.get(council_id=target.post.council_id, source=source)
    return found


def locked(target: PostTarget) -> PostTarget:
    """``target`` locked for the rest of the transaction, refused if someone changed it meanwhile."""
    fresh = (
        PostTarget.objects.select_for_update(of=("self",))
        .select_related("post", "post__council", "channel")
        .get(pk=target.pk)
    )
    if fresh.deleted_at is not None or fresh.external_id != target.external_id:
        raise ValidationError("Someone else has just changed this post.")
    return fresh


def overtake_pending(target: PostTarget, *, at: dt.datetime, how: str) -> None:
    """A later change settles any change still unconfirmed: what the platform did with it no longer matters."""
    UnconfirmedChange.objects.filter(target=target, outcome=UnconfirmedChange.Outcome.PENDING).update(
        outcome=UnconfirmedChange.Outcome.OVERTAKEN, settled_at=at, settled_how=how
    )


def record_edit(
    *, actor: User | None, target: PostTarget, text: str, sent: str, at: dt.datetime, how: str = ""
) -> PostTarget:
    """The platform shows ``sent``: the channel's wording, a new archive version and the audit event."""
    record = archived(target)
    with transaction.atomic():
        target = locked(target)
        before = target.text
        target.text_override, target.edited_at = text, at
        target.save(update_fields=["text_override", "edited_at", "updated_at"])
        metadata = {"edited_by": actor.email if actor else "", "sent": sent, **({"how": how} if how else {})}
        archive_edit_seen(record=record, text=text, metadata=metadata, at=at)
        overtake_pending(target, at=at, how="The words were changed again from Townsquare.")
        audit_record(
            actor=actor,
            council=target.post.council,
            action="post.channel_edited",
            obj=target.post,
            before={"channel": target.channel_id, "text": before},
            after={"channel": target.channel_id, "text": text},
            reason=how,
        )
    return target


def record_delete(*, actor: User | None, target: PostTarget, reason: str, how: str, at: dt.datetime) -> PostTarget:
    """The post is gone from the platform: the channel's deletion, the archive's and the audit event."""
    record = archived(target)
    with transaction.atomic():
        target = locked(target)
        target.deleted_at = at
        target.save(update_fields=["deleted_at", "updated_at"])
        archive_deletion_seen(record=record, how=how, at=at)
        overtake_pending(target, at=at, how="The post was deleted from Townsquare.")
        audit_record(
            actor=actor,
            council=target.post.council,
            action="post.channel_deleted",
            obj=target.post,
            before={"channel": target.channel_id, "text": target.text, "url": target.url},
            reason=reason,
        )
    return target
