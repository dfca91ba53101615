"""Writing posts: drafts, images, submission, maker-checker approval, scheduling.

Every step a governance reader cares about (submitted, approved, second approval, rejected,
returned, scheduled, rescheduled, cancelled, resolved) writes its audit event in the same
transaction; notices go out after commit (``notify`` defers its email). Autosaving a draft is not
audited on each keystroke: the words are captured in the ``post.submitted`` event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import perms_in, roles_in
from townsquare.councils.roles import Perm, Role
from townsquare.notifications.services import notifications_resolve
from townsquare.publishing.approval import (
    post_approve,
    post_cancel,
    post_reject,
    post_reschedule,
    post_submit,
    posts_bulk_approve,
    publishing_refusal,
)
from townsquare.publishing.dispatch.enqueue import targets_enqueue
from townsquare.publishing.dispatch.record import audit_target, set_target
from townsquare.publishing.images import image_validate
from townsquare.publishing.models import Campaign, ChannelPublishing, Post, PostImage, PostingSlot, PostTarget
from townsquare.publishing.post_state import EDITABLE, MAX_TEXT, editable_by, post_state
from townsquare.publishing.selectors import post_url

# Submission and approval are written in approval.py and importable from here with the rest.
__all__ = [
    "EDITABLE",
    "MAX_TEXT",
    "DraftConflict",
    "campaign_create",
    "channel_publishing_set",
    "post_add_image",
    "post_approve",
    "post_cancel",
    "post_create_draft",
    "post_delete_draft",
    "post_reject",
    "post_remove_image",
    "post_reschedule",
    "post_retry_failed",
    "post_set_alt_text",
    "post_submit",
    "post_update_draft",
    "posts_bulk_approve",
    "publishing_refusal",
    "slot_remove",
    "slots_add",
    "target_resolve",
]

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council, Service


def _allowed_channels(*, user: User, council: Council, channels: Iterable[Channel]) -> list[Channel]:
    chosen = list(channels)
    visible = set(
        channels_visible_to(user=user, council=council, perms=perms_in(user, council)).values_list("pk", flat=True)
    )
    for channel in chosen:
        if channel.council_id != council.pk or channel.pk not in visible:
            raise ValidationError(f"You cannot draft for {channel.name}.")
        if channel.status == Channel.Status.CLOSED:
            raise ValidationError(f"{channel.name} is closed.")
    return chosen


def _set_targets(post: Post, channels: list[Channel], variants: dict[int, str] | None) -> None:
    wanted = {c.pk for c in channels}
    post.targets.exclude(channel_id__in=wanted).delete()
    existing = {t.channel_id: t for t in post.targets.all()}
    for channel in channels:
        text = (variants or {}).get(channel.pk, existing[channel.pk].text_override if channel.pk in existing else "")
        text = (text or "").strip()
        if text == post.text.strip():
            text = ""  # the same words as the post: no variant
        if channel.pk in existing:
            target = existing[channel.pk]
            if target.text_override != text:
                target.text_override = text
                target.save(update_fields=["text_override", "updated_at"])
        else:
            PostTarget.objects.create(post=post, channel=channel, text_override=text)


class DraftConflict(ValidationError):
    """The draft was saved again after the version a change was based on: the change is refused."""


def _validate_fields(
    *,
    council: Council,
    text: str,
    campaign: Campaign | None,
    service: Service | None,
    pair: Post | None,
    post: Post | None,
) -> None:
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The post must be {MAX_TEXT:,} characters or fewer.")
    if campaign is not None and campaign.council_id != council.pk:
        raise ValidationError("Choose a campaign of this council.")
    if service is not None and service.council_id != council.pk:
        raise ValidationError("Choose a service of this council.")
    if pair is not None:
        if pair.council_id != council.pk:
            raise ValidationError("The Welsh/English pair must be a post of this council.")
        if post is not None and pair.pk == post.pk:
            raise ValidationError("A post cannot be its own Welsh/English pair.")


def _validate_draft(*, text: str, variants: dict[int, str] | None, scheduled_for: dt.datetime | None) -> None:
    """Refused at every save, not only at submission: a draft with no words, a time already past."""
    if not text.strip() and not any((v or "").strip() for v in (variants or {}).values()):
        raise ValidationError("Write the post before saving it: a draft needs some words.")
    if scheduled_for is not None and scheduled_for <= timezone.now():
        raise ValidationError("Choose a time in the future, or leave it empty to publish as soon as it is approved.")


def post_create_draft(
    *,
    author: User,
    council: Council,
    text: str,
    channels: Iterable[Channel],
    scheduled_for: dt.datetime | None,
    campaign: Campaign | None = None,
    source: str = "",
    link: str = "",
    service: Service | None = None,
    language: str = Post.Language.ENGLISH,
    variants: dict[int, str] | None = None,
    reply_to_external_id: str = "",
    private_to: str = "",
) -> Post:
    """A new draft by ``author`` for channels they may draft for (also used by meeting promotion and inbox
    replies: ``reply_to_external_id`` answers that message in its thread, ``private_to`` sends privately)."""
    chosen = _allowed_channels(user=author, council=council, channels=channels)
    _validate_fields(council=council, text=text, campaign=campaign, service=service, pair=None, post=None)
    _validate_draft(text=text, variants=variants, scheduled_for=scheduled_for)
    with transaction.atomic():
        post = Post.objects.create(
            council=council,
            author=author,
            text=text.strip(),
            link=link.strip(),
            scheduled_for=scheduled_for,
            campaign=campaign,
            source=source,
            service=service,
            language=language,
            is_reply=bool(reply_to_external_id),
            reply_to_external_id=reply_to_external_id,
            private_to=private_to,
        )
        _set_targets(post, chosen, variants)
        audit_record(
            actor=author,
            council=council,
            action="post.created",
            obj=post,
            after=post_state(post),
            reason=f"Drafted from {source}" if source else "",
        )
    return post


def post_update_draft(
    *,
    actor: User,
    post: Post,
    text: str,
    channels: Iterable[Channel],
    scheduled_for: dt.datetime | None,
    link: str = "",
    variants: dict[int, str] | None = None,
    campaign: Campaign | None = None,
    service: Service | None = None,
    language: str = Post.Language.ENGLISH,
    pair: Post | None = None,
    version: int | None = None,
) -> Post:
    """Save the author's changes (autosave calls this too); a rejected or returned post becomes a draft again.

    ``version`` is the draft's version the change was made on: when the draft has been saved since,
    ``DraftConflict`` is raised and nothing changes (``None``, for callers that hold no page, skips this).
    """
    editable_by(actor, post)
    chosen = _allowed_channels(user=actor, council=post.council, channels=channels)
    _validate_fields(council=post.council, text=text, campaign=campaign, service=service, pair=pair, post=post)
    _validate_draft(text=text, variants=variants, scheduled_for=scheduled_for)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        editable_by(actor, post)
        if version is not None and version != post.version:
            raise DraftConflict(
                "This draft was saved again after this change was made (by a later save or in "
                "another window), so this change was not saved. Reload the page to see the "
                "newest version.",
                code="conflict",
            )
        post.version += 1
        post.text, post.link, post.scheduled_for = text.strip(), link.strip(), scheduled_for
        post.campaign, post.service, post.language = campaign, service, language
        if post.status != Post.Status.DRAFT:
            post.status = Post.Status.DRAFT
        old_pair = Post.objects.filter(pair=post).first()
        if pair is not None and pair.pair_id not in (None, post.pk):
            raise ValidationError("That post is already paired with another.")
        post.pair = pair
        post.save()
        if pair is not None and pair.pair_id != post.pk:
            Post.objects.filter(pk=pair.pk).update(pair=post)
        if old_pair is not None and old_pair != pair:
            Post.objects.filter(pk=old_pair.pk).update(pair=None)
        _set_targets(post, chosen, variants)
        post.targets.exclude(status=PostTarget.Status.DRAFT).update(status=PostTarget.Status.DRAFT, due_at=None)
    return post


def post_delete_draft(*, actor: User, post: Post, reason: str = "") -> None:
    """Delete a draft (or a rejected or returned post) that never went out: its author, a communications
    officer or an administrator may. The audit event keeps what it said and where it was going."""
    council = post.council
    if (
        post.author_id != actor.pk
        and Perm.APPROVE_POSTS not in perms_in(actor, council)
        and Role.ADMIN not in roles_in(actor, council)
    ):
        raise PermissionDenied("Only the author, a communications officer or an administrator can delete a draft.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        if post.status not in EDITABLE:
            raise ValidationError(
                f"This post is {post.get_status_display().lower()}: only drafts can be deleted. Cancel it instead."
            )
        audit_record(
            actor=actor,
            council=council,
            action="post.deleted",
            obj=post,
            before=post_state(post),
            reason=reason.strip(),
        )
        files = [image.file for image in post.images.all()]
        url = post_url(post)
        try:
            post.delete()
        except ProtectedError as exc:  # a meeting's promotion: deleting it would have it drafted again
            raise ValidationError(
                "This draft promotes a meeting: cancel it instead, so it is not drafted again."
            ) from exc
        notifications_resolve(url=url)

        def remove_files() -> None:
            for file in files:
                file.delete(save=False)

        transaction.on_commit(remove_files)


def post_add_image(*, actor: User, post: Post, content: bytes, filename: str, alt_text: str = "") -> PostImage:
    editable_by(actor, post)
    mime, extension = image_validate(content=content)
    if post.images.count() >= 10:
        raise ValidationError("A post can carry at most 10 images.")
    with transaction.atomic():
        image = PostImage(post=post, mime_type=mime, alt_text=alt_text.strip(), position=post.images.count())
        image.file.save(f"upload{extension}", ContentFile(content), save=False)
        image.save()
        Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())
    return image


def post_set_alt_text(*, actor: User, image: PostImage, alt_text: str) -> PostImage:
    editable_by(actor, image.post)
    image.alt_text = alt_text.strip()
    image.save(update_fields=["alt_text"])
    return image


def post_remove_image(*, actor: User, image: PostImage) -> None:
    editable_by(actor, image.post)
    image.file.delete(save=False)
    image.delete()


def campaign_create(*, actor: User, council: Council, name: str, second_approval: bool = False) -> Campaign:
    name = name.strip()
    if not name:
        raise ValidationError("Enter the campaign's name.")
    if Campaign.objects.filter(council=council, name__iexact=name).exists():
        raise ValidationError("There is already a campaign with that name.")
    with transaction.atomic():
        campaign = Campaign.objects.create(council=council, name=name, second_approval=second_approval)
        audit_record(
            actor=actor,
            council=council,
            action="campaign.created",
            obj=campaign,
            after=snapshot(campaign, ["name", "second_approval"]),
        )
    return campaign


def channel_publishing_set(*, actor: User, channel: Channel, second_approval: bool) -> ChannelPublishing:
    with transaction.atomic():
        settings_row, _ = ChannelPublishing.objects.get_or_create(channel=channel)
        if settings_row.second_approval != second_approval:
            before = {"second_approval": settings_row.second_approval}
            settings_row.second_approval = second_approval
            settings_row.save(update_fields=["second_approval"])
            audit_record(
                actor=actor,
                council=channel.council,
                action="channel.second_approval_changed",
                obj=channel,
                before=before,
                after={"second_approval": second_approval},
            )
    return settings_row


def slots_add(*, actor: User, channel: Channel, weekdays: Iterable[int], time: dt.time) -> int:
    """Add a posting slot on each chosen weekday (existing ones are kept); returns how many were new."""
    made = 0
    with transaction.atomic():
        for weekday in sorted(set(weekdays)):
            _, created = PostingSlot.objects.get_or_create(channel=channel, weekday=weekday, time=time)
            made += int(created)
        if made:
            audit_record(
                actor=actor,
                council=channel.council,
                action="channel.slots_added",
                obj=channel,
                after={"weekdays": sorted(set(weekdays)), "time": time.strftime("%H:%M")},
            )
    return made


def slot_remove(*, actor: User, slot: PostingSlot) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=slot.channel.council,
            action="channel.slot_removed",
            obj=slot.channel,
            before={"weekday": slot.weekday, "time": slot.time.strftime("%H:%M")},
        )
        slot.delete()


# --- settling what dispatch could not -----------------------------------------------------------------


def target_resolve(*, actor: User, target: PostTarget, outcome: str, url: str = "", note: str = "") -> PostTarget:
    """A person settles an unconfirmed target: they found it (published, with its address), it is not there,
    or (a communications officer) send it again, with the same idempotency key."""
    perms = perms_in(actor, target.post.council)
    if Perm.APPROVE_POSTS not in perms and target.post.author_id != actor.pk:
        raise PermissionDenied("Only the author or a communications officer can resolve this.")
    if outcome == "retry" and Perm.APPROVE_POSTS not in perms:
        raise PermissionDenied("Only a communications officer can send it again.")
    if target.status != PostTarget.Status.UNCONFIRMED:
        raise ValidationError("Only an unconfirmed channel can be resolved.")
    if outcome not in ("published", "failed", "retry"):
        raise ValidationError("Choose what you found.")
    url = url.strip()
    if outcome == "published" and not url:
        raise ValidationError("Give the address of the post you found on the account.")
    now = timezone.now()
    with transaction.atomic():
        target = (
            PostTarget.objects.select_for_update(of=("self",))
            .select_related("post", "post__council", "channel")
            .get(pk=target.pk)
        )
        if target.status != PostTarget.Status.UNCONFIRMED:
            raise ValidationError("Someone else has just resolved this.")
        if outcome == "retry":
            # The same idempotency key: if the first call did land, a platform that honours keys answers with it.
            target.status, target.due_at, target.last_error = PostTarget.Status.SCHEDULED, now, ""
            target.save(update_fields=["status", "due_at", "last_error", "updated_at"])
            transaction.on_commit(lambda: targets_enqueue(target_ids=[target.pk], due_at=now))
        elif outcome == "published":
            set_target(target, PostTarget.Status.PUBLISHED, "", target.external_id, url, now)
        else:
            set_target(
                target,
                PostTarget.Status.FAILED,
                note.strip() or "Checked by a person: it was not published.",
                "",
                "",
                now,
            )
        audit_target(target, f"post.channel_resolved_{outcome}", note.strip(), actor=actor)
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
        ids = list(post.targets.filter(status=PostTarget.Status.FAILED).values_list("pk", flat=True))
        if not ids:
            raise ValidationError("No channel has failed.")
        PostTarget.objects.filter(pk__in=ids, status=PostTarget.Status.FAILED).update(
            status=PostTarget.Status.SCHEDULED, due_at=now, last_error=""
        )
        channels = list(PostTarget.objects.filter(pk__in=ids).values_list("channel_id", flat=True))
        audit_record(
            actor=actor, council=post.council, action="post.retry_failed", obj=post, after={"channels": channels}
        )
        transaction.on_commit(lambda: targets_enqueue(target_ids=ids, due_at=now))
    return len(ids)
