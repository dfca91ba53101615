from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.inbox.models import ItemTag
from townsquare.listening.demo import listening_demo_load
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.listening.selectors import listening_match


def test_demo_queries_catch_demo_messages_and_the_pages_show_them(
    riverside: Council, people: SimpleNamespace, channel: Channel, client_for: Callable[..., Client]
) -> None:
    listening_demo_load(riverside, people.admin)
    assert ListeningQuery.objects.filter(council=riverside).count() == 4
    caught = ListeningMatch.objects.filter(query__name="Missed bins").values_list("item__text", flat=True)
    assert sorted(caught) == [
        "@RiversideDC my bin wasn't collected again on Tuesday #binday",
        "Green bins missed on Orchard Close, third time this month",
    ]
    assert sorted(ItemTag.objects.filter(name="bins").values_list("item__text", flat=True)) == sorted(caught)
    bins = ListeningQuery.objects.get(name="Missed bins")
    assert listening_match(riverside.pk, ["Green bins missed on Orchard Close", "binding agreement"]) == [[bins.pk], []]
    client = client_for(people.comms)
    body = client.get("/c/riverside/listening/").content.decode()
    assert "Missed bins" in body and 'aria-current="page">Listening</a>' in body
    page = client.post(f"/c/riverside/listening/{bins.pk}/", {"name": bins.name, "query": bins.query, "try": "1"})
    body = page.content.decode()
    assert "2 of 7 messages received in the last 30 days" in body and "Orchard Close" in body
    assert "binding agreement" not in body


def test_spike_and_search_jobs_are_scheduled() -> None:
    from townsquare.jobs.registry import resolve
    from townsquare.jobs.schedule import PERIODIC

    assert PERIODIC["listening.spikes"] == 600 and PERIODIC["listening.search"] == 300
    assert resolve("listening.spikes").__name__ == "spikes_job" and resolve("listening.search").__name__ == "search_job"
