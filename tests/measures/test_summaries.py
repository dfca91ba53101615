"""The summaries the dashboard reads: kept in the same transaction as the daily figures, raising the
council's summary version, and rebuilt to the same rows by ``measures_rebuild``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command
from django.test import Client

from townsquare.councils.models import Council
from townsquare.measures.models import LatestMeasure, MonthlyMeasure, PlatformMonthly
from townsquare.measures.selectors import Scope, monthly_series
from townsquare.measures.stamps import stamp_of
from townsquare.measures.targets import target_set

MARCH, APRIL = dt.date(2016, 3, 1), dt.date(2016, 4, 1)


def _rows() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]], set[tuple[object, ...]]]:
    return (
        set(MonthlyMeasure.objects.values_list("channel_id", "metric", "month", "value", "last_day", "days")),
        set(PlatformMonthly.objects.values_list("council_id", "platform", "metric", "month", "value")),
        set(LatestMeasure.objects.values_list("channel_id", "metric", "day", "value")),
    )


def test_platform_months_and_latest_figures_follow_the_daily_figures(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    second = accounts.x.__class__.objects.create(council=riverside, platform="x", name="Parks", handle="@Parks")
    before = stamp_of(riverside.pk)
    record(accounts.x, "followers", {dt.date(2016, 3, 30): 100, dt.date(2016, 3, 31): 110})
    record(second, "followers", {dt.date(2016, 3, 31): 40, dt.date(2016, 4, 2): 45})
    record(accounts.x, "profile_views", {dt.date(2016, 3, 1): 7, dt.date(2016, 3, 2): 8})
    assert stamp_of(riverside.pk) != before
    assert PlatformMonthly.objects.get(platform="x", metric="followers", month=MARCH).value == 150
    assert PlatformMonthly.objects.get(platform="x", metric="profile_views", month=MARCH).value == 15
    assert LatestMeasure.objects.get(channel=second, metric="followers").day == dt.date(2016, 4, 2)
    # A corrected figure replaces the day's and every summary moves with it.
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 120})
    assert monthly_series(scope=Scope(riverside, platform="x"), metric="followers", first=MARCH, last=APRIL) == [
        (MARCH, 160),
        (APRIL, 45),
    ]
    # One account alone reads the accounts' months, not the platform's.
    assert monthly_series(
        scope=Scope(riverside, channel_id=second.pk), metric="followers", first=MARCH, last=APRIL
    ) == [(MARCH, 40), (APRIL, 45)]


def test_rebuild_makes_the_same_summaries(accounts: SimpleNamespace, record: Callable[..., None]) -> None:
    record(accounts.facebook, "page_likes", {dt.date(2016, 3, 5): 900, dt.date(2016, 4, 9): 950})
    record(accounts.youtube, "video_views", {dt.date(2016, 3, d): d for d in range(1, 20)})
    kept = _rows()
    PlatformMonthly.objects.all().delete()
    LatestMeasure.objects.all().delete()
    MonthlyMeasure.objects.filter(metric="video_views").update(value=0)
    out = StringIO()
    call_command("measures_rebuild", stdout=out)
    assert "Rebuilt 3 monthly figures, 2 latest figures" in out.getvalue()
    assert _rows() == kept


def test_a_new_target_shows_at_once(
    riverside: Council,
    accounts: SimpleNamespace,
    people: SimpleNamespace,
    record: Callable[..., None],
    client_for: Callable[..., Client],
) -> None:
    record(accounts.facebook, "page_likes", {dt.date(2016, 3, 31): 900})
    url = "/c/riverside/measures/?quarter=2016Q1&metric=page_likes"
    assert "None set" in client_for(people.councillor).get(url).content.decode()
    target_set(actor=people.admin, council=riverside, metric="page_likes", platform="", value=1000, tolerance_percent=5)
    assert "1,000 (within 5%)" in client_for(people.councillor).get(url).content.decode()
