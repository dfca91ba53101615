"""Reads: the meeting list, a meeting's promotions and streams, and what a person may see of posts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from townsquare.councils.models import Council
from townsquare.councils.roles import Perm, Role
from townsquare.meetings import promotion
from townsquare.meetings.calendar_io import ParsedMeeting, ParseResult, local_zone
from townsquare.meetings.models import LiveStream, Meeting, Promotion, ViewingFigures
from townsquare.publishing.models import Post


def meetings_list(
    *, council: Council, when: str = "upcoming", committee: str = "", now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """Upcoming meetings soonest first, or past ones most recent first; optionally one committee's."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(council=council).annotate(
        promotion_count=Count("promotions", distinct=True), stream_count=Count("live_streams", distinct=True)
    )
    if committee:
        meetings = meetings.filter(committee__iexact=committee)
    if when == "past":
        return meetings.filter(starts_at__lte=now).order_by("-starts_at", "committee")
    return meetings.filter(starts_at__gt=now).order_by("starts_at", "committee")


def meeting_matching(*, council: Council, parsed: ParsedMeeting) -> Meeting | None:
    """The saved meeting an imported row stands for: same UID, else same committee on the same local date."""
    meetings = Meeting.objects.filter(council=council)
    if parsed.uid:
        found = meetings.filter(uid=parsed.uid).first()
        if found is not None:
            return found
    zone = local_zone()
    start = dt.datetime.combine(parsed.local_date, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(parsed.local_date + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    same_day = meetings.filter(committee__iexact=parsed.committee, starts_at__gte=start, starts_at__lt=end)
    # A feed's meeting may adopt one first imported from CSV (no UID), never one with another UID.
    return same_day.filter(uid="").first() if parsed.uid else same_day.first()


@dataclass(frozen=True)
class PreviewRow:
    parsed: ParsedMeeting
    existing: Meeting | None
    change: str  # "new", "changed", "unchanged", "cancelled"


def import_preview(*, council: Council, parsed: ParseResult) -> list[PreviewRow]:
    """What confirming would do to each row, for the person to check first."""
    rows = []
    for row in parsed.meetings:
        existing = meeting_matching(council=council, parsed=row)
        if existing is None:
            change = "cancelled" if row.cancelled else "new"
        elif row.cancelled and not existing.cancelled:
            change = "cancelled"
        elif (
            existing.committee,
            existing.starts_at,
            existing.ends_at,
            existing.venue,
            existing.agenda_url,
            existing.cancelled,
        ) == (row.committee, row.starts_at, row.ends_at, row.venue, row.agenda_url, row.cancelled) and (
            not row.uid or existing.uid == row.uid
        ):
            change = "unchanged"
        else:
            change = "changed"
        rows.append(PreviewRow(row, existing, change))
    return rows


def committees_of(*, council: Council) -> list[str]:
    names = Meeting.objects.filter(council=council).values_list("committee", flat=True).distinct()
    return sorted({n for n in names}, key=str.lower)


def meeting_with_related(*, council: Council, pk: int) -> Meeting:
    return (
        Meeting.objects.filter(council=council)
        .prefetch_related(
            Prefetch("promotions", queryset=Promotion.objects.select_related("offset", "post")),
            Prefetch("live_streams", queryset=streams_with_related()),
        )
        .get(pk=pk)
    )


# Who can agree that an item is streamed: councillors (the Portfolio Holder) and the officers whose role
# carries that decision. Auditors and service officers record nothing of the kind.
AGREEING_ROLES = (Role.COUNCILLOR, Role.COMMS, Role.ADMIN)


def people_who_may_agree(*, council: Council) -> QuerySet[Any]:
    from townsquare.accounts.models import User

    return (
        User.objects.filter(memberships__council=council, memberships__role__in=AGREEING_ROLES, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def streams_with_related() -> QuerySet[LiveStream]:
    return LiveStream.objects.select_related("meeting", "channel", "agreed_by").prefetch_related(
        Prefetch("figures", queryset=ViewingFigures.objects.select_related("entered_by")),
        Prefetch("announcements", queryset=Post.objects.order_by("scheduled_for", "pk")),
    )


def streams_of(*, council: Council) -> QuerySet[LiveStream]:
    return streams_with_related().filter(council=council).order_by("-meeting__starts_at", "pk")


@dataclass(frozen=True)
class PromotionRow:
    promotion: Promotion
    post: Post
    changed_since: bool


def promotion_rows(meeting: Meeting) -> list[PromotionRow]:
    """Each promotional post, flagged when the meeting has changed since it was drafted."""
    fingerprint = promotion.meeting_fingerprint(meeting)
    return [
        PromotionRow(p, p.post, p.drafted_for != fingerprint and p.post.status != Post.Status.CANCELLED)
        for p in sorted(meeting.promotions.all(), key=lambda p: (p.post.scheduled_for or meeting.starts_at, p.pk))
    ]


def may_read_posts(perms: frozenset[str]) -> bool:
    """Who sees the words of unpublished drafts: the people who draft and approve posts."""
    return bool({Perm.DRAFT_POSTS, Perm.APPROVE_POSTS} & perms)


def post_visible_ids(*, user: Any, council: Council, perms: frozenset[str], posts: list[Post]) -> set[int]:
    """Posts this person may open (their own drafts, or every post for approvers)."""
    if Perm.APPROVE_POSTS in perms:
        return {p.pk for p in posts}
    if Perm.DRAFT_POSTS in perms:
        return {p.pk for p in posts if p.author_id == getattr(user, "pk", None)}
    return set()
