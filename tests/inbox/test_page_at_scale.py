"""The inbox page at scale: counted only up to the cap, and the channel filter's choices without reading every item."""

from __future__ import annotations

from unittest import mock

from townsquare.channels.models import Channel
from townsquare.inbox import selectors
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store

URL = "/c/riverside/inbox/"


def test_the_count_stops_at_the_cap_and_says_there_are_more(accounts, inbound, people, client_for) -> None:
    inbound_store(channel=accounts.toot, items=[inbound(f"t{n}", f"Bins on street {n}") for n in range(4)])
    client = client_for(people.comms)
    assert "4 items." in client.get(URL).content.decode()
    with mock.patch.object(selectors, "COUNT_CAP", 3):
        page = selectors.CappedPaginator(ReceivedItem.objects.order_by("-pk"), 2)
        assert (page.count, page.capped, page.num_pages) == (3, True, 2)
        body = client.get(URL).content.decode()
        assert "More than 3 items" in body and "4 items." not in body
        exact = selectors.CappedPaginator(ReceivedItem.objects.filter(external_id="t1"), 2)
        assert (exact.count, exact.capped) == (1, False)


def test_the_channel_choices_are_the_channels_holding_visible_items(riverside, accounts, inbound) -> None:
    inbound_store(channel=accounts.toot, items=[inbound("t1")])
    inbound_store(channel=accounts.other, items=[inbound("h1")])
    empty = Channel.objects.create(council=riverside, platform="mastodon", name="Empty", handle="@empty")
    visible = ReceivedItem.objects.filter(council=riverside)
    choices = list(selectors.item_channels(riverside, visible))
    assert choices == [(accounts.toot.pk, accounts.toot.name)]
    assert empty.pk not in dict(choices) and accounts.other.pk not in dict(choices)
