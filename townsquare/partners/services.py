"""Writing for partner councils: the combined-view choice, messages to several councils, account reviews.

A message to partner councils is one draft per council made by publishing's own services, so each
council's channel rules, policy checks (its elections, its word lists) and approval apply to its
post exactly as if it had been written there. The group only links the posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.partners.models import ChannelReview, CombinedViewChoice, PostGroup, PostGroupMember
from townsquare.publishing.models import Post
from townsquare.publishing.services import EDITABLE, post_create_draft, post_submit

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council


def combined_view_set(*, user: User, enabled: bool) -> CombinedViewChoice:
    """Keep the person's choice of starting from all their councils together (a preference: not audited)."""
    choice, _ = CombinedViewChoice.objects.update_or_create(user=user, defaults={"enabled": enabled})
    return choice


def _by_council(channels: Iterable[Channel]) -> dict[Council, list[Channel]]:
    found: dict[Council, list[Channel]] = {}
    for channel in channels:
        found.setdefault(channel.council, []).append(channel)
    return found


def post_group_create(
    *,
    author: User,
    title: str,
    text: str,
    channels: Iterable[Channel],
    scheduled_for: dt.datetime | None,
    link: str = "",
) -> PostGroup:
    """One draft per council of the chosen channels, linked as a group; all or nothing.

    Refused (ValidationError, nothing made) without a title or channels, with channels of one
    council only (that is an ordinary post), or when the person may not draft for a channel.
    """
    title = title.strip()
    if not title:
        raise ValidationError("Give the message a title the team will recognise.")
    per_council = _by_council(channels)
    if len(per_council) < 2:
        raise ValidationError("Choose channels of at least two councils (for one council, write an ordinary post).")
    for council in per_council:
        if Perm.DRAFT_POSTS not in perms_in(author, council):
            raise ValidationError(f"You cannot draft posts for {council.name}.")
    with transaction.atomic():
        group = PostGroup.objects.create(author=author, title=title[:120])
        for council, chosen in sorted(per_council.items(), key=lambda item: item[0].name):
            post = post_create_draft(
                author=author,
                council=council,
                text=text,
                channels=chosen,
                scheduled_for=scheduled_for,
                link=link,
                source=f"partners.group:{group.pk}",
            )
            PostGroupMember.objects.create(group=group, post=post, council=council)
            audit_record(
                actor=author,
                council=council,
                action="post_group.created",
                obj=group,
                after={"title": group.title, "post": post.pk, "councils": sorted(c.slug for c in per_council)},
            )
    return group


@dataclass(frozen=True)
class Outcome:
    post: Post
    ok: bool
    message: str


def post_group_submit(
    *, actor: User, group: PostGroup, override_reason: str = "", acknowledge_warnings: bool = False
) -> list[Outcome]:
    """Submit each council's draft on its own: one council's block (its election, its words) does not stop the others.

    Each post goes through publishing's ``post_submit``, which checks that council's policy and
    sends it for that council's approval (or publishes directly where the person may approve).
    """
    outcomes = []
    for member in group.members.select_related("post", "council"):
        post = member.post
        if post.author_id != actor.pk:
            raise PermissionDenied("Only the author can submit the message.")
        if post.status not in EDITABLE:
            continue
        try:
            post = post_submit(
                actor=actor, post=post, override_reason=override_reason, acknowledge_warnings=acknowledge_warnings
            )
            done = "approved and scheduled" if post.status == Post.Status.APPROVED else "sent for approval"
            outcomes.append(Outcome(post, True, f"{member.council.name}: {done}."))
        except (ValidationError, PermissionDenied) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            outcomes.append(Outcome(post, False, f"{member.council.name}: {message}"))
    if not outcomes:
        raise ValidationError("Nothing is left to submit: every council's post has already been submitted.")
    return outcomes


def channel_review_record(*, actor: User, channel: Channel, reviewed_on: dt.date, note: str = "") -> ChannelReview:
    """Record that an account was reviewed against the policy, audited in the same transaction."""
    if Perm.MANAGE_CHANNELS not in perms_in(actor, channel.council):
        raise PermissionDenied("Your role does not allow reviewing channels.")
    if reviewed_on > timezone.localdate():
        raise ValidationError("A review cannot be dated in the future.")
    if channel.status == Channel.Status.CLOSED:
        raise ValidationError(f"{channel.name} is closed: there is nothing to review.")
    with transaction.atomic():
        review = ChannelReview.objects.create(
            channel=channel, reviewed_on=reviewed_on, reviewed_by=actor, note=note.strip()[:2000]
        )
        audit_record(
            actor=actor,
            council=channel.council,
            action="channel.reviewed",
            obj=channel,
            after={"reviewed_on": reviewed_on, "note": review.note},
        )
    return review
