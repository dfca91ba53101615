"""Listening inside the inbox's ingest: matches stored per item, triggers run, a failure flags and keeps."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council, Service
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store
from townsquare.listening import cache, ingest
from townsquare.listening.models import ItemPriority, ListeningAlert, ListeningMatch, Trigger
from townsquare.listening.services import listening_query_save

WHEN = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def said(n: int, text: str) -> InboundItem:
    return InboundItem(
        external_id=f"i{n}", kind="mention", author_handle="@resident", author_name="R", text=text, created_at=WHEN
    )


@pytest.fixture
def queries(riverside: Council, people: SimpleNamespace) -> SimpleNamespace:
    save = listening_query_save
    return SimpleNamespace(
        bins=save(actor=people.comms, council=riverside, name="Bins", text="bin* NEAR/3 missed"),
        roads=save(actor=people.comms, council=riverside, name="Roads", text="pothole*", platforms=["x"]),
    )


def test_each_item_is_matched_as_it_is_ingested_and_the_matches_kept(queries, channel: Channel) -> None:
    inbound_store(
        channel=channel,
        items=[said(1, "My bin was missed again"), said(2, "A pothole and a missed bin"), said(3, "Binding vote")],
    )
    caught = {(m.item.external_id, m.query.name) for m in ListeningMatch.objects.select_related("item", "query")}
    # "Roads" listens on X only: the Facebook pothole is not its.
    assert caught == {("i1", "Bins"), ("i2", "Bins")}
    match = ListeningMatch.objects.get(item__external_id="i1")
    assert match.channel_id == channel.pk and match.at == WHEN and match.council_id == channel.council_id
    assert not ReceivedItem.objects.filter(needs_attention=True).exists()


def test_a_changed_query_is_used_once_built_never_half_built(queries, channel: Channel, people) -> None:
    cache.compiled_for(channel.council_id)
    listening_query_save(actor=people.comms, council=channel.council, query=queries.bins, name="Bins", text="recycl*")
    cache.wait_for_builds()
    inbound_store(channel=channel, items=[said(1, "Recycling day moved")])  # the stale entry starts the build
    cache.wait_for_builds()
    inbound_store(channel=channel, items=[said(2, "Recycling day moved again")])
    assert list(ListeningMatch.objects.values_list("item__external_id", flat=True)) == ["i2"]


def test_a_failing_listening_stage_flags_the_item_and_keeps_it(queries, channel: Channel, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "compiled_for", lambda *a: (_ for _ in ()).throw(RuntimeError("no matcher")))
    inbound_store(channel=channel, items=[said(1, "My bin was missed")])
    item = ReceivedItem.objects.get()
    assert (
        item.needs_attention and "Listening failed" in item.processing_error and "no matcher" in item.processing_error
    )
    assert item.enriched and not ListeningMatch.objects.exists()


def test_triggers_tag_assign_prioritise_and_alert(queries, channel: Channel, riverside: Council, people) -> None:
    team = Service.objects.create(council=riverside, name="Waste")
    Trigger.objects.create(
        council=riverside, name="Tag bins", when="query", query=queries.bins, action="tag", tag="bins"
    )
    Trigger.objects.create(
        council=riverside, name="To waste", when="query", query=queries.bins, action="assign_team", team=team
    )
    Trigger.objects.create(
        council=riverside, name="Urgent", when="channel", channel=channel, action="priority", priority="high"
    )
    Trigger.objects.create(council=riverside, name="Shout", when="query", query=queries.bins, action="alert")
    Trigger.objects.create(
        council=riverside, name="Off", when="channel", channel=channel, action="tag", tag="never", active=False
    )
    inbound_store(channel=channel, items=[said(1, "My bin was missed"), said(2, "Lovely park")])
    first, second = ReceivedItem.objects.get(external_id="i1"), ReceivedItem.objects.get(external_id="i2")
    assert list(first.tags.values_list("name", flat=True)) == ["bins"] and not second.tags.exists()
    assert first.assigned_service == team and first.status == "assigned" and second.assigned_service is None
    assert (
        ItemPriority.objects.get(item=first).level == "high" and ItemPriority.objects.get(item=second).level == "high"
    )
    alert = ListeningAlert.objects.get()
    assert (
        alert.kind == "trigger" and alert.url == f"/c/riverside/inbox/{first.pk}/" and "bin was missed" in alert.summary
    )
    actions = set(AuditEvent.objects.filter(object_id=str(first.pk)).values_list("action", flat=True))
    assert {"inbox.tag_added", "inbox.assigned", "inbox.priority_set"} <= actions


def test_category_and_sentiment_triggers_read_the_classification(riverside: Council) -> None:
    from townsquare.listening.triggers import fires

    row = ReceivedItem(categories=["complaint"], sentiment="negative", channel_id=5)
    assert fires(Trigger(when="category", value="complaint"), row, [])
    assert not fires(Trigger(when="category", value="foi_request"), row, [])
    assert fires(Trigger(when="sentiment", value="negative"), row, [])
    assert not fires(Trigger(when="sentiment", value="positive"), row, [])
    assert fires(Trigger(when="query", query_id=3), row, [3]) and not fires(Trigger(when="query", query_id=3), row, [4])


def test_the_inbox_shows_and_filters_by_what_listening_caught(queries, channel: Channel, people, client_for) -> None:
    inbound_store(channel=channel, items=[said(1, "My bin was missed"), said(2, "Lovely park by the river")])
    caught = ReceivedItem.objects.get(external_id="i1")
    client = client_for(people.comms)
    body = client.get(f"/c/riverside/inbox/?listening={queries.bins.pk}").content.decode()
    assert "My bin was missed" in body and "Lovely park" not in body and "Listening: Bins" in body
    assert "Lovely park" in client.get("/c/riverside/inbox/").content.decode()
    assert "not one the inbox knows" in client.get("/c/riverside/inbox/?listening=abc").content.decode()
    page = client.get(f"/c/riverside/inbox/{caught.pk}/").content.decode()
    assert f'?listening={queries.bins.pk}">Bins</a>' in page


def test_a_failing_trigger_flags_the_item_and_keeps_its_matches(queries, channel: Channel, riverside, people) -> None:
    Trigger.objects.create(
        council=riverside,
        name="To someone gone",
        when="query",
        query=queries.bins,
        action="assign_person",
        person=people.councillor,
    )
    Trigger.objects.create(
        council=riverside, name="Tag bins", when="query", query=queries.bins, action="tag", tag="bins"
    )
    inbound_store(channel=channel, items=[said(1, "My bin was missed")])
    item = ReceivedItem.objects.get()
    assert (
        item.needs_attention and "Trigger “To someone gone” failed: That person does not work" in item.processing_error
    )
    assert item.assignee is None and list(item.tags.values_list("name", flat=True)) == ["bins"]
    assert ListeningMatch.objects.filter(item=item).exists()
