"""Service-level fixtures: the inbox's accounts and items (from tests/inbox), and a council's targets."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.alerts.conftest import receiver  # noqa: F401 - the loopback webhook receiver
from tests.inbox.conftest import accounts, inbound, services  # noqa: F401 - shared fixtures
from townsquare.councils.models import Council
from townsquare.inbox.service_level_models import ServiceTarget

# Monday 7 December 2026, 10:00 in London (GMT): inside the default working hours.
MONDAY_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def targets(riverside: Council) -> SimpleNamespace:
    return SimpleNamespace(
        first=ServiceTarget.objects.create(council=riverside, kind="first_response", minutes=120, warn_minutes=60),
        next=ServiceTarget.objects.create(council=riverside, kind="next_response", minutes=240, warn_minutes=60),
        resolution=ServiceTarget.objects.create(council=riverside, kind="resolution", minutes=5 * 8 * 60),
    )


class Clock:
    """The time as Django's ``timezone.now`` gives it, set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = MONDAY_10
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, moment: dt.datetime) -> Clock:
        self.now = moment
        return self


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)
