"""Listening fixtures: received items on Riverside's account, and a fresh compiled-set cache per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

# The local peers (mastodon-mock, the Bluesky network) and the loopback webhook receiver, shared with those apps' tests.
from tests.alerts.conftest import receiver  # noqa: F401
from tests.connectors.conftest import bluesky_network, mastodon, mastodon_server  # noqa: F401
from townsquare.channels.models import Channel
from townsquare.listening import cache
from townsquare.listening.selectors import received_item_model


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> Iterator[None]:
    settings.LISTENING_CACHE_SECONDS = 0
    cache.wait_for_builds()
    cache._entries.clear()
    yield
    cache.wait_for_builds()
    cache._entries.clear()


@pytest.fixture
def receive(channel: Channel) -> Callable[..., Any]:
    count = iter(range(1, 10_000))

    def make(text: str, on: Channel | None = None) -> Any:
        where = on or channel
        return received_item_model().objects.create(
            council=where.council,
            channel=where,
            external_id=f"m{next(count)}",
            kind="mention",
            author_handle="resident",
            text=text,
        )

    return make
