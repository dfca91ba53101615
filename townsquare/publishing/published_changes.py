"""Changing or deleting a post after it was published, from Townsquare.

Only people who may approve posts at the council do it, and only while governance lets them publish.
An edit is checked against the council's policy exactly as the post was (the words each channel is
sent), and a blocked edit changes nothing. The platform is called first; only once it has taken the
change are the channel's wording, the archive (a new version, or the deletion, every earlier version
kept) and the audit trail written, together in one transaction. A platform that refuses, or cannot
be reached, leaves everything here as it was. A delete that got no clear answer (a 5xx, a timeout)
is checked against the account afterwards: the deletion is recorded only once the post is seen gone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.archive.capture import archive_posts_published
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import archive_deletion_seen, archive_edit_seen
from townsquare.audit.services import audit_record
from townsquare.connectors.base import Connector, ConnectorError, ErrorKind
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connector_for
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.policy.services import check_draft
from townsquare.publishing.approval import publishing_refusal
from townsquare.publishing.checks import post_override, text_sent
from townsquare.publishing.models import PostTarget
from townsquare.publishing.post_state import MAX_TEXT

if TYPE_CHECKING:
    from townsquare.accounts.models import User

MAX_REASON = 500


def published_change_refusal(*, user: User, target: PostTarget) -> str | None:
    """Why ``user`` may not edit or delete this published post now, if they may not."""
    council = target.post.council
    if Perm.APPROVE_POSTS not in perms_in(user, council):
        return "Only a communications officer can change or delete a published post."
    return publishing_refusal(user=user, council=council)


def edit_refusal(platform: str) -> str:
    """Why posts on ``platform`` cannot be edited; empty where they can."""
    try:
        return connector_class(platform).edit_refusal
    except LookupError:
        return Connector.edit_refusal


def _ready(actor: User, target: PostTarget) -> None:
    refusal = published_change_refusal(user=actor, target=target)
    if refusal:
        raise PermissionDenied(refusal)
    if target.status != PostTarget.Status.PUBLISHED or not target.external_id:
        raise ValidationError("Only a post published on its channel can be changed or deleted.")
    if target.deleted_at is not None:
        raise ValidationError("This post has already been deleted from its channel.")


def _connector(target: PostTarget) -> Connector:
    try:
        return connector_for(target.channel)
    except ConnectorError as error:
        raise ValidationError(f"{target.channel.name}: {error.message} Nothing was changed.") from error


def _archived(target: PostTarget) -> ArchiveRecord:
    """The post's archive record; archived now (as first published) if the capture after publishing missed it."""
    source = f"publishing.posttarget:{target.pk}"
    found = ArchiveRecord.objects.filter(council_id=target.post.council_id, source=source).first()
    if found is None:
        archive_posts_published(target_ids=[target.pk])
        found = ArchiveRecord.objects.get(council_id=target.post.council_id, source=source)
    return found


def _locked(target: PostTarget) -> PostTarget:
    locked = (
        PostTarget.objects.select_for_update(of=("self",))
        .select_related("post", "post__council", "channel")
        .get(pk=target.pk)
    )
    if locked.deleted_at is not None or locked.external_id != target.external_id:
        raise ValidationError("Someone else has just changed this post.")
    return locked


def _edit_blocks(target: PostTarget, sent: str) -> list[str]:
    post = target.post
    result = check_draft(
        council=post.council,
        text=sent,
        channels=[target.channel],
        images=[{"alt": image.alt_text} for image in post.images.all()],
        is_reply=post.is_reply,
        override=post_override(post),
        campaign_name=post.campaign.name if post.campaign else "",
        campaign_created_at=post.campaign.created_at if post.campaign else None,
    )
    return [f.message for f in result.findings if f.severity == "block"]


