"""Five years of daily figures for the demo councils' accounts, written as the platforms would
have reported them (followers growing about a third a year, views rising with the seasons), with
their monthly summaries built in one pass; targets for the dashboard's red, amber and green; and a
quarterly report with the task group's comments."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.db import connection
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.measures.inbox import inbox_summaries_rebuild
from townsquare.measures.models import STOCK_METRICS, LatestMeasure, MonthlyMeasure, Source
from townsquare.measures.periods import Quarter
from townsquare.measures.services import platform_summaries_rebuild
from townsquare.measures.targets import target_set
from townsquare.measures.workflow import commentary_save, report_start, review_comment, review_send

YEARS = 5
# Each platform's measures and the level (stock) or daily figure (flow) five years ago.
PLATFORM_MEASURES: dict[str, dict[str, int]] = {
    "facebook": {"page_likes": 9000, "impressions": 4000},
    "x": {"followers": 5000, "profile_views": 600},
    "youtube": {"followers": 800, "video_views": 150, "watch_time_minutes": 400},
    "instagram": {"followers": 1500},
    "linkedin": {"followers": 1200},
    "bluesky": {"followers": 100},
    "mastodon": {"followers": 60},
    "nextdoor": {"followers": 2000},
}
GROWTH = 0.32  # a year
INSERT_DAILY = "INSERT INTO measures_dailymeasure (channel_id, day, metric, value, source) VALUES (%s, %s, %s, %s, %s)"
# Riverside's targets for a quarter: one met, one nearly met, one missed.
TARGETS = [("page_likes", "", 40000, 10), ("followers", "x", 25000, 10), ("video_views", "", 30000, 5)]


def _days(today: dt.date) -> list[dt.date]:
    first = today - dt.timedelta(days=365 * YEARS)
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


def _series(metric: str, start: int, days: list[dt.date], rng: random.Random) -> list[int]:
    values: list[int] = []
    if metric in STOCK_METRICS:
        level, step = float(start), (1 + GROWTH) ** (1 / 365) - 1
        for _ in days:
            level *= 1 + step * 2 * rng.random()
            values.append(int(level))
        return values
    yearly = 1 + GROWTH
    for n, day in enumerate(days):
        season = 1 + 0.25 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365)
        values.append(int(start * yearly ** (n / 365) * season * (0.6 + 0.8 * rng.random())))
    return values


def _channel_rows(
    channel: Channel, days: list[dt.date], rng: random.Random
) -> tuple[list[Any], list[Any], list[LatestMeasure]]:
    """The channel's daily rows (as tuples for one INSERT), its monthly summaries and latest figures."""
    daily: list[tuple[Any, ...]] = []
    monthly: list[MonthlyMeasure] = []
    latest: list[LatestMeasure] = []
    texts = [day.isoformat() for day in days]
    for metric, start in PLATFORM_MEASURES.get(channel.platform, {}).items():
        values = _series(metric, start, days, rng)
        daily += [
            (channel.pk, text, metric, value, Source.PLATFORM.value) for text, value in zip(texts, values, strict=True)
        ]
        months: dict[dt.date, list[tuple[dt.date, int]]] = {}
        latest.append(LatestMeasure(channel=channel, metric=metric, day=days[-1], value=values[-1]))
        for day, value in zip(days, values, strict=True):
            months.setdefault(day.replace(day=1), []).append((day, value))
        for month, figures in months.items():
            total = figures[-1][1] if metric in STOCK_METRICS else sum(v for _, v in figures)
            monthly.append(
                MonthlyMeasure(
                    channel=channel, month=month, metric=metric, value=total, last_day=figures[-1][0], days=len(figures)
                )
            )
    return daily, monthly, latest


def _report(council: Council, admin: User, councillor: User | None, today: dt.date) -> None:
    this = Quarter(today.year, (today.month - 1) // 3 + 1)
    last = Quarter(this.year - 1, 4) if this.number == 1 else Quarter(this.year, this.number - 1)
    report = report_start(actor=admin, council=council, quarter=last)
    report = commentary_save(
        actor=admin,
        report=report,
        text=(
            "Followers grew on every platform this quarter. Posts about the bin collection changes reached the most "
            "people; the council meeting live streams drew more viewers than a year ago."
        ),
    )
    report = review_send(actor=admin, report=report)
    if councillor is not None:
        review_comment(
            actor=councillor,
            report=report,
            body="Could the next report show how many residents reported issues online?",
        )


def figures_fill(channels: list[Channel], today: dt.date) -> int:
    """Five years of daily figures to ``today`` for each channel, and their monthly summaries."""
    days = _days(today)
    daily: list[tuple[Any, ...]] = []
    monthly: list[MonthlyMeasure] = []
    latest: list[LatestMeasure] = []
    for channel in channels:
        made = _channel_rows(channel, days, random.Random(f"{channel.council_id}/{channel.handle}"))
        daily += made[0]
        monthly += made[1]
        latest += made[2]
    # One prepared INSERT for the daily rows: the ORM's bulk_create costs ten times as much.
    with connection.cursor() as cursor:
        cursor.executemany(INSERT_DAILY, daily)
    MonthlyMeasure.objects.bulk_create(monthly, batch_size=1000)
    LatestMeasure.objects.bulk_create(latest, batch_size=1000)
    platform_summaries_rebuild(councils={channel.council_id for channel in channels})
    return len(daily)


def measures_demo_load(councils: dict[str, Council], admin: User, councillor: User | None) -> None:
    """Daily figures for every open demo account, their monthly summaries, targets and a report."""
    today = timezone.localdate()
    channels = Channel.objects.filter(council__in=councils.values()).exclude(status=Channel.Status.CLOSED)
    figures_fill(list(channels.order_by("pk")), today)
    riverside = councils["riverside"]
    for metric, platform, value, tolerance in TARGETS:
        target_set(
            actor=admin, council=riverside, metric=metric, platform=platform, value=value, tolerance_percent=tolerance
        )
    inbox_summaries_rebuild()  # the inbox's demo items, loaded before the figures
    _report(riverside, admin, councillor, today)
