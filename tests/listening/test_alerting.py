"""Listening's alerts go out through the council's alert channels: a trigger's alert reaches a webhook."""

from __future__ import annotations

import json

from django.core import mail

from tests.alerts.test_delivery import run_jobs
from townsquare.alerts.models import Alert
from townsquare.alerts.services import destination_add
from townsquare.connectors.base import InboundItem
from townsquare.inbox.services import inbound_store
from townsquare.listening.alerting import listening_alert_raise
from townsquare.listening.models import ListeningAlert, Trigger
from townsquare.listening.services import listening_query_save


def test_a_trigger_alert_reaches_the_councils_webhook_and_email(riverside, people, channel, receiver) -> None:
    destination_add(
        actor=people.comms, council=riverside, kind="webhook", name="Pager", url=receiver.url + "/hook", secret="s" * 32
    )
    destination_add(actor=people.comms, council=riverside, kind="email", name="Duty", email="duty@riverside.example")
    query = listening_query_save(actor=people.comms, council=riverside, name="Flooding", text="flood*")
    Trigger.objects.create(council=riverside, name="Flood watch", when="query", query=query, action="alert")
    new, _ = inbound_store(
        channel=channel,
        items=[InboundItem("f1", "mention", "@resident", "R", "Flooding on Brook Lane", created_at=None)],  # type: ignore[arg-type]
    )
    alert = Alert.objects.get()
    assert alert.kind == "listening.trigger" and alert.url == f"/c/riverside/inbox/{new[0].pk}/"
    assert ListeningAlert.objects.get().delivered
    assert run_jobs() == 2
    body = json.loads(receiver.received[0].body)
    assert "Flooding on Brook Lane" in json.dumps(body) and "Flood watch" in json.dumps(body)
    assert mail.outbox[0].to == ["duty@riverside.example"] and "Flood watch" in mail.outbox[0].subject


def test_an_alert_is_raised_once_per_key(riverside) -> None:
    args = {"council": riverside, "kind": "spike", "title": "T", "summary": "S", "url": "/x/", "facts": {"volume": 3}}
    assert listening_alert_raise(key="spike:1:2:2026-12-06T18", **args) is not None
    assert listening_alert_raise(key="spike:1:2:2026-12-06T18", **args) is None
    assert Alert.objects.count() == 1 and Alert.objects.get().facts == [["Volume", "3"]]
