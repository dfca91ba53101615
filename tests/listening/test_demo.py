from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.listening.demo import listening_demo_load
from townsquare.listening.models import ListeningQuery
from townsquare.listening.selectors import listening_match


def test_demo_queries_catch_demo_messages_and_the_pages_show_them(
    riverside: Council, people: SimpleNamespace, channel: Channel, client_for: Callable[..., Client]
) -> None:
    listening_demo_load(riverside, people.admin)
    assert ListeningQuery.objects.filter(council=riverside).count() == 4
    bins = ListeningQuery.objects.get(name="Missed bins")
    assert listening_match(riverside.pk, ["Green bins missed on Orchard Close", "binding agreement"]) == [[bins.pk], []]
    client = client_for(people.comms)
    body = client.get("/c/riverside/listening/").content.decode()
    assert "Missed bins" in body and 'aria-current="page">Listening</a>' in body
    page = client.post(f"/c/riverside/listening/{bins.pk}/", {"name": bins.name, "query": bins.query, "try": "1"})
    body = page.content.decode()
    assert "2 of 7 messages received in the last 30 days" in body and "Orchard Close" in body
    assert "binding agreement" not in body
