"""Writing posts: drafts, images, submission, maker-checker approval, scheduling.

Every step a governance reader cares about (submitted, approved, second approval, rejected,
returned, scheduled, rescheduled, cancelled, resolved) writes its audit event in the same
transaction; notices go out after commit (``notify`` defers its email). Autosaving a draft is not
audited on each keystroke: the words are captured in the ``post.submitted`` event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

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
from townsquare.governance.services import publishing_rights_refusal
from townsquare.notifications.services import council_team, notifications_resolve, notify
from townsquare.publishing.checks import PostCheck, override_record, post_check
from townsquare.publishing.dispatch.enqueue import targets_enqueue
from townsquare.publishing.dispatch.record import audit_target, set_target
from townsquare.publishing.images import image_validate
from townsquare.publishing.models import Campaign, ChannelPublishing, Post, PostImage, PostingSlot, PostTarget
from townsquare.publishing.selectors import post_url

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council, Service

EDITABLE = (Post.Status.DRAFT, Post.Status.REJECTED, Post.Status.RETURNED)
MAX_TEXT = 10_000
AUDITED = ["text", "link", "language", "pair_id", "campaign_id", "service_id", "scheduled_for", "status",
           "forces_approval", "approved_by_id", "second_approved_by_id", "decision_reason"]


def _state(post: Post) -> dict[str, Any]:
    state = snapshot(post, AUDITED)
    state["targets"] = {t.channel_id: {"status": t.status, "text": t.text_override, "due_at": t.due_at}
                        for t in post.targets.all()}
    state["images"] = [{"id": i.pk, "alt": i.alt_text} for i in post.images.all()]
    return state


def _allowed_channels(*, user: User, council: Council, channels: Iterable[Channel]) -> list[Channel]:
    chosen = list(channels)
    visible = set(channels_visible_to(user=user, council=council, perms=perms_in(user, council))
                  .values_list("pk", flat=True))
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


def _validate_fields(*, council: Council, text: str, campaign: Campaign | None, service: Service | None,
                     pair: Post | None, post: Post | None) -> None:
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
        post = Post.objects.create(council=council, author=author, text=text.strip(), link=link.strip(),
                                   scheduled_for=scheduled_for, campaign=campaign, source=source,
                                   service=service, language=language, is_reply=bool(reply_to_external_id),
                                   reply_to_external_id=reply_to_external_id, private_to=private_to)
        _set_targets(post, chosen, variants)
        audit_record(actor=author, council=council, action="post.created", obj=post, after=_state(post),
                     reason=f"Drafted from {source}" if source else "")
    return post


def _editable_by(actor: User, post: Post) -> None:
    if post.author_id != actor.pk:
        raise PermissionDenied("Only the author can change a draft.")
    if post.status not in EDITABLE:
        raise ValidationError(f"This post is {post.get_status_display().lower()}: it can no longer be changed.")


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
    _editable_by(actor, post)
    chosen = _allowed_channels(user=actor, council=post.council, channels=channels)
    _validate_fields(council=post.council, text=text, campaign=campaign, service=service, pair=pair, post=post)
    _validate_draft(text=text, variants=variants, scheduled_for=scheduled_for)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        _editable_by(actor, post)
        if version is not None and version != post.version:
            raise DraftConflict("This draft was saved again after this change was made (by a later save or in "
                                "another window), so this change was not saved. Reload the page to see the "
                                "newest version.", code="conflict")
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
    if post.author_id != actor.pk and Perm.APPROVE_POSTS not in perms_in(actor, council) \
            and Role.ADMIN not in roles_in(actor, council):
        raise PermissionDenied("Only the author, a communications officer or an administrator can delete a draft.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        if post.status not in EDITABLE:
            raise ValidationError(f"This post is {post.get_status_display().lower()}: only drafts can be deleted. "
                                  "Cancel it instead.")
        audit_record(actor=actor, council=council, action="post.deleted", obj=post, before=_state(post),
                     reason=reason.strip())
        files = [image.file for image in post.images.all()]
        url = post_url(post)
        try:
            post.delete()
        except ProtectedError as exc:  # a meeting's promotion: deleting it would have it drafted again
            raise ValidationError("This draft promotes a meeting: cancel it instead, so it is not drafted "
                                  "again.") from exc
        notifications_resolve(url=url)

        def remove_files() -> None:
            for file in files:
                file.delete(save=False)

        transaction.on_commit(remove_files)


def post_add_image(*, actor: User, post: Post, content: bytes, filename: str, alt_text: str = "") -> PostImage:
    _editable_by(actor, post)
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
    _editable_by(actor, image.post)
    image.alt_text = alt_text.strip()
    image.save(update_fields=["alt_text"])
    return image


def post_remove_image(*, actor: User, image: PostImage) -> None:
    _editable_by(actor, image.post)
    image.file.delete(save=False)
    image.delete()


# --- submission and approval -----------------------------------------------------------------------


def publishing_refusal(*, user: User, council: Council) -> str | None:
    """Governance's reason this person may not publish now (lapsed training...), if any."""
    return publishing_rights_refusal(user=user, council=council)


