"""The inbox list at scale: keyset pages (the same far back as at the top, steady while items arrive), a text
search that reads only the index hits its page needs, the count stopped at the cap, the channel filter's
choices without reading every item, and all of it limited to what the person may see."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection

from tests.inbox.test_api import _api
from townsquare.channels.models import Channel
from townsquare.inbox import page_reads, paging
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store

URL = "/c/riverside/inbox/"
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def many(accounts, inbound) -> list[ReceivedItem]:
    """Seven items on the Mastodon account, one on X; two received at the same moment (a tie)."""
    inbound_store(channel=accounts.toot, items=[inbound(f"t{n}", f"Bins on street {n}") for n in range(7)])
    inbound_store(channel=accounts.x, items=[inbound("x1", "Bins on the X street")])
    moments = [T0 + dt.timedelta(minutes=n) for n in (0, 1, 2, 3, 3, 5, 6, 7)]
    found = list(ReceivedItem.objects.order_by("pk"))
    for item, at in zip(found, moments, strict=True):
        ReceivedItem.objects.filter(pk=item.pk).update(received_at=at)
        item.received_at = at
    return found


def _walk(items, *, query: str = "", size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = paging.item_page(items, query=query, cursor=cursor, size=size)
        pages.append([i.pk for i in page.items])
        if not page.older:
            return pages
        cursor = paging.cursor_parse(page.older)


def test_keyset_pages_walk_newest_first_through_ties_and_back(riverside, many) -> None:
    items = ReceivedItem.objects.filter(council=riverside)
    newest = sorted(many, key=lambda i: (i.received_at, i.pk), reverse=True)
    pages = _walk(items, size=3)
    assert [pk for page in pages for pk in page] == [i.pk for i in newest]
    assert [len(p) for p in pages] == [3, 3, 2]
    # From the second page, the newer cursor leads back to exactly the first, which has none newer.
    first = paging.item_page(items, cursor=None, size=3)
    second = paging.item_page(items, cursor=paging.cursor_parse(first.older), size=3)
    back = paging.item_page(items, cursor=paging.cursor_parse(second.newer), size=3)
    assert [i.pk for i in back.items] == [i.pk for i in first.items] and back.newer == "" and first.newer == ""
    # An item arriving meanwhile does not shift the older pages.
    ReceivedItem.objects.filter(pk=newest[-1].pk).update(received_at=T0 + dt.timedelta(days=1))
    again = paging.item_page(items, cursor=paging.cursor_parse(first.older), size=3)
    assert [i.pk for i in again.items] == [i.pk for i in second.items]


def test_a_search_reads_its_hits_a_window_at_a_time_and_only_what_may_be_seen(riverside, accounts, many) -> None:
    items = ReceivedItem.objects.filter(council=riverside)
    toots = items.filter(channel=accounts.toot)  # as a service officer limited to one account sees them
    by_id = sorted((i.pk for i in many), reverse=True)  # a search is newest first by arrival
    assert [pk for page in _walk(items, query="bins", size=3) for pk in page] == by_id
    x_pk = next(i.pk for i in many if i.channel_id == accounts.x.pk)
    assert [pk for page in _walk(toots, query="bins street", size=2) for pk in page] == [p for p in by_id if p != x_pk]
    assert _walk(items, query="pothole", size=3) == [[]]
    if connection.vendor != "sqlite":
        return
    # SQLite reads the index a window at a time: a page's worth first, more only when the filters drop hits.
    with mock.patch.object(paging.search, "hit_ids", wraps=paging.search.hit_ids) as hits:
        paging.item_page(items, query="bins", cursor=None, size=3)
        assert [c.kwargs["limit"] for c in hits.call_args_list] == [4]
        hits.reset_mock()
        oldest = toots.filter(pk__lt=by_id[-2])  # only the oldest hit of eight passes the filters
        assert [i.pk for i in paging.item_page(oldest, query="bins", cursor=None, size=1).items] == [by_id[-1]]
        assert [c.kwargs["limit"] for c in hits.call_args_list] == [2, 8]


def test_the_count_stops_at_the_cap_and_says_there_are_more(riverside, many, people, client_for) -> None:
    cache.clear()
    client = client_for(people.comms)
    assert "8 items." in client.get(URL).content.decode()
    items = ReceivedItem.objects.filter(council=riverside)
    with mock.patch.object(paging, "COUNT_CAP", 3), mock.patch.object(paging, "COUNT_WINDOW", 2):
        assert paging.item_count(items) == (3, True)
        assert paging.item_count(items, query="bins") == (3, True)
        assert paging.item_count(items.filter(external_id="t1"), query="bins") == (1, False)
        body = client.get(URL).content.decode()
        assert "More than 3 items" in body and "8 items." not in body
        # "More than the cap" is kept a minute for the same query; a count under the cap is taken afresh.
        ReceivedItem.objects.filter(council=riverside).exclude(external_id="t1").delete()
        assert paging.item_count(items) == (3, True)
        assert paging.item_count(items, query="bins") == (3, True)
        assert paging.item_count(items.filter(status="new")) == (1, False)
        cache.clear()
        assert paging.item_count(items) == (1, False)


def test_the_page_links_older_and_newer_and_a_bad_cursor_shows_the_newest(many, people, client_for) -> None:
    client = client_for(people.comms)
    with mock.patch("townsquare.inbox.views.PAGE_SIZE", 3):
        first = client.get(URL, {"status": "new"})
        body = first.content.decode()
        assert "Older items" in body and "Newer items" not in body
        older = first.context["page"].older
        body = client.get(URL, {"status": "new", "cursor": older}).content.decode()
        assert "Newer items" in body and "Bins on street 3" in body and "Bins on street 6" not in body
        bad = client.get(URL, {"cursor": "o12.x"})
    assert bad.status_code == 200 and "could not be found" in bad.content.decode()
    assert "Bins on the X street" in bad.content.decode()


def test_the_api_pages_by_cursor_and_refuses_a_bad_one(riverside, many, people) -> None:
    api = _api("comms@riverside.example")
    url = "/api/councils/riverside/inbox/"
    body = api.get(url, {"page_size": 3, "q": "bins"}).json()
    ids = [r["id"] for r in body["results"]]
    while body["next"]:
        body = api.get(body["next"]).json()
        ids += [r["id"] for r in body["results"]]
    assert ids == sorted((i.pk for i in many), reverse=True) and body["previous"]
    refused = api.get(url, {"cursor": "nonsense"})
    assert refused.status_code == 400 and "cursor" in refused.json()["detail"]
    # The officer is limited to the accounts assigned to them: none here, so nothing.
    assert _api("officer@riverside.example").get(url).json()["results"] == []


def test_the_channel_choices_are_the_channels_holding_visible_items(riverside, accounts, inbound) -> None:
    inbound_store(channel=accounts.toot, items=[inbound("t1")])
    inbound_store(channel=accounts.other, items=[inbound("h1")])
    empty = Channel.objects.create(council=riverside, platform="mastodon", name="Empty", handle="@empty")
    choices = page_reads.held_channels(riverside.pk, None)
    assert choices == [(accounts.toot.pk, accounts.toot.name)]
    assert empty.pk not in dict(choices) and accounts.other.pk not in dict(choices)
    # Limited to the person's own accounts: only those of them holding items; none, nothing.
    assert page_reads.held_channels(riverside.pk, [empty.pk, accounts.toot.pk]) == choices
    assert page_reads.held_channels(riverside.pk, [empty.pk]) == []
    assert page_reads.held_channels(riverside.pk, []) == []


def test_the_list_reads_accounts_and_saved_views_as_their_own_reads_do(riverside, accounts, inbound, people) -> None:
    """``list_reads`` (one statement) gives the accounts and saved views ``held_channels`` and ``saved_views_of``
    give, in the same order, for everyone and for someone limited to some accounts or none."""
    from django.utils import timezone

    from townsquare.inbox.models import SavedView

    inbound_store(channel=accounts.toot, items=[inbound("t1")])
    inbound_store(channel=accounts.x, items=[inbound("x1")])
    inbound_store(channel=accounts.other, items=[inbound("h1")])
    for name in ("Zebra", "apple", "Mine"):
        SavedView.objects.create(user=people.officer, council=riverside, name=name, query="status=new")
    SavedView.objects.create(user=people.comms, council=riverside, name="Theirs", query="")
    for channel_ids in (None, [accounts.x.pk], []):
        got = page_reads.list_reads(riverside.pk, channel_ids, user_id=people.officer.pk, now=timezone.now())
        assert got.channels == page_reads.held_channels(riverside.pk, channel_ids)
        assert got.saved_views == page_reads.saved_views_of(people.officer.pk, riverside.pk)
        assert got.stamp and got.flagged == got.urgent == got.overdue == got.unread == 0
    assert len(got.saved_views) == 3 and not got.channels
