"""Inbox fixtures: Riverside's accounts, its services, and a helper that makes received items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council, Service

WHEN = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def services(riverside: Council) -> SimpleNamespace:
    names = {"waste": "Waste and Recycling", "highways": "Highways", "housing": "Housing"}
    return SimpleNamespace(**{k: Service.objects.create(council=riverside, name=v) for k, v in names.items()})


@pytest.fixture
def accounts(riverside: Council, hillcrest: Council, services: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(
        toot=Channel.objects.create(
            council=riverside,
            platform="mastodon",
            name="Riverside on Mastodon",
            handle="@riverside@social.example",
            service=services.waste,
        ),
        x=Channel.objects.create(council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC"),
        other=Channel.objects.create(council=hillcrest, platform="x", name="Hillcrest on X", handle="@HillcrestDC"),
    )


@pytest.fixture
def inbound() -> Callable[..., InboundItem]:
    def make(external_id: str, text: str = "Pothole on Station Road", **kw: object) -> InboundItem:
        values: dict[str, object] = {
            "kind": "mention",
            "author_handle": "@Resident",
            "author_name": "A Resident",
            "created_at": WHEN,
            "raw": {"id": external_id},
        }
        values.update(kw)
        return InboundItem(external_id=external_id, text=text, **values)  # type: ignore[arg-type]

    return make