def _needs_second_approval(post: Post) -> bool:
    if post.campaign is not None and post.campaign.second_approval:
        return True
    return ChannelPublishing.objects.filter(channel__post_targets__post=post, second_approval=True).exists()


def _check_ready(post: Post, now: dt.datetime) -> None:
    problems = []
    if not post.text.strip() and not post.targets.exclude(text_override="").exists():
        problems.append("Write the post.")
    if not post.targets.exists():
        problems.append("Choose at least one channel.")
    if post.scheduled_for is not None and post.scheduled_for <= now:
        problems.append("Choose a time in the future, or leave it empty to publish as soon as it is approved.")
    if problems:
        raise ValidationError(problems)


def _blocking_message(check: PostCheck) -> str:
    first = check.blocking[0]
    more = len(check.blocking) - 1
    return f"{first.message}{f' (and {more} more)' if more else ''}"


def _schedule(post: Post, now: dt.datetime) -> None:
    """Approved: every target is scheduled for its slot and handed to the dispatch queue."""
    due = post.scheduled_for or now
    post.targets.filter(status__in=[PostTarget.Status.DRAFT, PostTarget.Status.AWAITING_APPROVAL]).update(
        status=PostTarget.Status.SCHEDULED, due_at=due, last_error="")
    ids = list(post.targets.filter(status=PostTarget.Status.SCHEDULED).values_list("pk", flat=True))
    transaction.on_commit(lambda: targets_enqueue(target_ids=ids, due_at=due))


def _approvers(council: Council) -> list[User]:
    return council_team(council=council, roles=[Role.COMMS])


