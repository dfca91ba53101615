"""Comparing periods and grouping measures under the strategy's three aims, with each measure's
target and its red, amber or green status. Read from the monthly summaries only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from townsquare.channels.models import Channel, Platform
from townsquare.measures.models import STOCK_METRICS, MeasureTarget, Metric
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Change, Scope, figure_of, scope_months

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


def _needed(quarter: Quarter, before: dt.date | None, after: dt.date | None) -> set[dt.date]:
    months = set(quarter.months) | set(quarter.year_before().months) | {month_add(quarter.months[-1], -1)}
    return months | {m for m in (before, after) if m is not None}


def _series(scope: Scope, metrics: list[str], months: set[dt.date]) -> dict[str, dict[dt.date, int]]:
    """Each measure's monthly totals over the scope's accounts for these months, in one query."""
    return scope_months(scope, metrics, month__in=sorted(months))


def _compared(
    metric: str, series: dict[dt.date, int], kind: str, quarter: Quarter, before: dt.date | None, after: dt.date | None
) -> Compared | None:
    label = Metric(metric).label
    if kind == "month" or (kind == "dates" and before and after):
        if kind == "month":
            after = quarter.months[-1]
            before = month_add(after, -1)
        assert before is not None and after is not None
        then, now = figure_of(metric, series, [before]), figure_of(metric, series, [after])
        if then is None or now is None:
            return None
        return Compared(
            Change(metric, label, then[0], now[0]), _month_label(metric, before), _month_label(metric, after)
        )
    now = figure_of(metric, series, quarter.months)
    if now is None:
        return None
    months = [dt.date(now[1].year - 1, now[1].month, 1)] if metric in STOCK_METRICS else quarter.year_before().months
    then = figure_of(metric, series, months)
    if then is None:
        return None
    change = Change(metric, label, then[0], now[0])
    if metric in STOCK_METRICS:
        return Compared(change, f"{then[1]:%B %Y}", f"{now[1]:%B %Y}")
    return Compared(change, quarter.year_before().label, quarter.label)


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
    series = _series(scope, [metric], _needed(quarter, before, after)).get(metric, {})
    return _compared(metric, series, kind, quarter, before, after)


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
    found = _series(scope, [m for _, _, metrics in AIMS for m in metrics], _needed(quarter, before, after))
    grouped: list[tuple[str, str, list[AimRow]]] = []
    for key, title, metrics in AIMS:
        rows: list[AimRow] = []
        for metric in metrics:
            series = found.get(metric, {})
            figure = figure_of(metric, series, quarter.months)
            if figure is None:
                continue
            compared = _compared(metric, series, kind, quarter, before, after)
            rows.append(AimRow(metric, Metric(metric).label, figure[0], compared, targets.get(metric)))
        grouped.append((key, title, rows))
    return grouped


@dataclass(frozen=True)
class AccessRow:
    name: str
    where: str
    owner: str
    deputy: str
    assignees: list[str]
    confirmed_on: dt.date | None
    two_factor: bool | None
    last_post_at: dt.datetime | None


def _person(full_name: str | None, email: str | None) -> str:
    return full_name or email or "None"


def account_access(scope: Scope) -> list[AccessRow]:
    """Per account: who has access, the digital team's access confirmed, two-factor, last post (two
    queries of plain values: a large council has hundreds of accounts)."""
    rows = (
        scope.channels()
        .exclude(status=Channel.Status.CLOSED)
        .order_by("platform", "handle")
        .values_list(
            "pk",
            "name",
            "platform",
            "handle",
            "owner__full_name",
            "owner__email",
            "deputy__full_name",
            "deputy__email",
            "digital_access_confirmed_on",
            "platform_two_factor",
            "last_post_at",
        )
    )
    labels = dict(Platform.choices)
    found = list(rows)
    assigned: dict[int, list[str]] = {}
    through = Channel.assignees.through.objects.filter(channel_id__in=[row[0] for row in found])
    for channel_id, full_name, email in through.values_list("channel_id", "user__full_name", "user__email"):
        assigned.setdefault(channel_id, []).append(_person(full_name, email))
    return [
        AccessRow(
            name,
            f"{labels.get(platform, platform)} {handle}",
            _person(o_name, o_email),
            _person(d_name, d_email),
            sorted(assigned.get(pk, [])),
            confirmed,
            two_factor,
            last_post,
        )
        for pk, name, platform, handle, o_name, o_email, d_name, d_email, confirmed, two_factor, last_post in found
    ]
