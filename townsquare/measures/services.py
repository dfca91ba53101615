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
from townsquare.measures.models import STOCK_METRICS, DailyMeasure, Metric, MetricSnapshot, MonthlyMeasure, Source

SNAPSHOT_METRICS = ("followers", "page_likes", "profile_views", "impressions", "reach", "engagements", "video_views",
                    "watch_time_minutes")


@dataclass(frozen=True)
class Figure:
    """One day's figure for one channel's measure, as parsed from any source."""

    channel_id: int
    day: dt.date
    metric: str
    value: int


def _month_refresh(*, channel_id: int, metric: str, month: dt.date) -> None:
    """Recompute one month's summary from its (at most 31) daily figures."""
    days = DailyMeasure.objects.filter(channel_id=channel_id, metric=metric, day__gte=month,
                                       day__lt=(month + dt.timedelta(days=32)).replace(day=1))
    summary = days.aggregate(last_day=Max("day"), total=Sum("value"))
    if summary["last_day"] is None:
        MonthlyMeasure.objects.filter(channel_id=channel_id, metric=metric, month=month).delete()
        return
    value = days.get(day=summary["last_day"]).value if metric in STOCK_METRICS else int(summary["total"])
    MonthlyMeasure.objects.update_or_create(
        channel_id=channel_id, metric=metric, month=month,
        defaults={"value": value, "last_day": summary["last_day"], "days": days.count()},
    )


def figures_record(*, figures: Iterable[Figure], source: str = Source.PLATFORM) -> int:
    """Store each figure as the day's figure of record (replacing an earlier one) and refresh the
    monthly summaries they touch; returns how many were stored."""
    touched: set[tuple[int, str, dt.date]] = set()
    stored = 0
    with transaction.atomic():
        for figure in figures:
            DailyMeasure.objects.update_or_create(
                channel_id=figure.channel_id, metric=figure.metric, day=figure.day,
                defaults={"value": figure.value, "source": source},
            )
            touched.add((figure.channel_id, figure.metric, figure.day.replace(day=1)))
            stored += 1
        for channel_id, metric, month in sorted(touched):
            _month_refresh(channel_id=channel_id, metric=metric, month=month)
    return stored


def snapshot_record(*, channel: Channel, taken_at: dt.datetime, figures: dict[str, int | None],
                    raw: dict[str, Any]) -> MetricSnapshot:
    """Keep a platform's snapshot as it came, and its figures as the day's figures of record."""
    with transaction.atomic():
        snapshot = MetricSnapshot.objects.create(
            channel=channel, taken_at=taken_at, raw=json.loads(json.dumps(raw, default=str)),
            **{name: figures.get(name) for name in SNAPSHOT_METRICS},
        )
        day = timezone.localtime(taken_at).date()
        figures_record(figures=[Figure(channel.pk, day, name, int(value)) for name, value in figures.items()
                                if name in SNAPSHOT_METRICS and value is not None])
    return snapshot


def measures_import(*, actor: Any, council: Council, figures: list[Figure], source_name: str) -> int:
    """Store imported figures all together, audited; the caller has already checked every row."""
    with transaction.atomic():
        stored = figures_record(figures=figures, source=Source.IMPORT)
        channels = sorted({f.channel_id for f in figures})
        audit_record(actor=actor, council=council, action="measures.imported", object_type="measures.dailymeasure",
                     after={"file": source_name, "figures": stored, "channels": channels,
                            "metrics": sorted({f.metric for f in figures}),
                            "from": str(min((f.day for f in figures), default="")),
                            "to": str(max((f.day for f in figures), default=""))})
    return stored


METRIC_NAMES = frozenset(m.value for m in Metric)
