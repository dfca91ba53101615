"""Inbox performance and democratic engagement for a quarter: the inbox read from its monthly
summaries (never the items), the meetings' live streams and promotion posts from the meetings app
(a council's few dozen a quarter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery, Sum

from townsquare.measures.inbox import RESPONSE_TARGET
from townsquare.measures.models import InboxMonthly, PostReach
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Scope

SUMMED = (
    "received",
    "positive",
    "neutral",
    "negative",
    "responded",
    "response_seconds",
    "responded_in_target",
    "resolved",
    "resolution_seconds",
)


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _hours(seconds: int, count: int) -> float | None:
    return round(seconds / count / 3600, 1) if count else None


@dataclass(frozen=True)
class InboxFigures:
    label: str
    received: int
    positive: int
    neutral: int
    negative: int
    responded: int
    response_seconds: int
    responded_in_target: int
    resolved: int
    resolution_seconds: int

    @property
    def positive_percent(self) -> int | None:
        return _share(self.positive, self.positive + self.neutral + self.negative)

    @property
    def neutral_percent(self) -> int | None:
        return _share(self.neutral, self.positive + self.neutral + self.negative)

    @property
    def negative_percent(self) -> int | None:
        return _share(self.negative, self.positive + self.neutral + self.negative)

    @property
    def first_response_hours(self) -> float | None:
        """The mean time to a first response, in hours, of the items answered."""
        return _hours(self.response_seconds, self.responded)

    @property
    def in_target_percent(self) -> int | None:
        return _share(self.responded_in_target, self.responded)

    @property
    def resolution_hours(self) -> float | None:
        return _hours(self.resolution_seconds, self.resolved)


TARGET_LABEL = f"{int(RESPONSE_TARGET.total_seconds() // 3600)} hours"


def inbox_figures(*, scope: Scope, months: list[dt.date], label: str) -> InboxFigures:
    """The scope's inbox over these months (items received in them, and how they were answered)."""
    rows = InboxMonthly.objects.filter(council=scope.council, month__in=months)
    if scope.platform:
        rows = rows.filter(channel__platform=scope.platform)
    if scope.service_id:
        rows = rows.filter(service_key=scope.service_id)
    if scope.channel_id:
        rows = rows.filter(channel_id=scope.channel_id)
    totals = rows.aggregate(**{name: Sum(name) for name in SUMMED})
    return InboxFigures(label, **{name: int(totals[name] or 0) for name in SUMMED})


def inbox_performance(*, scope: Scope, quarter: Quarter) -> tuple[InboxFigures, InboxFigures]:
    """The quarter's inbox and the same quarter's a year before."""
    before = quarter.year_before()
    return (
        inbox_figures(scope=scope, months=quarter.months, label=quarter.label),
        inbox_figures(scope=scope, months=before.months, label=before.label),
    )


@dataclass(frozen=True)
class Democracy:
    streams: int
    stream_views: int
    peak_viewers: int
    promotion_posts: int
    promotion_reach: int = 0  # people who saw those posts (on X and YouTube, views), where the platform reports it
    promotion_posts_measured: int = 0


def _bounds(quarter: Quarter) -> tuple[dt.date, dt.date]:
    return quarter.first_month, month_add(quarter.first_month, 3)


def democratic_engagement(*, scope: Scope, quarter: Quarter) -> Democracy:
    """Meetings streamed in the quarter with their latest viewing figures, and the meeting-promotion
    posts published to the scope's accounts in it with their reach (where the platform reports it)."""
    from townsquare.meetings.models import LiveStream, Promotion, ViewingFigures
    from townsquare.publishing.models import PostTarget

    first, after = _bounds(quarter)
    latest = ViewingFigures.objects.filter(stream=OuterRef("pk")).order_by("-read_on", "-entered_at", "-pk")
    streams = LiveStream.objects.filter(
        council=scope.council, meeting__starts_at__date__gte=first, meeting__starts_at__date__lt=after
    ).exclude(status=LiveStream.Status.CANCELLED)
    if scope.platform or scope.channel_id or scope.service_id:
        streams = streams.filter(channel__in=scope.channels())
    figures = list(
        streams.annotate(
            views=Subquery(latest.values("total_views")[:1]),
            peak=Subquery(latest.values("peak_concurrent_viewers")[:1]),
        ).values_list("views", "peak")
    )
    posts = PostTarget.objects.filter(
        channel__in=scope.channels(),
        post__in=Promotion.objects.filter(meeting__council=scope.council).values("post_id"),
        published_at__date__gte=first,
        published_at__date__lt=after,
    )
    reach = PostReach.objects.filter(target__in=posts).aggregate(total=Sum("reach"), measured=Count("pk"))
    return Democracy(
        streams=len(figures),
        stream_views=sum(views or 0 for views, _ in figures),
        peak_viewers=max((peak or 0 for _, peak in figures), default=0),
        promotion_posts=posts.count(),
        promotion_reach=int(reach["total"] or 0),
        promotion_posts_measured=reach["measured"],
    )
