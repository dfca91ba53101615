"""Writing measures: a platform's snapshot becomes the day's figures, an imported spreadsheet becomes
figures of record, and each write keeps the monthly summary in step (same transaction)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.measures.models import (
    STOCK_METRICS,
    DailyMeasure,
    LatestMeasure,
    Metric,
    MetricSnapshot,
    MonthlyMeasure,
    PlatformMonthly,
    Source,
)
from townsquare.measures.post_reach import post_reach_record
from townsquare.measures.stamps import stamp_raise

DAILY_UNTIL = "townsquare_daily_until"
SNAPSHOT_METRICS = (
    "followers",
    "page_likes",
    "profile_views",
    "impressions",
    "reach",
    "engagements",
    "video_views",
    "watch_time_minutes",
)


@dataclass(frozen=True)
class Figure:
    """One day's figure for one channel's measure, as parsed from any source."""

    channel_id: int
    day: dt.date
    metric: str
    value: int


def _month_refresh(*, channel_id: int, metric: str, month: dt.date) -> None:
    """Recompute one month's summary from its (at most 31) daily figures."""
    days = DailyMeasure.objects.filter(
        channel_id=channel_id, metric=metric, day__gte=month, day__lt=(month + dt.timedelta(days=32)).replace(day=1)
    )
    summary = days.aggregate(last_day=Max("day"), total=Sum("value"))
    if summary["last_day"] is None:
        MonthlyMeasure.objects.filter(channel_id=channel_id, metric=metric, month=month).delete()
        return
    value = days.get(day=summary["last_day"]).value if metric in STOCK_METRICS else int(summary["total"])
    MonthlyMeasure.objects.update_or_create(
        channel_id=channel_id,
        metric=metric,
        month=month,
        defaults={"value": value, "last_day": summary["last_day"], "days": days.count()},
    )


def _platform_month_refresh(*, council_id: int, platform: str, metric: str, month: dt.date) -> None:
    """The platform's month again from its accounts' months (a few dozen rows at most)."""
    total = MonthlyMeasure.objects.filter(
        channel__council_id=council_id, channel__platform=platform, metric=metric, month=month
    ).aggregate(total=Sum("value"))["total"]
    if total is None:
        PlatformMonthly.objects.filter(council_id=council_id, platform=platform, metric=metric, month=month).delete()
        return
    PlatformMonthly.objects.update_or_create(
        council_id=council_id, platform=platform, metric=metric, month=month, defaults={"value": total}
    )


def figures_record(*, figures: Iterable[Figure], source: str = Source.PLATFORM) -> int:
    """Store each figure as the day's figure of record (replacing an earlier one) and refresh the
    monthly summaries they touch; returns how many were stored."""
    touched: set[tuple[int, str, dt.date]] = set()
    stored = 0
    with transaction.atomic():
        for figure in figures:
            DailyMeasure.objects.update_or_create(
                channel_id=figure.channel_id,
                metric=figure.metric,
                day=figure.day,
                defaults={"value": figure.value, "source": source},
            )
            touched.add((figure.channel_id, figure.metric, figure.day.replace(day=1)))
            stored += 1
        for channel_id, metric, month in sorted(touched):
            _month_refresh(channel_id=channel_id, metric=metric, month=month)
        for channel_id, metric in sorted({(c, m) for c, m, _ in touched}):
            _latest_refresh(channel_id=channel_id, metric=metric)
        where = dict(Channel.objects.filter(pk__in={c for c, _, _ in touched}).values_list("pk", "council_id"))
        kinds = dict(Channel.objects.filter(pk__in=where).values_list("pk", "platform"))
        for council_id, platform, metric, month in sorted({(where[c], kinds[c], m, mo) for c, m, mo in touched}):
            _platform_month_refresh(council_id=council_id, platform=platform, metric=metric, month=month)
        stamp_raise(council_ids=where.values())
    return stored


def _latest_refresh(*, channel_id: int, metric: str) -> None:
    latest = DailyMeasure.objects.filter(channel_id=channel_id, metric=metric).order_by("-day").first()
    if latest is None:
        LatestMeasure.objects.filter(channel_id=channel_id, metric=metric).delete()
        return
    LatestMeasure.objects.update_or_create(
        channel_id=channel_id, metric=metric, defaults={"day": latest.day, "value": latest.value}
    )


