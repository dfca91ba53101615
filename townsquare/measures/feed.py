"""A feed of every daily measure for a council's corporate performance system: the filters both
the CSV download and the JSON API take, checked with a clear message for each mistake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from townsquare.channels.models import Platform
from townsquare.councils.models import Council
from townsquare.measures.models import DailyMeasure, Metric

COLUMNS = ["date", "platform", "channel", "channel_id", "metric", "value", "source"]


@dataclass(frozen=True)
class FeedFilters:
    metric: str = ""
    channel: str = ""
    platform: str = ""
    first: dt.date | None = None
    last: dt.date | None = None


def _day(text: str, name: str, errors: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        errors.append(f"{name}: “{text[:20]}” is not a date; write it as 2016-04-01.")
        return None


def filters_parse(params: Mapping[str, str]) -> tuple[FeedFilters, list[str]]:
    """``metric``, ``channel`` (its handle or number), ``platform``, ``from`` and ``to`` (inclusive)."""
    errors: list[str] = []
    metric, platform = params.get("metric", "").strip(), params.get("platform", "").strip()
    if metric and metric not in Metric.values:
        errors.append(f"metric: “{metric[:30]}” is not a measure; use one of {', '.join(Metric.values)}.")
    if platform and platform not in Platform.values:
        errors.append(f"platform: “{platform[:30]}” is not a platform; use one of {', '.join(Platform.values)}.")
    first, last = _day(params.get("from", ""), "from", errors), _day(params.get("to", ""), "to", errors)
    if first and last and first > last:
        errors.append("from: the first day is after the last.")
    return FeedFilters(metric, params.get("channel", "").strip()[:200], platform, first, last), errors


def feed_rows(council: Council, filters: FeedFilters) -> QuerySet[DailyMeasure]:
    rows = DailyMeasure.objects.filter(channel__council=council)
    if filters.metric:
        rows = rows.filter(metric=filters.metric)
    if filters.platform:
        rows = rows.filter(channel__platform=filters.platform)
    if filters.channel:
        by = {"channel_id": int(filters.channel)} if filters.channel.isdigit() else {"channel__handle": filters.channel}
        rows = rows.filter(**by)
    if filters.first:
        rows = rows.filter(day__gte=filters.first)
    if filters.last:
        rows = rows.filter(day__lte=filters.last)
    return rows.select_related("channel").order_by("day", "channel_id", "metric")


def feed_csv_lines(rows: QuerySet[DailyMeasure]) -> Iterator[Sequence[object]]:
    yield COLUMNS
    for row in rows.iterator(chunk_size=2000):
        yield [
            row.day.isoformat(),
            row.channel.platform,
            row.channel.handle,
            row.channel_id,
            row.metric,
            row.value,
            row.source,
        ]
