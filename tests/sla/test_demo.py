"""The demo's working time, targets and rota, and clocks for past items: met, missed and overdue."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.inbox.following import stored_and_followed
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, ServiceTarget, TargetMiss
from townsquare.inbox.services import item_status_set
from townsquare.inbox.sla_demo import sla_demo_load
from townsquare.inbox.urgent import on_call_now


def test_the_demo_sets_service_levels_and_runs_the_clocks(riverside, people, accounts, inbound) -> None:
    now = timezone.now()
    made = [inbound(f"d{n}", "My bin was not collected again", created_at=now) for n in range(40)]
    stored_and_followed(channel=accounts.toot, items=made)
    items = list(ReceivedItem.objects.order_by("pk"))
    for n, item in enumerate(items):
        ReceivedItem.objects.filter(pk=item.pk).update(received_at=now - dt.timedelta(days=n % 20, hours=n))
        if n % 3 == 0:
            item_status_set(actor=people.comms, item=item, status="resolved")
    sla_demo_load(riverside)
    assert ServiceTarget.objects.filter(council=riverside).count() == 5
    states = set(ItemTarget.objects.values_list("state", flat=True))
    assert states == {"met", "missed", "running"}
    assert TargetMiss.objects.exists()
    assert ItemTarget.objects.filter(finished_at__isnull=True, due_at__lte=now).exists()  # overdue now
    assert on_call_now(riverside) != []
