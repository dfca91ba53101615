"""The report's sentences, written from the figures: seed 001's own sentences, reproduced from daily
figures built to match them, on calendar and financial quarters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from townsquare.councils.models import Council
from townsquare.measures.models import MonthlyMeasure
from townsquare.measures.periods import Quarter
from townsquare.measures.selectors import Scope, headlines, monthly_series, quarter_change


def days(first: dt.date, last: dt.date, value: int) -> dict[dt.date, int]:
    return {first + dt.timedelta(days=n): value for n in range((last - first).days + 1)}


def test_page_likes_between_april_and_april_on_a_financial_quarter(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(
        accounts.facebook,
        "page_likes",
        {dt.date(2015, 4, 1): 9000, dt.date(2015, 4, 30): 10000, dt.date(2016, 4, 30): 14600},
    )
    sentences = headlines(council=riverside, quarter=Quarter(2016, 1, financial=True))
    assert "Facebook page likes increased 46% between April 2015 and April 2016" in sentences


def test_profile_views_and_followers_in_a_calendar_quarter(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    # 100 a day in Q1 2015 (90 days), 134 a day in Q1 2016 (91 days, a leap year): 34% more in all.
    record(accounts.x, "profile_views", days(dt.date(2015, 1, 1), dt.date(2015, 3, 31), 100))
    record(
        accounts.x, "profile_views", {**days(dt.date(2016, 1, 1), dt.date(2016, 3, 30), 134), dt.date(2016, 3, 31): 0}
    )
    record(accounts.x, "followers", {dt.date(2015, 3, 31): 5000, dt.date(2016, 3, 31): 6900})
    sentences = headlines(council=riverside, quarter=Quarter.parse("2016Q1"))
    assert "X 34% more profile views in Quarter 1 2016 compared to Quarter 1 2015" in sentences
    assert "X followers increased 38% between March 2015 and March 2016" in sentences


def test_watch_time_and_views_fall_and_rise(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(accounts.youtube, "watch_time_minutes", {dt.date(2015, 2, 1): 1000, dt.date(2016, 2, 1): 1380})
    record(accounts.youtube, "video_views", {dt.date(2015, 2, 1): 500, dt.date(2016, 2, 1): 320})
    sentences = headlines(council=riverside, quarter=Quarter.parse("2016Q1"))
    assert "YouTube 38% more video watch time (minutes) in Quarter 1 2016 compared to Quarter 1 2015" in sentences
    assert "YouTube 36% fewer video views in Quarter 1 2016 compared to Quarter 1 2015" in sentences


def test_no_sentence_without_a_year_before(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 31): 6900})
    assert headlines(council=riverside, quarter=Quarter.parse("2016Q1")) == []
    assert quarter_change(scope=Scope(riverside), metric="followers", quarter=Quarter.parse("2016Q1")) is None


def test_monthly_summary_keeps_the_last_level_of_a_stock_and_the_sum_of_a_flow(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 1, 5): 100, dt.date(2016, 1, 20): 120})
    record(accounts.x, "followers", {dt.date(2016, 1, 10): 110})  # an earlier day arriving late
    record(accounts.x, "impressions", {dt.date(2016, 1, 5): 10, dt.date(2016, 1, 6): 15})
    record(accounts.x, "impressions", {dt.date(2016, 1, 6): 20})  # a corrected day replaces, not adds
    month = MonthlyMeasure.objects.get(channel=accounts.x, metric="followers")
    assert (month.value, month.last_day, month.days) == (120, dt.date(2016, 1, 20), 3)
    assert MonthlyMeasure.objects.get(channel=accounts.x, metric="impressions").value == 30
    record(accounts.facebook, "followers", {dt.date(2016, 1, 31): 1000})
    assert monthly_series(
        scope=Scope(riverside), metric="followers", first=dt.date(2016, 1, 1), last=dt.date(2016, 1, 1)
    ) == [(dt.date(2016, 1, 1), 1120)]
    assert monthly_series(
        scope=Scope(riverside, platform="facebook"),
        metric="followers",
        first=dt.date(2016, 1, 1),
        last=dt.date(2016, 1, 1),
    ) == [(dt.date(2016, 1, 1), 1000)]


def test_quarters_calendar_and_financial() -> None:
    q = Quarter.parse("2016Q1", financial=True)
    assert (q.first_month, q.last_day, q.label) == (dt.date(2016, 4, 1), dt.date(2016, 6, 30), "Quarter 1 2016/17")
    q4 = Quarter.parse("2016q4", financial=True)
    assert (q4.first_month, q4.last_day) == (dt.date(2017, 1, 1), dt.date(2017, 3, 31))
    assert Quarter.parse("2016Q1").months == [dt.date(2016, 1, 1), dt.date(2016, 2, 1), dt.date(2016, 3, 1)]
    for bad in ("2016", "2016Q5", "99999Q1", "1900Q1"):
        try:
            Quarter.parse(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} was accepted")


def test_a_platform_snapshot_becomes_the_days_figures(riverside: Council, accounts: SimpleNamespace) -> None:
    from django.utils import timezone

    from townsquare.measures.services import snapshot_record

    taken = timezone.make_aware(dt.datetime(2016, 3, 31, 12, 0))
    snapshot_record(
        channel=accounts.x,
        taken_at=taken,
        figures={"followers": 6900, "impressions": None},
        raw={"followers_count": 6900},
    )
    assert MonthlyMeasure.objects.get(channel=accounts.x).value == 6900
    assert not MonthlyMeasure.objects.filter(metric="impressions").exists()
