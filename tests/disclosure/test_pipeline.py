"""The inbox opens a request by itself when it classifies an item as an FOI or subject access request;
where opening fails the item is flagged and kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.inbox.following import stored_and_followed
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.disclosure.models import InformationRequest
from townsquare.inbox.models import ReceivedItem


def _item(external_id: str, text: str) -> InboundItem:
    return InboundItem(
        external_id=external_id,
        kind="mention",
        author_handle="@resident",
        author_name="A Resident",
        text=text,
        created_at=timezone.now() - dt.timedelta(hours=1),
    )


def test_detected_requests_open_entries(channel: Channel) -> None:
    stored_and_followed(
        channel=channel,
        items=[
            _item("1", "Under the Freedom of Information Act please send every email about the leisure centre closure"),
            _item("2", "Please send me everything the council holds about me under subject access"),
            _item("3", "My bin was not emptied again"),
        ],
    )
    opened = {r.source_item.external_id: r for r in InformationRequest.objects.select_related("source_item")}
    assert set(opened) == {"1", "2"}
    assert opened["1"].kind == "foi" and opened["2"].kind == "sar"
    assert opened["1"].requester_handle == "@resident" and opened["1"].requester_name == ""
    assert opened["1"].opened_by is None
    assert not ReceivedItem.objects.filter(needs_attention=True).exists()


def test_a_failure_flags_the_item_and_keeps_it(channel: Channel, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("register unavailable")

    monkeypatch.setattr("townsquare.disclosure.services.requests_open_detected", broken)
    stored_and_followed(channel=channel, items=[_item("9", "This is a freedom of information request about parking")])
    item = ReceivedItem.objects.get(external_id="9")
    assert item.needs_attention and "Opening the information request" in item.processing_error
    assert item.enriched and "foi_request" in item.categories
    assert not InformationRequest.objects.exists()


def test_a_batch_of_requests_is_numbered_in_turn_audited_and_opened_once(channel: Channel) -> None:
    from townsquare.audit.models import AuditEvent
    from townsquare.disclosure.services import requests_open_detected

    asked = "Under the Freedom of Information Act please send the minutes of meeting {}"
    new, _ = stored_and_followed(channel=channel, items=[_item(str(n), asked.format(n)) for n in (1, 2, 3)])
    year = timezone.localdate(new[0].created_at).year
    made = InformationRequest.objects.order_by("reference")
    assert [r.reference for r in made] == [f"FOI-{year}-000{n}" for n in (1, 2, 3)]
    assert {r.source_item.external_id for r in made} == {"1", "2", "3"}
    assert all(r.due_on > timezone.localdate(r.received_at) for r in made)
    assert AuditEvent.objects.filter(action="request.open").count() == 3
    again = requests_open_detected(council=channel.council, items=new)
    assert sorted(r.pk for r in again) == sorted(r.pk for r in made) and InformationRequest.objects.count() == 3