def post_submit(*, actor: User, post: Post, override_reason: str = "", acknowledge_warnings: bool = False) -> Post:
    """Send a draft for approval; people allowed to approve publish directly unless something forces approval.

    Refused (ValidationError, nothing changed) when the post is incomplete, an image lacks alt text,
    a policy finding blocks (unless an emergency override with a reason lifts pre-election blocks),
    or the governance package withdraws the person's publishing rights.
    """
    post = Post.objects.select_related("council").get(pk=post.pk)
    _editable_by(actor, post)
    council = post.council
    if refusal := publishing_refusal(user=actor, council=council):
        raise ValidationError(refusal)
    now = timezone.now()
    _check_ready(post, now)
    check = post_check(post=post)
    override_reason = override_reason.strip()
    may_approve = Perm.APPROVE_POSTS in perms_in(actor, council)
    if check.blocking:
        if not override_reason:
            raise ValidationError(f"This post cannot be submitted: {_blocking_message(check)}")
        if not may_approve:
            raise ValidationError("Only a communications officer can give an emergency override.")
        if not check.election_blocks:
            raise ValidationError(f"An emergency override lifts only pre-election rules: {_blocking_message(check)}")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        _editable_by(actor, post)
        before = _state(post)
        if override_reason and check.blocking:
            # Recorded first so the check can see it; a block it does not lift rolls it back with the rest.
            override = override_record(actor=actor, post=post, reason=override_reason)
            check = post_check(post=post, override=override)
            if check.blocking:
                raise ValidationError(f"The emergency override does not lift: {_blocking_message(check)}")
            post.override_reason = override_reason
        # An inbox reply goes out unapproved for people who may reply so (the checks still apply).
        may_send = may_approve or (post.is_reply and Perm.REPLY_UNAPPROVED in perms_in(actor, council))
        direct = may_send and not check.forces_approval and not _needs_second_approval(post)
        if direct and check.warnings and not acknowledge_warnings:
            raise ValidationError("Confirm you have read the warnings before publishing.")
        post.findings = [f.as_dict() for f in check.findings]
        post.forces_approval = check.forces_approval
        post.submitted_at = now
        post.version += 1  # a save still on its way from the compose page must not undo the submission
        post.decision_reason = ""
        post.approved_by = post.second_approved_by = None
        post.approved_at = post.second_approved_at = None
        if direct:
            post.status = Post.Status.APPROVED
            post.approved_by, post.approved_at = actor, now
            post.save()
            _schedule(post, now)
            audit_record(actor=actor, council=council, action="post.published_directly", obj=post, before=before,
                         after=_state(post), reason=override_reason)
        else:
            post.status = Post.Status.AWAITING_APPROVAL
            post.save()
            post.targets.update(status=PostTarget.Status.AWAITING_APPROVAL, due_at=None)
            audit_record(actor=actor, council=council, action="post.submitted", obj=post, before=before,
                         after=_state(post),
                         reason="; ".join(filter(None, [
                             "blocked words force approval" if check.forces_approval else "", override_reason])))
            approvers = [u for u in _approvers(council) if u.pk != actor.pk]
            notify(users=approvers, council=council, kind="post.awaiting_approval", url=post_url(post),
                   message=f"A post by {actor.display_name} is waiting for approval: {post}")
    return post


def _waiting_notices_resolve(post: Post) -> None:
    """Decided or withdrawn: "waiting for approval" no longer counts as new for any approver."""
    notifications_resolve(url=post_url(post), kinds=["post.awaiting_approval"])


def _refuse_own(actor: User, post: Post) -> None:
    if post.author_id == actor.pk:
        raise PermissionDenied("You cannot approve your own post: another communications officer must.")


def post_approve(*, actor: User, post: Post, acknowledge_warnings: bool = False) -> Post:
    """Approve a submitted post (first or second step).

    Nobody approves their own post, nor gives both approvals. Warnings must be acknowledged. A post
    whose slot has passed is not published: it goes back to its author with a notice.
    """
    post = Post.objects.select_related("council", "author", "campaign").get(pk=post.pk)
    if Perm.APPROVE_POSTS not in perms_in(actor, post.council):
        raise PermissionDenied("Your role does not allow approving posts.")
    _refuse_own(actor, post)
    if post.status not in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
        raise ValidationError(f"This post is {post.get_status_display().lower()}, not waiting for approval.")
    if post.status == Post.Status.AWAITING_SECOND and post.approved_by_id == actor.pk:
        raise PermissionDenied("The second approval must come from a different person.")
    check = post_check(post=post)
    if check.blocking:
        raise ValidationError(f"This post cannot be approved: {_blocking_message(check)}")
    if check.warnings and not acknowledge_warnings:
        raise ValidationError("Acknowledge the warnings before approving.")
    now = timezone.now()
    council = post.council
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("council", "author", "campaign").get(pk=post.pk)
        if locked.status != post.status or locked.approved_by_id != post.approved_by_id:
            raise ValidationError("Someone else has just decided on this post.")
        post = locked
        before = _state(post)
        _waiting_notices_resolve(post)  # a second step, if needed, asks again below
        post.findings = [f.as_dict() for f in check.findings]
        second_step = post.status == Post.Status.AWAITING_SECOND
        if post.scheduled_for is not None and post.scheduled_for <= now:
            post.status = Post.Status.RETURNED
            post.decision_reason = (f"Approved at {timezone.localtime(now):%H:%M on %-d %B}, after its slot "
                                    f"({timezone.localtime(post.scheduled_for):%H:%M on %-d %B}): choose a new time "
                                    "and submit it again.")
            post.save()
            post.targets.update(status=PostTarget.Status.DRAFT, due_at=None)
            audit_record(actor=actor, council=council, action="post.returned_late", obj=post, before=before,
                         after=_state(post), reason=post.decision_reason)
            notify(users=[post.author], council=council, kind="post.returned", url=post_url(post),
                   message=f"Your post was approved after its slot, so it was not published: {post}")
            return post
        if second_step:
            post.second_approved_by, post.second_approved_at = actor, now
        else:
            post.approved_by, post.approved_at = actor, now
        if not second_step and _needs_second_approval(post):
            post.status = Post.Status.AWAITING_SECOND
            post.save()
            audit_record(actor=actor, council=council, action="post.approved_first", obj=post, before=before,
                         after=_state(post), reason="warnings acknowledged" if check.warnings else "")
            notify(users=[u for u in _approvers(council) if u.pk not in (actor.pk, post.author_id)],
                   council=council, kind="post.awaiting_approval", url=post_url(post),
                   message=f"A post needs a second approval: {post}")
            return post
        post.status = Post.Status.APPROVED
        post.save()
        _schedule(post, now)
        audit_record(actor=actor, council=council, action="post.approved_second" if second_step else "post.approved",
                     obj=post, before=before, after=_state(post),
                     reason="warnings acknowledged" if check.warnings else "")
        when = (f"for {timezone.localtime(post.scheduled_for):%H:%M on %-d %B}" if post.scheduled_for
                else "to go out now")
        notify(users=[post.author], council=council, kind="post.approved", url=post_url(post),
               message=f"Your post was approved {when}: {post}")
    return post


