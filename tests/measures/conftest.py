"""Measures fixtures: Riverside's accounts on several platforms and a helper to give them figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.measures.services import Figure, figures_record


@pytest.fixture
def accounts(riverside: Council, people: SimpleNamespace) -> SimpleNamespace:
    made = {
        "facebook": Channel.objects.create(
            council=riverside, platform="facebook", name="Riverside Council", handle="RiversideCouncil"
        ),
        "x": Channel.objects.create(council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC"),
        "youtube": Channel.objects.create(
            council=riverside, platform="youtube", name="Riverside TV", handle="RiversideTV"
        ),
    }
    return SimpleNamespace(**made)


@pytest.fixture
def record() -> Callable[..., None]:
    def give(channel: Channel, metric: str, values: dict[dt.date, int]) -> None:
        figures_record(figures=[Figure(channel.pk, day, metric, value) for day, value in values.items()])

    return give
