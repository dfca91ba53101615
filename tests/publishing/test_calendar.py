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
