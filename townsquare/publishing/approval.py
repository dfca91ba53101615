"""Submission, maker-checker approval, rejection, rescheduling and cancelling of posts.

Each step writes its audit event in the same transaction; notices go out after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm, Role
from townsquare.governance.services import publishing_rights_refusal
from townsquare.notifications.services import council_team, notifications_resolve, notify
from townsquare.publishing.checks import PostCheck, override_record, post_check
from townsquare.publishing.dispatch.enqueue import targets_enqueue
from townsquare.publishing.models import ChannelPublishing, Post, PostTarget
from townsquare.publishing.selectors import post_url

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

from townsquare.publishing.post_state import EDITABLE, editable_by, post_state


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
        status=PostTarget.Status.SCHEDULED, due_at=due, last_error=""
    )
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
    editable_by(actor, post)
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
        editable_by(actor, post)
        before = post_state(post)
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
            audit_record(
                actor=actor,
                council=council,
                action="post.published_directly",
                obj=post,
                before=before,
                after=post_state(post),
                reason=override_reason,
            )
        else:
            post.status = Post.Status.AWAITING_APPROVAL
            post.save()
            post.targets.update(status=PostTarget.Status.AWAITING_APPROVAL, due_at=None)
            audit_record(
                actor=actor,
                council=council,
                action="post.submitted",
                obj=post,
                before=before,
                after=post_state(post),
                reason="; ".join(
                    filter(None, ["blocked words force approval" if check.forces_approval else "", override_reason])
                ),
            )
            approvers = [u for u in _approvers(council) if u.pk != actor.pk]
            notify(
                users=approvers,
                council=council,
                kind="post.awaiting_approval",
                url=post_url(post),
                message=f"A post by {actor.display_name} is waiting for approval: {post}",
            )
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
        locked = (
            Post.objects.select_for_update(of=("self",)).select_related("council", "author", "campaign").get(pk=post.pk)
        )
        if locked.status != post.status or locked.approved_by_id != post.approved_by_id:
            raise ValidationError("Someone else has just decided on this post.")
        post = locked
        before = post_state(post)
        _waiting_notices_resolve(post)  # a second step, if needed, asks again below
        post.findings = [f.as_dict() for f in check.findings]
        second_step = post.status == Post.Status.AWAITING_SECOND
        if post.scheduled_for is not None and post.scheduled_for <= now:
            post.status = Post.Status.RETURNED
            post.decision_reason = (
                f"Approved at {timezone.localtime(now):%H:%M on %-d %B}, after its slot "
                f"({timezone.localtime(post.scheduled_for):%H:%M on %-d %B}): choose a new time "
                "and submit it again."
            )
            post.save()
            post.targets.update(status=PostTarget.Status.DRAFT, due_at=None)
            audit_record(
                actor=actor,
                council=council,
                action="post.returned_late",
                obj=post,
                before=before,
                after=post_state(post),
                reason=post.decision_reason,
            )
            notify(
                users=[post.author],
                council=council,
                kind="post.returned",
                url=post_url(post),
                message=f"Your post was approved after its slot, so it was not published: {post}",
            )
            return post
        if second_step:
            post.second_approved_by, post.second_approved_at = actor, now
        else:
            post.approved_by, post.approved_at = actor, now
        if not second_step and _needs_second_approval(post):
            post.status = Post.Status.AWAITING_SECOND
            post.save()
            audit_record(
                actor=actor,
                council=council,
                action="post.approved_first",
                obj=post,
                before=before,
                after=post_state(post),
                reason="warnings acknowledged" if check.warnings else "",
            )
            notify(
                users=[u for u in _approvers(council) if u.pk not in (actor.pk, post.author_id)],
                council=council,
                kind="post.awaiting_approval",
                url=post_url(post),
                message=f"A post needs a second approval: {post}",
            )
            return post
        post.status = Post.Status.APPROVED
        post.save()
        _schedule(post, now)
        audit_record(
            actor=actor,
            council=council,
            action="post.approved_second" if second_step else "post.approved",
            obj=post,
            before=before,
            after=post_state(post),
            reason="warnings acknowledged" if check.warnings else "",
        )
        when = (
            f"for {timezone.localtime(post.scheduled_for):%H:%M on %-d %B}" if post.scheduled_for else "to go out now"
        )
        notify(
            users=[post.author],
            council=council,
            kind="post.approved",
            url=post_url(post),
            message=f"Your post was approved {when}: {post}",
        )
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
        before = post_state(post)
        post.status = Post.Status.REJECTED
        post.decision_reason = reason
        post.save()
        _waiting_notices_resolve(post)
        post.targets.update(status=PostTarget.Status.DRAFT, due_at=None)
        audit_record(
            actor=actor,
            council=post.council,
            action="post.rejected",
            obj=post,
            before=before,
            after=post_state(post),
            reason=reason,
        )
        notify(
            users=[post.author],
            council=post.council,
            kind="post.rejected",
            url=post_url(post),
            message=f"Your post was rejected: {reason}",
        )
    return post


def posts_bulk_approve(
    *, actor: User, posts: Iterable[Post], acknowledge_warnings: bool = False
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
        before = post_state(post)
        moved = list(post.targets.filter(status=PostTarget.Status.SCHEDULED).values_list("pk", flat=True))
        if not moved:
            raise ValidationError("Nothing is waiting to go out: every channel has been sent or stopped.")
        post.scheduled_for = scheduled_for
        post.save(update_fields=["scheduled_for", "updated_at"])
        PostTarget.objects.filter(pk__in=moved, status=PostTarget.Status.SCHEDULED).update(due_at=scheduled_for)
        transaction.on_commit(lambda: targets_enqueue(target_ids=moved, due_at=scheduled_for))
        audit_record(
            actor=actor,
            council=post.council,
            action="post.rescheduled",
            obj=post,
            before=before,
            after=post_state(post),
        )
    return post


def post_cancel(*, actor: User, post: Post, reason: str = "") -> Post:
    """Stop whatever has not gone out yet (the author withdraws a draft, or an approver stops a scheduled post)."""
    perms = perms_in(actor, post.council)
    if post.author_id != actor.pk and Perm.APPROVE_POSTS not in perms:
        raise PermissionDenied("Only the author or a communications officer can cancel a post.")
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("council").get(pk=post.pk)
        before = post_state(post)
        stopped = post.targets.filter(
            status__in=[
                PostTarget.Status.DRAFT,
                PostTarget.Status.AWAITING_APPROVAL,
                PostTarget.Status.SCHEDULED,
            ]
        ).update(status=PostTarget.Status.CANCELLED)
        if post.status in EDITABLE or post.status in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
            post.status = Post.Status.CANCELLED
        elif not stopped:
            raise ValidationError("Nothing is left to cancel: every channel has been sent or stopped.")
        post.save()
        _waiting_notices_resolve(post)
        audit_record(
            actor=actor,
            council=post.council,
            action="post.cancelled",
            obj=post,
            before=before,
            after=post_state(post),
            reason=reason.strip(),
        )
    return post