def post_reject(*, actor: User, post: Post, reason: str) -> Post:
    post = Post.objects.select_related("council", "author").get(pk=post.pk)
    if Perm.APPROVE_POSTS not in perms_in(actor, post.council):
        raise PermissionDenied("Your role does not allow rejecting posts.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the post is rejected, so its author can put it right.")
    if post.author_id == actor.pk:
        raise PermissionDenied("You cannot decide on your own post: change it instead.")
    if post.status not in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
        raise ValidationError(f"This post is {post.get_status_display().lower()}, not waiting for approval.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council", "author").get(pk=post.pk)
        if post.status not in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
            raise ValidationError("Someone else has just decided on this post.")
        before = _state(post)
        post.status = Post.Status.REJECTED
        post.decision_reason = reason
        post.save()
        _waiting_notices_resolve(post)
        post.targets.update(status=PostTarget.Status.DRAFT, due_at=None)
        audit_record(actor=actor, council=post.council, action="post.rejected", obj=post, before=before,
                     after=_state(post), reason=reason)
        notify(users=[post.author], council=post.council, kind="post.rejected", url=post_url(post),
               message=f"Your post was rejected: {reason}")
    return post


def posts_bulk_approve(*, actor: User, posts: Iterable[Post], acknowledge_warnings: bool = False
                       ) -> tuple[list[Post], list[tuple[Post, str]]]:
    """Approve each post on its own: one refusal does not stop the others. Returns (approved, refused)."""
    approved: list[Post] = []
    refused: list[tuple[Post, str]] = []
    for post in posts:
        try:
            approved.append(post_approve(actor=actor, post=post, acknowledge_warnings=acknowledge_warnings))
        except (ValidationError, PermissionDenied) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append((post, message))
    return approved, refused


