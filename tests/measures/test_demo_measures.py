"""The demo's five years of figures: summaries that agree with the daily rows, a dashboard with
data, targets and a report under review."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Sum
from django.test import Client

from townsquare.accounts.models import User
from townsquare.inbox.models import ReceivedItem
from townsquare.measures.models import DailyMeasure, InboxMonthly, MeasureTarget, MembersReport, MonthlyMeasure


def test_demo_has_five_years_of_figures_and_a_report(demo_loaded: None, client_for: Callable[[User], Client]) -> None:
    days = DailyMeasure.objects.filter(
        channel__handle="RiversideDC", channel__platform="facebook", metric="impressions"
    )
    assert days.count() >= 365 * 5
    month = MonthlyMeasure.objects.filter(
        channel__handle="RiversideDC", channel__platform="facebook", metric="impressions"
    ).order_by("month")[10]
    in_month = days.filter(day__year=month.month.year, day__month=month.month.month)
    assert month.value == in_month.aggregate(total=Sum("value"))["total"] and month.days == in_month.count()
    assert MeasureTarget.objects.count() == 3
    # The demo's inbox items are in the inbox's monthly summaries.
    assert sum(InboxMonthly.objects.values_list("received", flat=True)) == ReceivedItem.objects.count() > 0
    report = MembersReport.objects.get()
    assert report.state == "in_review" and report.comments.count() == 1
    councillor = User.objects.get(email="councillor@riverside.example")
    body = client_for(councillor).get("/c/riverside/measures/", {"compare": "year"}).content.decode()
    assert "No figures yet" not in body and "Access to the accounts" in body and "govuk-tag--" in body
