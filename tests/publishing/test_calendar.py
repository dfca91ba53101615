"""The content calendar shows when each post goes out, in every view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone


@pytest.fixture
def at_14_35() -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=3)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 35)))


@pytest.mark.parametrize("view", ["list", "month", "week"])
def test_every_view_shows_the_time(client_for, people, make_post, at_14_35, view):
    make_post(scheduled_for=at_14_35)
    address = reverse("publishing:calendar", kwargs={"slug": "riverside"})
    page = client_for(people.officer).get(address, {"view": view, "date": at_14_35.date().isoformat()})
    body = page.content.decode()
    assert page.status_code == 200
    assert "14:35</time>" in body
    if view == "list":
        assert f"{at_14_35:%a %-d %b} 14:35" in body


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_a_day_at_the_ends_of_the_calendar_shows_this_month(client_for, people, day) -> None:
    client = client_for(people.officer)
    page = client.get("/c/riverside/calendar/", {"view": "week", "date": day})
    this_week = client.get("/c/riverside/calendar/", {"view": "week"})
    assert page.status_code == 200
    assert (page.context["first"], page.context["last"]) == (this_week.context["first"], this_week.context["last"])
