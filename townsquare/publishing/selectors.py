"""Reading posts: who sees which, the approval queue, the calendar, posting slots, highlights."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing.models import AccountCheck, Post, PostingSlot, PostTarget, UnconfirmedChange


def posts_visible_to(*, user: Any, council: Council, perms: frozenset[str]) -> QuerySet[Post]:
    """Approvers see every post of the council; people who draft see their own."""
    posts = Post.objects.filter(council=council)
    if Perm.APPROVE_POSTS in perms:
        return posts
    if Perm.DRAFT_POSTS in perms:
        return posts.filter(author=user)
    return posts.none()


def with_targets(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("author", "campaign", "service").prefetch_related(
        Prefetch("targets", queryset=PostTarget.objects.select_related("channel")), "images"
    )


def approval_queue(*, council: Council) -> QuerySet[Post]:
    return with_targets(
        Post.objects.filter(
            council=council,
            status__in=[Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND],
        )
    ).order_by("scheduled_for", "submitted_at")


def attention_counts(*, user: Any, council: Council, perms: frozenset[str]) -> dict[str, int]:
    """The home page's figures: posts waiting for approval, and posts failed or unconfirmed."""
    visible = posts_visible_to(user=user, council=council, perms=perms)
    counts = visible.aggregate(
        waiting=Count(
            "pk", filter=Q(status__in=[Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND]), distinct=True
        ),
        trouble=Count(
            "pk", filter=Q(targets__status__in=[PostTarget.Status.FAILED, PostTarget.Status.UNCONFIRMED]), distinct=True
        ),
    )
    return {"waiting": counts["waiting"] or 0, "trouble": counts["trouble"] or 0}


