"""The inbox's monthly summaries follow the inbox in the transaction of each change: an item stored,
classified, answered, resolved or moved to a service, with no job run in between; the repair
rebuild then finds nothing to change."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council, Service
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store, item_assign, item_status_set
from townsquare.measures.engagement import SUMMED, inbox_performance
from townsquare.measures.inbox import inbox_summaries_rebuild
from townsquare.measures.inbox_live import inbox_measures_follow
from townsquare.measures.models import InboxFirstResponse, InboxMonthly
from townsquare.measures.periods import Quarter
from townsquare.measures.selectors import Scope
from townsquare.measures.stamps import stamp_of

START = dt.datetime(2016, 2, 1, 9, tzinfo=dt.UTC)
TEXTS = ["Thank you, the new recycling bins are great", "My bins were missed again, awful", "When is the meeting"]


def _at(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    moment = START + dt.timedelta(hours=hours)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def _rows() -> list[tuple[object, ...]]:
    return sorted(
        (row.channel_id, row.service_key, row.month, *(getattr(row, name) for name in SUMMED))
        for row in InboxMonthly.objects.all()
        if row.received or any(getattr(row, name) for name in SUMMED)
    )


def _store(channel: Channel) -> list[ReceivedItem]:
    items = [
        InboundItem(
            external_id=f"m{n}", kind="mention", author_handle="@sam", author_name="Sam", text=text, created_at=START
        )
        for n, text in enumerate(TEXTS)
    ]
    new, _ = inbound_store(channel=channel, items=items)
    return sorted(new, key=lambda row: row.external_id)


def test_items_are_counted_as_they_are_stored_and_classified(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, riverside: Council
) -> None:
    _at(monkeypatch, 0)
    before = stamp_of(riverside.pk)
    _store(channel)
    figures, _ = inbox_performance(scope=Scope(riverside), quarter=Quarter(2016, 1))
    assert figures.received == 3
    assert figures.positive + figures.neutral + figures.negative == 3  # each classified, none lost
    assert stamp_of(riverside.pk) != before  # the dashboard's kept pages are set aside
    live = _rows()
    inbox_summaries_rebuild()
    assert _rows() == live


def test_an_item_changed_between_storing_and_classifying_is_counted_as_it_is(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, people: SimpleNamespace, riverside: Council
) -> None:
    """The pipeline counts a batch from the rows in hand unless an officer was quicker than it: an item
    answered before it was routed has its answer counted under the service it is routed to."""
    from townsquare.inbox import pipeline

    _at(monkeypatch, 0)
    waste = Service.objects.create(council=riverside, name="Waste")
    enrich = pipeline.enrich

    def routed(council: Council, rows: list[ReceivedItem]) -> None:
        enrich(council, rows)
        for row in rows:
            row.service_id = waste.pk

    monkeypatch.setattr(pipeline, "enrich", routed)
    normalise = pipeline.normalise

    def officer_first(rows: list[ReceivedItem]) -> None:
        for row in rows:
            item_status_set(actor=people.comms, item=ReceivedItem.objects.get(pk=row.pk), status="awaiting_resident")
        normalise(rows)

    monkeypatch.setattr(pipeline, "normalise", officer_first)
    assert any(row.service_id for row in _store(channel))
    live = _rows()
    inbox_summaries_rebuild()
    assert _rows() == live


def test_answers_and_resolutions_count_at_once(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, people: SimpleNamespace, riverside: Council
) -> None:
    _at(monkeypatch, 0)
    quick, slow, _ = _store(channel)
    for hours, item, status in [
        (2, quick, "awaiting_resident"),
        (3, quick, "awaiting_reply"),
        (26, quick, "resolved"),
        (30, slow, "awaiting_resident"),
    ]:
        _at(monkeypatch, hours)
        item_status_set(actor=people.officer, item=item, status=status)
    now, _ = inbox_performance(scope=Scope(riverside), quarter=Quarter(2016, 1))
    assert (now.received, now.responded, now.responded_in_target, now.resolved) == (3, 2, 1, 1)
    assert now.first_response_hours == 16.0  # (2 + 30) / 2: the first answer counts, not the later
    assert now.resolution_hours == 26.0
    _at(monkeypatch, 40)
    item_status_set(actor=people.officer, item=quick, status="awaiting_reply")  # reopened
    now, _ = inbox_performance(scope=Scope(riverside), quarter=Quarter(2016, 1))
    assert (now.responded, now.resolved) == (2, 0)
    live = _rows()
    inbox_summaries_rebuild()  # from the items and the audit trail: the same months
    assert _rows() == live


def test_assigning_a_resolved_item_keeps_its_resolution_time(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, people: SimpleNamespace, riverside: Council
) -> None:
    _at(monkeypatch, 0)
    item = _store(channel)[0]
    _at(monkeypatch, 5)
    item_status_set(actor=people.officer, item=item, status="resolved")
    _at(monkeypatch, 50)
    item_assign(actor=people.comms, item=item, person=people.officer)
    stored = ReceivedItem.objects.get(pk=item.pk)
    assert stored.status == "resolved" and stored.updated_at == START + dt.timedelta(hours=5)
    now, _ = inbox_performance(scope=Scope(riverside), quarter=Quarter(2016, 1))
    assert (now.resolved, now.resolution_hours) == (1, 5.0)
    live = _rows()
    inbox_summaries_rebuild()
    assert _rows() == live


def test_an_item_routed_to_a_service_moves_to_its_row(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, people: SimpleNamespace, riverside: Council
) -> None:
    _at(monkeypatch, 0)
    item = _store(channel)[0]
    waste = Service.objects.create(council=riverside, name="Waste")
    ReceivedItem.objects.filter(pk=item.pk).update(service=None)
    with inbox_measures_follow(item_ids=[item.pk]):
        ReceivedItem.objects.filter(pk=item.pk).update(service=waste)
    item_assign(actor=people.comms, item=item, service=waste)
    by_service, _ = inbox_performance(scope=Scope(riverside, service_id=waste.pk), quarter=Quarter(2016, 1))
    assert by_service.received == 1


def test_a_change_rolled_back_leaves_the_months_as_they_were(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, riverside: Council
) -> None:
    _at(monkeypatch, 0)
    item = _store(channel)[0]
    live = _rows()
    with pytest.raises(RuntimeError), transaction.atomic(), inbox_measures_follow(item_ids=[item.pk]):
        ReceivedItem.objects.filter(pk=item.pk).update(status=ReceivedItem.Status.RESOLVED)
        raise RuntimeError("the change failed")
    assert _rows() == live
    assert not InboxFirstResponse.objects.exists()


def test_items_routed_at_ingest_over_two_months_move_rows_as_the_rebuild_counts_them(
    monkeypatch: pytest.MonkeyPatch, channel: Channel, riverside: Council
) -> None:
    waste = Service.objects.create(council=riverside, name="Waste and Recycling")
    Service.objects.create(council=riverside, name="Highways")
    texts = ["My bin wasn't collected again", "Pothole on Station Road", "When is the meeting", *TEXTS]
    for hours, prefix in ((0, "a"), (24 * 40, "b")):  # February, then March
        _at(monkeypatch, hours)
        inbound_store(
            channel=channel,
            items=[
                InboundItem(
                    external_id=f"{prefix}{n}",
                    kind="mention",
                    author_handle="@sam",
                    author_name="Sam",
                    text=text,
                    created_at=START + dt.timedelta(hours=hours),
                )
                for n, text in enumerate(texts)
            ],
        )
    assert ReceivedItem.objects.filter(service=waste).count() >= 2  # moved from the unrouted row
    live = _rows()
    assert {(service_key, month.month) for _, service_key, month, *_ in live} >= {(0, 2), (waste.pk, 2), (waste.pk, 3)}
    assert not InboxMonthly.objects.filter(received__lt=0).exists()
    inbox_summaries_rebuild()
    assert _rows() == live