def summaries_rebuild() -> tuple[int, int]:
    """Every monthly summary and latest figure again from the daily figures, in one ordered pass (for
    figures loaded another way than these services: a restored backup, a bulk load)."""
    monthly: dict[tuple[int, str, dt.date], MonthlyMeasure] = {}
    latest: dict[tuple[int, str], LatestMeasure] = {}
    rows = DailyMeasure.objects.order_by("channel_id", "metric", "day").values_list(
        "channel_id", "metric", "day", "value"
    )
    for channel_id, metric, day, value in rows.iterator(chunk_size=5000):
        key = (channel_id, metric, day.replace(day=1))
        month = monthly.get(key)
        if month is None:
            month = monthly[key] = MonthlyMeasure(channel_id=channel_id, metric=metric, month=key[2], value=0, days=0)
        month.value = value if metric in STOCK_METRICS else month.value + value
        month.last_day, month.days = day, month.days + 1
        latest[(channel_id, metric)] = LatestMeasure(channel_id=channel_id, metric=metric, day=day, value=value)
    with transaction.atomic():
        MonthlyMeasure.objects.all().delete()
        LatestMeasure.objects.all().delete()
        MonthlyMeasure.objects.bulk_create(monthly.values(), batch_size=2000)
        LatestMeasure.objects.bulk_create(latest.values(), batch_size=2000)
        platform_summaries_rebuild()
    return len(monthly), len(latest)


def platform_summaries_rebuild(*, councils: Iterable[int] | None = None) -> int:
    """The platforms' months again from the accounts' months (all councils, or these)."""
    months = MonthlyMeasure.objects.all()
    old = PlatformMonthly.objects.all()
    if councils is not None:
        months = months.filter(channel__council_id__in=list(councils))
        old = old.filter(council_id__in=list(councils))
    rows = months.values("channel__council_id", "channel__platform", "metric", "month").annotate(total=Sum("value"))
    made = [
        PlatformMonthly(
            council_id=row["channel__council_id"],
            platform=row["channel__platform"],
            metric=row["metric"],
            month=row["month"],
            value=row["total"],
        )
        for row in rows
    ]
    with transaction.atomic():
        old.delete()
        PlatformMonthly.objects.bulk_create(made, batch_size=2000)
        stamp_raise(council_ids=Council.objects.values_list("pk", flat=True) if councils is None else councils)
    return len(made)


def snapshot_record(
    *,
    channel: Channel,
    taken_at: dt.datetime,
    figures: dict[str, int | None],
    raw: dict[str, Any],
    daily: Iterable[tuple[dt.date, str, int]] = (),
    daily_until: dt.date | None = None,
) -> MetricSnapshot:
    """Keep a platform's snapshot as it came; its levels (followers, page likes) become the day's
    figures, and ``daily`` (the platform's own figures by day: day, measure, value) the figures of
    those days. A snapshot's flows are totals over the platform's own window (often 28 days), not a
    day's, so they are kept with the snapshot only. ``daily_until``: the last day ``daily`` covers,
    kept with the snapshot so that the next one asks from the day after."""
    if daily_until is not None:
        raw = {**raw, DAILY_UNTIL: daily_until.isoformat()}
    with transaction.atomic():
        snapshot = MetricSnapshot.objects.create(
            channel=channel,
            taken_at=taken_at,
            raw=json.loads(json.dumps(raw, default=str)),
            **{name: figures.get(name) for name in SNAPSHOT_METRICS},
        )
        day = timezone.localtime(taken_at).date()
        made = [Figure(channel.pk, d, name, int(value)) for d, name, value in daily if name in METRIC_NAMES]
        made += [
            Figure(channel.pk, day, name, int(value))
            for name, value in figures.items()
            if name in STOCK_METRICS and value is not None
        ]
        figures_record(figures=made)
        if post_reach_record(channel=channel, raw=snapshot.raw, taken_at=taken_at):
            stamp_raise(council_ids=[channel.council_id])
    return snapshot


def daily_since(*, channel: Channel, history_days: int, today: dt.date) -> dt.date | None:
    """The first day to ask the platform for: the day after the last it gave, or, on the first
    connection, as far back as it keeps (None: it keeps no history)."""
    if history_days <= 0:
        return None
    earlier = MetricSnapshot.objects.filter(channel=channel, raw__has_key=DAILY_UNTIL).order_by("-taken_at").first()
    if earlier is None:
        return today - dt.timedelta(days=history_days)
    return dt.date.fromisoformat(earlier.raw[DAILY_UNTIL]) + dt.timedelta(days=1)


def measures_import(*, actor: Any, council: Council, figures: list[Figure], source_name: str) -> int:
    """Store imported figures all together, audited; the caller has already checked every row."""
    with transaction.atomic():
        stored = figures_record(figures=figures, source=Source.IMPORT)
        channels = sorted({f.channel_id for f in figures})
        audit_record(
            actor=actor,
            council=council,
            action="measures.imported",
            object_type="measures.dailymeasure",
            after={
                "file": source_name,
                "figures": stored,
                "channels": channels,
                "metrics": sorted({f.metric for f in figures}),
                "from": str(min((f.day for f in figures), default="")),
                "to": str(max((f.day for f in figures), default="")),
            },
        )
    return stored


METRIC_NAMES = frozenset(m.value for m in Metric)
