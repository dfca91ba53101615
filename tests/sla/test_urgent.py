"""The urgent queue: safeguarding and threats queued on arrival and the officer on call alerted at once
(with the council's Teams and webhook destinations); the rota picks whoever is on call now."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.alerts.test_delivery import run_jobs
from townsquare.alerts.models import Alert
from townsquare.alerts.services import destination_add
from townsquare.audit.models import AuditEvent
from townsquare.inbox import pipeline
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import OnCallShift, UrgentItem
from townsquare.inbox.services import inbound_store
from townsquare.inbox.urgent import on_call_add, on_call_now, on_call_remove

THREAT = "I am going to kill the bin man, I know where he lives"
DISCLOSURE = "My dad hits me and I am scared to go home"
H = dt.timedelta(hours=1)


def shift(council, person, starts, ends):
    return OnCallShift.objects.create(council=council, person=person, starts_at=starts, ends_at=ends)


def test_the_person_on_call_now_is_found_by_time(riverside, people) -> None:
    now = timezone.now()
    shift(riverside, people.comms, now - 10 * H, now - H)
    shift(riverside, people.officer, now - H, now + H)
    shift(riverside, people.admin, now + H, now + 2 * H)
    assert on_call_now(riverside) == [people.officer]
    assert on_call_now(riverside, now + 90 * dt.timedelta(minutes=1)) == [people.admin]
    assert on_call_now(riverside, now - 5 * H) == [people.comms]
    assert on_call_now(riverside, now + 5 * H) == []
    # Overlapping shifts: both are on call, the later one first.
    shift(riverside, people.comms, now - dt.timedelta(minutes=30), now + H)
    assert on_call_now(riverside) == [people.comms, people.officer]


def test_urgent_items_are_queued_and_the_on_call_officer_alerted(
    riverside, people, accounts, inbound, receiver
) -> None:
    now = timezone.now()
    shift(riverside, people.officer, now - H, now + H)
    destination_add(actor=people.comms, council=riverside, kind="teams", name="Comms", url=receiver.url + "/teams")
    destination_add(
        actor=people.comms,
        council=riverside,
        kind="webhook",
        name="Pager",
        url=receiver.url + "/hook",
        secret="a-long-enough-shared-secret",
    )
    inbound_store(
        channel=accounts.toot, items=[inbound("u1", THREAT), inbound("u2", DISCLOSURE), inbound("n1", "Bins")]
    )
    queued = {u.item.external_id: u for u in UrgentItem.objects.select_related("item")}
    assert set(queued) == {"u1", "u2"}
    assert queued["u2"].reason == "Safeguarding disclosure" and queued["u1"].reason == "Threat"
    assert list(queued["u1"].on_call.all()) == [people.officer]
    alert = queued["u1"].alert
    assert alert.kind == "inbox.urgent" and alert.url == f"/c/riverside/inbox/{queued['u1'].item_id}/"
    assert sorted(d.kind for d in alert.deliveries.all()) == ["email", "teams", "webhook"]
    assert run_jobs() == 6
    assert sorted(m.to[0] for m in mail.outbox) == ["officer@riverside.example"] * 2
    cards = [json.loads(r.body) for r in receiver.received if r.path == "/teams"]
    assert len(cards) == 2
    # What the resident wrote stays in Townsquare.
    bodies = [r.body.decode() for r in receiver.received] + [m.body for m in mail.outbox]
    assert not any("kill" in b or "scared" in b for b in bodies)


def test_with_nobody_on_call_the_communications_team_is_alerted(riverside, people, accounts, inbound) -> None:
    inbound_store(channel=accounts.toot, items=[inbound("u1", THREAT)])
    delivery = Alert.objects.get().deliveries.get()
    assert delivery.email == "comms@riverside.example"


def test_a_failing_alert_flags_the_item_and_never_drops_it(riverside, accounts, inbound, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("alerts are down")

    monkeypatch.setattr(pipeline, "urgent_stage", broken)
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("u1", THREAT)])
    item = ReceivedItem.objects.get(pk=new[0].pk)
    assert item.needs_attention and "Raising urgent alerts failed" in item.processing_error
    assert item.risk == "urgent"  # classified before the failing stage


def test_the_rota_is_kept_by_its_service_audited(riverside, people) -> None:
    now = timezone.now()
    made = on_call_add(actor=people.comms, council=riverside, person=people.officer, starts_at=now, ends_at=now + H)
    assert AuditEvent.objects.filter(action="inbox.on_call_added", object_id=str(made.pk)).exists()
    on_call_remove(actor=people.comms, shift=made)
    assert AuditEvent.objects.filter(action="inbox.on_call_removed").exists() and not OnCallShift.objects.exists()


@pytest.mark.parametrize(
    ("who", "starts", "ends", "message"),
    [
        ("outsider", 0, 1, "does not work"),
        ("councillor", 0, 1, "does not work"),
        ("officer", 1, 0, "end after it starts"),
        ("officer", 0, 24 * 40, "at most 31 days"),
        ("officer", -3, -2, "already ended"),
    ],
)
def test_bad_shifts_are_refused(riverside, people, who, starts, ends, message) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError, match=message):
        on_call_add(
            actor=people.comms,
            council=riverside,
            person=getattr(people, who),
            starts_at=now + starts * H,
            ends_at=now + ends * H,
        )
    assert not OnCallShift.objects.exists()