def post_reschedule(*, actor: User, post: Post, scheduled_for: dt.datetime) -> Post:
    """Move an approved post's channels that have not gone out yet to a new time."""
    if Perm.APPROVE_POSTS not in perms_in(actor, post.council):
        raise PermissionDenied("Your role does not allow rescheduling approved posts.")
    if post.status != Post.Status.APPROVED:
        raise ValidationError("Only approved posts are rescheduled here; change a draft's time on the draft.")
    if scheduled_for <= timezone.now():
        raise ValidationError("Choose a time in the future.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        before = _state(post)
        moved = list(post.targets.filter(status=PostTarget.Status.SCHEDULED).values_list("pk", flat=True))
        if not moved:
            raise ValidationError("Nothing is waiting to go out: every channel has been sent or stopped.")
        post.scheduled_for = scheduled_for
        post.save(update_fields=["scheduled_for", "updated_at"])
        PostTarget.objects.filter(pk__in=moved, status=PostTarget.Status.SCHEDULED).update(due_at=scheduled_for)
        transaction.on_commit(lambda: targets_enqueue(target_ids=moved, due_at=scheduled_for))
        audit_record(actor=actor, council=post.council, action="post.rescheduled", obj=post, before=before,
                     after=_state(post))
    return post


def post_cancel(*, actor: User, post: Post, reason: str = "") -> Post:
    """Stop whatever has not gone out yet (the author withdraws a draft, or an approver stops a scheduled post)."""
    perms = perms_in(actor, post.council)
    if post.author_id != actor.pk and Perm.APPROVE_POSTS not in perms:
        raise PermissionDenied("Only the author or a communications officer can cancel a post.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        before = _state(post)
        stopped = post.targets.filter(status__in=[
            PostTarget.Status.DRAFT, PostTarget.Status.AWAITING_APPROVAL, PostTarget.Status.SCHEDULED,
        ]).update(status=PostTarget.Status.CANCELLED)
        if post.status in EDITABLE or post.status in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
            post.status = Post.Status.CANCELLED
        elif not stopped:
            raise ValidationError("Nothing is left to cancel: every channel has been sent or stopped.")
        post.save()
        _waiting_notices_resolve(post)
        audit_record(actor=actor, council=post.council, action="post.cancelled", obj=post, before=before,
                     after=_state(post), reason=reason.strip())
    return post


def campaign_create(*, actor: User, council: Council, name: str, second_approval: bool = False) -> Campaign:
    name = name.strip()
    if not name:
        raise ValidationError("Enter the campaign's name.")
    if Campaign.objects.filter(council=council, name__iexact=name).exists():
        raise ValidationError("There is already a campaign with that name.")
    with transaction.atomic():
        campaign = Campaign.objects.create(council=council, name=name, second_approval=second_approval)
        audit_record(actor=actor, council=council, action="campaign.created", obj=campaign,
                     after=snapshot(campaign, ["name", "second_approval"]))
    return campaign


def channel_publishing_set(*, actor: User, channel: Channel, second_approval: bool) -> ChannelPublishing:
    with transaction.atomic():
        settings_row, _ = ChannelPublishing.objects.get_or_create(channel=channel)
        if settings_row.second_approval != second_approval:
            before = {"second_approval": settings_row.second_approval}
            settings_row.second_approval = second_approval
            settings_row.save(update_fields=["second_approval"])
            audit_record(actor=actor, council=channel.council, action="channel.second_approval_changed",
                         obj=channel, before=before, after={"second_approval": second_approval})
    return settings_row


def slots_add(*, actor: User, channel: Channel, weekdays: Iterable[int], time: dt.time) -> int:
    """Add a posting slot on each chosen weekday (existing ones are kept); returns how many were new."""
    made = 0
    with transaction.atomic():
        for weekday in sorted(set(weekdays)):
            _, created = PostingSlot.objects.get_or_create(channel=channel, weekday=weekday, time=time)
            made += int(created)
        if made:
            audit_record(actor=actor, council=channel.council, action="channel.slots_added", obj=channel,
                         after={"weekdays": sorted(set(weekdays)), "time": time.strftime("%H:%M")})
    return made


def slot_remove(*, actor: User, slot: PostingSlot) -> None:
    with transaction.atomic():
        audit_record(actor=actor, council=slot.channel.council, action="channel.slot_removed", obj=slot.channel,
                     before={"weekday": slot.weekday, "time": slot.time.strftime("%H:%M")})
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
        target = PostTarget.objects.select_for_update(of=("self",)).select_related(
            "post", "post__council", "channel").get(pk=target.pk)
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
            set_target(target, PostTarget.Status.FAILED, note.strip() or "Checked by a person: it was not published.",
                       "", "", now)
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
            status=PostTarget.Status.SCHEDULED, due_at=now, last_error="")
        channels = list(PostTarget.objects.filter(pk__in=ids).values_list("channel_id", flat=True))
        audit_record(actor=actor, council=post.council, action="post.retry_failed", obj=post,
                     after={"channels": channels})
        transaction.on_commit(lambda: targets_enqueue(target_ids=ids, due_at=now))
    return len(ids)