def posts_in_trouble(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.filter(targets__status__in=[PostTarget.Status.FAILED, PostTarget.Status.UNCONFIRMED]).distinct()


def unconnected_targets(targets: list[PostTarget]) -> list[PostTarget]:
    """The post's channels that cannot publish now (not connected, or needing reconnecting), among those
    still to go out: shown to the author and the approver before the post fails on them."""
    done = (PostTarget.Status.PUBLISHED, PostTarget.Status.CANCELLED)
    return [t for t in targets if t.status not in done and t.channel.connection_state != Channel.Connection.CONNECTED]


# --- the calendar ---------------------------------------------------------------------------------


def calendar_targets(
    *,
    council: Council,
    posts: QuerySet[Post],
    start: dt.datetime,
    end: dt.datetime,
    channel_id: int | None = None,
    status: str = "",
) -> QuerySet[PostTarget]:
    """Each post on each channel in [start, end): scheduled ones by their time, sent ones by when they went out."""
    when = (
        Q(due_at__gte=start, due_at__lt=end)
        | Q(published_at__gte=start, published_at__lt=end)
        | Q(due_at__isnull=True, post__scheduled_for__gte=start, post__scheduled_for__lt=end)
    )
    targets = (
        PostTarget.objects.filter(post__in=posts, channel__council=council)
        .filter(when)
        .exclude(status=PostTarget.Status.CANCELLED)
        .select_related("post", "channel", "post__author")
    )
    if channel_id:
        targets = targets.filter(channel_id=channel_id)
    if status:
        targets = targets.filter(status=status)
    return targets


def target_moment(target: PostTarget) -> dt.datetime | None:
    return target.published_at or target.due_at or target.post.scheduled_for


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    items: list[PostTarget]


def calendar_days(targets: list[PostTarget], first: dt.date, last: dt.date, month: int | None) -> list[Day]:
    by_day: dict[dt.date, list[PostTarget]] = {}
    for target in targets:
        moment = target_moment(target)
        if moment is not None:
            by_day.setdefault(timezone.localtime(moment).date(), []).append(target)
    days = []
    day = first
    while day <= last:
        items = sorted(by_day.get(day, []), key=lambda t: target_moment(t) or timezone.now())
        days.append(Day(day, month is None or day.month == month, items))
        day += dt.timedelta(days=1)
    return days


# --- posting slots ----------------------------------------------------------------------------------


def slots_upcoming(*, channels: list[Channel], count: int = 8, now: dt.datetime | None = None) -> list[dt.datetime]:
    """The next posting-slot times shared by the chosen channels (any channel's slot when they share none)."""
    now = timezone.localtime(now or timezone.now())
    slots = list(PostingSlot.objects.filter(channel__in=channels).values_list("channel_id", "weekday", "time"))
    if not slots:
        return []
    per_channel: dict[int, set[tuple[int, dt.time]]] = {}
    for channel_id, weekday, time in slots:
        per_channel.setdefault(channel_id, set()).add((weekday, time))
    shared = set.intersection(*per_channel.values()) if len(per_channel) == len(channels) else set()
    chosen = shared or set.union(*per_channel.values())
    found: list[dt.datetime] = []
    for offset in range(0, 15):
        day = now.date() + dt.timedelta(days=offset)
        for weekday, time in sorted(chosen, key=lambda s: s[1]):
            if weekday == day.weekday():
                moment = timezone.make_aware(dt.datetime.combine(day, time))
                if moment > now:
                    found.append(moment)
        if len(found) >= count:
            break
    return sorted(found)[:count]


# --- showing findings in the text -------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    rules: tuple[str, ...] = ()
    severity: str = ""


def highlight(text: str, findings: list[dict[str, Any]], channel_id: int | None = None) -> list[Segment]:
    """Split ``text`` into plain and marked pieces, one mark per finding's span (the worst severity wins)."""
    spans = [
        (f["start"], f["end"], f["rule"], f["severity"])
        for f in findings
        if f.get("channel_id") == channel_id
        and isinstance(f.get("start"), int)
        and isinstance(f.get("end"), int)
        and 0 <= f["start"] < f["end"] <= len(text)
    ]
    if not spans:
        return [Segment(text)]
    bounds = sorted({0, len(text), *[s[0] for s in spans], *[s[1] for s in spans]})
    order = {"block": 0, "warn": 1, "info": 2}
    pieces = []
    for a, b in itertools.pairwise(bounds):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        if covering:
            worst = min(covering, key=lambda s: order.get(s[3], 3))[3]
            pieces.append(Segment(text[a:b], tuple(sorted({s[2] for s in covering})), worst))
        else:
            pieces.append(Segment(text[a:b]))
    return pieces


def post_url(post: Post) -> str:
    return reverse("publishing:detail", kwargs={"slug": post.council.slug, "pk": post.pk})


def post_delivery(post: Post) -> str:
    """One word for the post's channels together: scheduled, publishing, published, partial, failed, unconfirmed."""
    return delivery_from([s for s in post.targets.values_list("status", flat=True) if s != PostTarget.Status.CANCELLED])


def delivery_from(statuses: list[str]) -> str:
    if not statuses:
        return ""
    distinct = set(statuses)
    if distinct == {PostTarget.Status.PUBLISHED}:
        return "published"
    if PostTarget.Status.UNCONFIRMED in distinct:
        return "unconfirmed"
    if PostTarget.Status.PUBLISHING in distinct:
        return "publishing"
    if PostTarget.Status.FAILED in distinct:
        return "partial" if PostTarget.Status.PUBLISHED in distinct else "failed"
    if PostTarget.Status.SCHEDULED in distinct:
        return "partial" if PostTarget.Status.PUBLISHED in distinct else "scheduled"
    return ""


def account_checks_latest(targets: list[PostTarget]) -> dict[int, AccountCheck]:
    """The newest look at the account for each unconfirmed target (what its page shows)."""
    ids = [t.pk for t in targets if t.status == PostTarget.Status.UNCONFIRMED]
    latest: dict[int, AccountCheck] = {}
    for check in AccountCheck.objects.filter(target_id__in=ids).order_by("target_id", "-checked_at", "-pk"):
        latest.setdefault(check.target_id, check)
    return latest


def unconfirmed_changes_pending(targets: list[PostTarget]) -> dict[int, UnconfirmedChange]:
    """Each target's change that its platform has not confirmed yet (what its pages show)."""
    pending = UnconfirmedChange.objects.filter(
        target_id__in=[t.pk for t in targets], outcome=UnconfirmedChange.Outcome.PENDING
    ).select_related("requested_by")
    return {change.target_id: change for change in pending}
