"""Demo working time, service levels and on-call rota for Riverside, set through the same services
officers use (all audited), and clocks for the demo's past inbox items as if they had run all along."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.alerts.services import destination_add
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget
from townsquare.inbox.service_levels import clocks_check, clocks_start, sla_item_resolved, sla_item_responded
from townsquare.inbox.sla_settings import closure_day_add, service_target_add, working_time_set
from townsquare.inbox.urgent import on_call_add
from townsquare.inbox.working_time import schedule_for

OFFICE = [(dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 15), dt.time(17))]
FRIDAY = [(dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 15), dt.time(16, 30))]
TARGETS = [  # kind, hours, warn when hours left, category
    ("first_response", "4", "1", ""),
    ("next_response", "8", "2", ""),
    ("resolution", "37", "7", ""),
    ("first_response", "1", "0.5", "safeguarding"),
    ("first_response", "2", "1", "complaint"),
]


def sla_demo_load(council: Council) -> None:
    comms = User.objects.filter(email="comms@riverside.example").first()
    if comms is None:
        return
    rng = random.Random(11)
    working_time_set(
        actor=comms,
        council=council,
        timezone="Europe/London",
        nation="england",
        periods={**dict.fromkeys(range(4), OFFICE), 4: FRIDAY},
    )
    today = timezone.localdate()
    closure = dt.date(today.year, 12, 24) if today <= dt.date(today.year, 12, 24) else dt.date(today.year + 1, 12, 24)
    if closure.weekday() < 5:
        closure_day_add(actor=comms, council=council, day=closure, reason="Council closure day")
    for kind, hours, warn, category in TARGETS:
        service_target_add(actor=comms, council=council, kind=kind, hours=hours, warn_hours=warn, category=category)
    _rota(council, comms)
    destination_add(
        actor=comms, council=council, kind="email", name="Duty officers' mailbox", email="duty@riverside.example"
    )
    _clocks(council, rng)


def _rota(council: Council, comms: User) -> None:
    """A week each, in turn, from last Monday 17:00: the officer, the communications manager."""
    people = [
        p
        for p in User.objects.filter(email__in=["officer@riverside.example", "comms@riverside.example"]).order_by(
            "email"
        )
    ]
    now = timezone.localtime()
    monday = (now - dt.timedelta(days=now.weekday())).replace(hour=17, minute=0, second=0, microsecond=0)
    for week in range(-1, 3):
        starts = monday + dt.timedelta(weeks=week)
        if starts + dt.timedelta(weeks=1) > timezone.now():
            on_call_add(
                actor=comms,
                council=council,
                person=people[week % len(people)],
                starts_at=starts,
                ends_at=starts + dt.timedelta(weeks=1),
            )


def _clocks(council: Council, rng: random.Random) -> None:
    """Clocks from each item's arrival; answered and resolved items stopped at a plausible moment (mostly in
    time, some late), then the scheduled check run once, so the demo has met, missed and overdue clocks."""
    items = list(ReceivedItem.objects.filter(council=council).order_by("received_at", "pk"))
    clocks_start(council, items)
    schedule = schedule_for(council)
    now = timezone.now()
    due = {(c.item_id, c.kind): c.due_at for c in ItemTarget.objects.filter(council=council)}
    for item in items:
        response_due = due.get((item.pk, "first_response")) or due.get((item.pk, "next_response"))
        if item.status not in (ReceivedItem.Status.AWAITING_RESIDENT, ReceivedItem.Status.RESOLVED):
            continue
        if response_due is not None:
            answered = schedule.add(item.received_at, dt.timedelta(minutes=rng.randint(10, 300)))
            sla_item_responded(item=item, at=min(answered, now))
        if item.status == ReceivedItem.Status.RESOLVED:
            resolved = schedule.add(item.received_at, dt.timedelta(hours=rng.randint(2, 45)))
            sla_item_resolved(item=item, at=min(resolved, now))
    clocks_check(now=now, warn=False)