def published_target_edit(*, actor: User, target: PostTarget, text: str) -> PostTarget:
    """Change the words of ``target`` on its platform; the archive keeps the old and the new version."""
    _ready(actor, target)
    text = text.strip()
    if not text:
        raise ValidationError("Write the post.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The post must be {MAX_TEXT:,} characters or fewer.")
    if text == target.text.strip():
        raise ValidationError("These are the words already published: change them, or go back.")
    refusal = edit_refusal(target.channel.platform)
    if refusal:
        raise ValidationError(refusal)
    connector = _connector(target)
    post = target.post
    sent = text_sent(target.channel.platform, text, post.link, media=post.images.exists())
    blocks = _edit_blocks(target, sent)
    if blocks:
        more = f" (and {len(blocks) - 1} more)" if len(blocks) > 1 else ""
        raise ValidationError(f"This change cannot be published: {blocks[0]}{more}")
    record = _archived(target)
    if record.deleted_at is not None:
        raise ValidationError("The archive records this post as deleted from its channel: it cannot be changed.")
    try:
        connector.edit(target.external_id, sent)
    except ConnectorError as error:
        raise ValidationError(
            f"{target.channel.get_platform_display()} did not take the change: {error.message} Nothing was changed."
        ) from error
    now = timezone.now()
    with transaction.atomic():
        target = _locked(target)
        before = target.text
        target.text_override, target.edited_at = text, now
        target.save(update_fields=["text_override", "edited_at", "updated_at"])
        archive_edit_seen(record=record, text=text, metadata={"edited_by": actor.email, "sent": sent}, at=now)
        audit_record(
            actor=actor,
            council=post.council,
            action="post.channel_edited",
            obj=post,
            before={"channel": target.channel_id, "text": before},
            after={"channel": target.channel_id, "text": text},
        )
    return target


def _seen_gone(connector: Connector, target: PostTarget) -> bool:
    """True only when the account's recent posts reach back past the post and it is not among them."""
    published = target.published_at or target.updated_at
    try:
        posts = connector.recent_posts(since=published - dt.timedelta(minutes=1))
    except (ConnectorError, NotImplementedError):
        return False
    if any(p.external_id == target.external_id for p in posts):
        return False
    dated = [p.created_at for p in posts if p.created_at is not None]
    return bool(dated) and min(dated) <= published


def published_target_delete(*, actor: User, target: PostTarget, reason: str) -> PostTarget:
    """Delete ``target`` from its platform; the archive records the deletion and keeps every version."""
    _ready(actor, target)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the post is being deleted.")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason must be {MAX_REASON} characters or fewer.")
    connector = _connector(target)
    record = _archived(target)
    platform = target.channel.get_platform_display()
    how = f"Deleted from Townsquare by {actor.email}: {reason}"
    try:
        connector.delete(target.external_id)
    except ConnectorError as error:
        if error.platform_code == "404":
            how = f"Deleted from Townsquare by {actor.email} (already gone from {platform}): {reason}"
        elif error.kind in (ErrorKind.RETRY, ErrorKind.UNCONFIRMED) and _seen_gone(connector, target):
            how = f"Deleted from Townsquare by {actor.email} (confirmed from the account afterwards): {reason}"
        elif error.kind in (ErrorKind.RETRY, ErrorKind.UNCONFIRMED):
            raise ValidationError(
                f"{platform} did not confirm the deletion ({error.message}) and the post could not be seen gone: "
                "nothing was recorded. Check the account, then try again."
            ) from error
        else:
            raise ValidationError(
                f"{platform} did not delete the post: {error.message} Nothing was changed."
            ) from error
    now = timezone.now()
    with transaction.atomic():
        target = _locked(target)
        target.deleted_at = now
        target.save(update_fields=["deleted_at", "updated_at"])
        archive_deletion_seen(record=record, how=how, at=now)
        audit_record(
            actor=actor,
            council=target.post.council,
            action="post.channel_deleted",
            obj=target.post,
            before={"channel": target.channel_id, "text": target.text, "url": target.url},
            reason=reason,
        )
    return target
