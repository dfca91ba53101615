"""Comparing periods and grouping measures under the strategy's three aims, with each measure's
target and its red, amber or green status. Read from the monthly summaries only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from townsquare.channels.models import Channel
from townsquare.measures.models import STOCK_METRICS, MeasureTarget, Metric
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Change, Scope, period_figure, quarter_change

AIMS: list[tuple[str, str, list[str]]] = [
    ("value", "Value for money", [Metric.POSTS_PUBLISHED, Metric.ENGAGEMENTS, Metric.IMPRESSIONS]),
    (
        "reputation",
        "Reputation through customer satisfaction and service take-up",
        [Metric.FOLLOWERS, Metric.PAGE_LIKES, Metric.REACH, Metric.PROFILE_VIEWS, Metric.LINK_CLICKS],
    ),
    ("democracy", "Participation in the democratic process", [Metric.VIDEO_VIEWS, Metric.WATCH_TIME_MINUTES]),
]

KINDS = {"year": "Same quarter last year", "month": "Month on month", "dates": "Any two months"}


@dataclass(frozen=True)
class Compared:
    change: Change
    before_label: str
    after_label: str


def _month_label(metric: str, month: dt.date) -> str:
    return f"{month:%B %Y}" if metric in STOCK_METRICS else f"the month of {month:%B %Y}"


def months_compare(*, scope: Scope, metric: str, before: dt.date, after: dt.date) -> Compared | None:
    """One month against another: a stock's level in each, or a flow's month total."""
    then = period_figure(scope=scope, metric=metric, months=[before])
    now = period_figure(scope=scope, metric=metric, months=[after])
    if then is None or now is None:
        return None
    change = Change(metric, Metric(metric).label, then[0], now[0])
    return Compared(change, _month_label(metric, before), _month_label(metric, after))


def compare(
    *,
    scope: Scope,
    metric: str,
    kind: str,
    quarter: Quarter,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> Compared | None:
    """The comparison a reader chose: the quarter against the same quarter a year before, the
    quarter's last month against the month before it, or any two months (April to April)."""
    if kind == "month":
        last = quarter.months[-1]
        return months_compare(scope=scope, metric=metric, before=month_add(last, -1), after=last)
    if kind == "dates" and before and after:
        return months_compare(scope=scope, metric=metric, before=before, after=after)
    found = quarter_change(scope=scope, metric=metric, quarter=quarter)
    if found is None:
        return None
    change, then, now = found
    if metric in STOCK_METRICS:
        return Compared(change, f"{then:%B %Y}", f"{now:%B %Y}")
    return Compared(change, quarter.year_before().label, quarter.label)


@dataclass(frozen=True)
class AimRow:
    metric: str
    label: str
    figure: int
    compared: Compared | None
    target: MeasureTarget | None

    @property
    def status(self) -> str:
        return self.target.status(self.figure) if self.target else ""


def targets_for(scope: Scope) -> dict[str, MeasureTarget]:
    """The targets that apply to the scope: the platform's own, else the council-wide one (a channel
    or service alone has no target)."""
    found: dict[str, MeasureTarget] = {}
    for target in MeasureTarget.objects.filter(council=scope.council, platform__in=["", scope.platform]):
        if scope.channel_id or scope.service_id:
            continue
        if target.platform == scope.platform or target.metric not in found:
            found[target.metric] = target
    return found


def aims(
    *, scope: Scope, quarter: Quarter, kind: str, before: dt.date | None = None, after: dt.date | None = None
) -> list[tuple[str, str, list[AimRow]]]:
    """Each aim's measures that have a figure for the quarter, compared as chosen, against target."""
    targets = targets_for(scope)
    grouped: list[tuple[str, str, list[AimRow]]] = []
    for key, title, metrics in AIMS:
        rows: list[AimRow] = []
        for metric in metrics:
            figure = period_figure(scope=scope, metric=metric, months=quarter.months)
            if figure is None:
                continue
            compared = compare(scope=scope, metric=metric, kind=kind, quarter=quarter, before=before, after=after)
            rows.append(AimRow(metric, Metric(metric).label, figure[0], compared, targets.get(metric)))
        grouped.append((key, title, rows))
    return grouped


def account_access(scope: Scope) -> QuerySet[Channel]:
    """Per account: who has access, the digital team's access confirmed, two-factor, last post."""
    return (
        scope.channels()
        .exclude(status=Channel.Status.CLOSED)
        .select_related("owner", "deputy", "service")
        .prefetch_related("assignees")
        .order_by("platform", "handle")
    )
