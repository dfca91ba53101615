"""Reading across a person's councils: each council is included only where their roles there allow.

Every function takes the person and works from ``councils.access`` (their roles by council), so a
council where they hold no role never appears, and a council where their role is too low for a
section is left out of that section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from townsquare.channels.models import Channel
from townsquare.councils.access import councils_of, perms_in, roles_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm, Role
from townsquare.inbox.models import ReceivedItem
from townsquare.partners.models import CombinedViewChoice, PostGroup
from townsquare.partners.sections import Tile, sections
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.selectors import with_targets

WAITING = (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND)


def councils_where(user: Any, perms: Iterable[str]) -> list[Council]:
    """The person's councils (by name) where they hold any of ``perms``."""
    wanted = set(perms)
    return [c for c in councils_of(user) if wanted & perms_in(user, c)]


def councils_chosen(user: Any, perms: Iterable[str], slug: str = "") -> list[Council]:
    """The councils a combined page shows: all where the person may, or the one ``slug`` names.

    None at all is "forbidden" (the role is too low everywhere); a ``slug`` of a council where the
    person holds no role is "not found", and one where their role there is too low "forbidden".
    """
    allowed = councils_where(user, perms)
    if not allowed:
        raise PermissionDenied("None of your roles allows this.")
    if not slug:
        return allowed
    chosen = [c for c in allowed if c.slug == slug]
    if chosen:
        return chosen
    if any(c.slug == slug for c in councils_of(user)):
        raise PermissionDenied("Your role at this council does not allow this.")
    raise Http404("No such council")


def combined_view_enabled(user: Any) -> bool:
    """The person's kept choice (until they make one, they choose a council as before)."""
    return CombinedViewChoice.objects.filter(user=user, enabled=True).exists()


# --- home: what needs attention ----------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilAttention:
    council: Council
    roles: list[str]
    tiles: list[Tile]


def attention(*, user: Any, councils: list[Council]) -> list[CouncilAttention]:
    found = []
    for council in councils:
        perms = perms_in(user, council)
        tiles: list[Tile] = []
        for section in sections():
            if section.perms & perms:
                tiles += section.tiles(user, council, perms)
        roles = [Role(r).label for r in sorted(roles_in(user, council))]
        found.append(CouncilAttention(council, roles, tiles))
    return found


# --- posts -------------------------------------------------------------------------------------------


def _posts_q(user: Any, councils: Iterable[Council]) -> Q:
    """Posts the person may see at each council: all of them where they approve, else their own."""
    q = Q(pk__in=[])
    for council in councils:
        perms = perms_in(user, council)
        if Perm.APPROVE_POSTS in perms:
            q |= Q(council=council)
        elif Perm.DRAFT_POSTS in perms:
            q |= Q(council=council, author=user)
    return q


def approvals_waiting(*, user: Any, councils: Iterable[Council] | None = None) -> QuerySet[Post]:
    """Posts awaiting approval at every council (of ``councils``) where the person may approve."""
    allowed = [
        c for c in (councils if councils is not None else councils_of(user)) if Perm.APPROVE_POSTS in perms_in(user, c)
    ]
    return (
        with_targets(Post.objects.filter(council__in=allowed, status__in=WAITING))
        .select_related("council", "partner_group")
        .order_by("scheduled_for", "submitted_at", "pk")
    )


def calendar_items(
    *, user: Any, councils: list[Council], start: dt.datetime, end: dt.datetime, status: str = ""
) -> list[PostTarget]:
    """Each visible post on each channel in [start, end), scheduled by its time, sent by when it went out."""
    when = (
        Q(due_at__gte=start, due_at__lt=end)
        | Q(published_at__gte=start, published_at__lt=end)
        | Q(due_at__isnull=True, post__scheduled_for__gte=start, post__scheduled_for__lt=end)
    )
    posts = Post.objects.filter(_posts_q(user, councils))
    targets = (
        PostTarget.objects.filter(post__in=posts)
        .filter(when)
        .exclude(status=PostTarget.Status.CANCELLED)
        .select_related("post", "post__council", "post__author", "channel")
    )
    if status:
        targets = targets.filter(status=status)
    return list(targets)


# --- channels ----------------------------------------------------------------------------------------


def channels_across(*, user: Any, councils: Iterable[Council]) -> QuerySet[Channel]:
    """The whole register where the person may see it, else the channels assigned to them."""
    q = Q(pk__in=[])
    for council in councils:
        perms = perms_in(user, council)
        if Perm.VIEW_REGISTER in perms:
            q |= Q(council=council)
        elif Perm.VIEW_ASSIGNED_CHANNELS in perms:
            q |= Q(council=council) & (Q(assignees=user) | Q(owner=user) | Q(deputy=user))
    return (
        Channel.objects.filter(pk__in=Channel.objects.filter(q).values("pk"))
        .select_related("council", "service", "owner")
        .order_by("council__name", "platform", "handle")
    )


def drafting_channels(*, user: Any) -> dict[Council, list[Channel]]:
    """Open channels the person may draft for, by council (only councils where they may draft)."""
    councils = councils_where(user, [Perm.DRAFT_POSTS])
    found: dict[Council, list[Channel]] = {c: [] for c in councils}
    by_id = {c.pk: c for c in councils}
    for channel in channels_across(user=user, councils=councils).exclude(status=Channel.Status.CLOSED):
        found[by_id[channel.council_id]].append(channel)
    return {c: chans for c, chans in found.items() if chans}


# --- message groups ----------------------------------------------------------------------------------


def groups_visible_to(user: Any) -> QuerySet[PostGroup]:
    """Groups with at least one post the person may see (their own, or any where they approve)."""
    posts = Post.objects.filter(_posts_q(user, councils_of(user)))
    return PostGroup.objects.filter(members__post__in=posts).distinct().select_related("author")


def group_members_visible(*, user: Any, group: PostGroup) -> list[Post]:
    """The group's posts the person may see, each naming its council; others are not shown at all."""
    posts = Post.objects.filter(_posts_q(user, councils_of(user)), partner_group__group=group)
    return list(with_targets(posts).select_related("council").order_by("council__name"))


# --- inbox -------------------------------------------------------------------------------------------


def inbox_across(*, user: Any, councils: Iterable[Council]) -> QuerySet[ReceivedItem]:
    """Items on the channels the person may see at each council, as that council's own inbox shows them:
    the whole council's where they may see the register, else only their own channels there."""
    return (
        ReceivedItem.objects.filter(channel__in=channels_across(user=user, councils=councils).order_by().values("pk"))
        .select_related("council", "channel", "service", "assignee", "assigned_service", "priority")
        .prefetch_related("listening_matches__query")
        .order_by("-received_at", "-pk")
    )
