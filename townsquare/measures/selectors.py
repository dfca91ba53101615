"""Reading measures: always from the summaries (the platforms' and the accounts' months, the latest
figures), never by grouping the daily history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from townsquare.channels.models import Channel, Platform
from townsquare.councils.models import Council
from townsquare.measures.models import STOCK_METRICS, LatestMeasure, Metric, MonthlyMeasure, PlatformMonthly
from townsquare.measures.periods import Quarter


@dataclass(frozen=True)
class Scope:
    """Which channels a figure covers: the whole council, a platform, a service or one channel."""

    council: Council
    platform: str = ""
    service_id: int | None = None
    channel_id: int | None = None

    def channels(self) -> QuerySet[Channel]:
        found = Channel.objects.filter(council=self.council)
        if self.platform:
            found = found.filter(platform=self.platform)
        if self.service_id:
            found = found.filter(service_id=self.service_id)
        if self.channel_id:
            found = found.filter(pk=self.channel_id)
        return found


def _months(scope: Scope, metric: str) -> QuerySet[MonthlyMeasure]:
    return MonthlyMeasure.objects.filter(metric=metric, channel__in=scope.channels())


def scope_months(scope: Scope, metrics: list[str], **months: object) -> dict[str, dict[dt.date, int]]:
    """Each measure's monthly figure over the scope (``months``: a filter on ``month``): the platforms'
    summaries for a council or a platform, the accounts' for a service or one account."""
    if scope.service_id is None and scope.channel_id is None:
        rows = PlatformMonthly.objects.filter(council=scope.council, metric__in=metrics, **months)
        if scope.platform:
            rows = rows.filter(platform=scope.platform)
        found: Iterable[tuple[str, dt.date, int]] = rows.values_list("metric", "month", "value")
    else:
        found = MonthlyMeasure.objects.filter(channel__in=scope.channels(), metric__in=metrics, **months).values_list(
            "metric", "month", "value"
        )
    series: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for metric, month, value in found:
        series[metric][month] = series[metric].get(month, 0) + value
    return series


def monthly_series(*, scope: Scope, metric: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """The scope's figure for each month from ``first`` to ``last`` that has one (summed over channels)."""
    found = scope_months(scope, [metric], month__gte=first, month__lte=last).get(metric, {})
    return sorted(found.items())


def period_figure(*, scope: Scope, metric: str, months: list[dt.date]) -> tuple[int, dt.date] | None:
    """A period's figure: a flow summed over its months; a stock's level in its latest month with a
    figure. With the month it describes (the stock's month, the period's last month for a flow)."""
    series = dict(monthly_series(scope=scope, metric=metric, first=min(months), last=max(months)))
    if not series:
        return None
    if metric in STOCK_METRICS:
        latest = max(series)
        return series[latest], latest
    return sum(series.values()), max(months)


@dataclass(frozen=True)
class Change:
    metric: str
    label: str
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before

    @property
    def percent(self) -> int | None:
        return None if self.before == 0 else round(100 * self.difference / self.before)


def quarter_change(*, scope: Scope, metric: str, quarter: Quarter) -> tuple[Change, dt.date, dt.date] | None:
    """The quarter against the same quarter a year before, or None without figures for both."""
    now = period_figure(scope=scope, metric=metric, months=quarter.months)
    if now is None:
        return None
    months = quarter.year_before().months
    if metric in STOCK_METRICS:  # the level in the same month a year before
        months = [dt.date(now[1].year - 1, now[1].month, 1)]
    then = period_figure(scope=scope, metric=metric, months=months)
    if then is None:
        return None
    return Change(metric, Metric(metric).label, then[0], now[0]), then[1], now[1]


def _platform_name(platform: str) -> str:
    return Platform(platform).label.split(" (")[0]


def headline(*, platform: str, change: Change, when: tuple[dt.date, dt.date], quarter: Quarter) -> str:
    """One sentence in the style of a report to Members."""
    name = _platform_name(platform)
    if change.percent is None:
        return f"{name} {change.label}: {change.after:,} against none a year before."
    size = abs(change.percent)
    if change.metric in STOCK_METRICS:
        verb = "increased" if change.difference >= 0 else "decreased"
        return f"{name} {change.label} {verb} {size}% between {when[0]:%B %Y} and {when[1]:%B %Y}"
    more = "more" if change.difference >= 0 else "fewer"
    before = quarter.year_before()
    return f"{name} {size}% {more} {change.label} in {quarter.label} compared to {before.label}"


def figure_of(metric: str, series: dict[dt.date, int], months: list[dt.date]) -> tuple[int, dt.date] | None:
    """``period_figure`` over figures already read."""
    found = {m: series[m] for m in months if m in series}
    if not found:
        return None
    if metric in STOCK_METRICS:
        latest = max(found)
        return found[latest], latest
    return sum(found.values()), max(months)


def headlines(*, council: Council, quarter: Quarter) -> list[str]:
    """Every platform's measures that have figures for the quarter and the same quarter a year before
    (read in one query: the quarter's and the year before's months, by platform and measure)."""
    before = quarter.year_before()
    rows = PlatformMonthly.objects.filter(council=council, month__in=quarter.months + before.months)
    found: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(dict)
    for platform, metric, month, value in rows.values_list("platform", "metric", "month", "value"):
        found[(platform, metric)][month] = value
    sentences: list[str] = []
    for platform in sorted({p for p, _ in found}):
        for metric in Metric:
            series = found.get((platform, metric.value), {})
            now = figure_of(metric, series, quarter.months)
            if now is None:
                continue
            months = [dt.date(now[1].year - 1, now[1].month, 1)] if metric in STOCK_METRICS else before.months
            then = figure_of(metric, series, months)
            if then is not None:
                change = Change(metric.value, metric.label, then[0], now[0])
                sentences.append(headline(platform=platform, change=change, when=(then[1], now[1]), quarter=quarter))
    return sentences


def metrics_with_figures(council: Council) -> list[str]:
    used = set(LatestMeasure.objects.filter(channel__council=council).values_list("metric", flat=True).distinct())
    return [m.value for m in Metric if m.value in used]


def by_channel(*, scope: Scope, metric: str, months: list[dt.date]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for row in _months(scope, metric).filter(month__in=months).values("channel_id", "value"):
        totals[row["channel_id"]] += row["value"]
    return dict(totals)
