"""Demo listening for Riverside: queries a comms team keeps, and a few residents' messages from the
last fortnight so that "Try it" has something to catch (the inbox's own demo may add more)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council
from townsquare.inbox.services import inbound_store
from townsquare.listening.models import ListeningQuery
from townsquare.listening.services import listening_query_save
from townsquare.listening.trigger_services import trigger_create

QUERIES = [
    ("Missed bins", 'bin* NEAR/4 missed OR bin* NEAR/4 collected OR "missed collection" OR #binday', ["facebook", "x"]),
    ("Potholes and roads", "pothole* OR (road* AND (repair OR dangerous OR damage))", []),
    ("Library closures", "librar* AND (clos* OR cuts OR hours)", []),
    ("Flooding", 'flood* OR sandbags OR "brook lane" NOT "flood defences opened"', []),
]

MESSAGES = [
    (1, "@RiversideDC my bin wasn't collected again on Tuesday #binday"),
    (2, "Huge pothole on Station Road, nearly came off my bike. Please repair it"),
    (3, "Why is the library closing early on Saturdays now?"),
    (4, "Water coming up through the drains on Brook Lane again, any sandbags?"),
    (6, "Thank you to the crews who fixed the streetlight on Mill Lane"),
    (9, "Green bins missed on Orchard Close, third time this month"),
    (12, "Is the binding agreement for the new leisure centre published?"),
]


def listening_demo_load(council: Council, owner: User) -> None:
    for name, text, platforms in QUERIES:
        listening_query_save(actor=owner, council=council, name=name, text=text, owner=owner, platforms=platforms)
    bins = ListeningQuery.objects.get(council=council, name="Missed bins")
    trigger_create(
        actor=owner, council=council, name="Tag missed bins", when="query", query=bins, action="tag", tag="bins"
    )
    channel = Channel.objects.filter(council=council).order_by("pk").first()
    if channel is None:
        return
    now = timezone.now()
    items = [
        InboundItem(
            external_id=f"demo-listening-{n}",
            kind="mention",
            author_handle=f"@resident{n}",
            author_name=f"Resident {n}",
            text=text,
            created_at=now - dt.timedelta(days=days_ago, hours=n),
        )
        for n, (days_ago, text) in enumerate(MESSAGES)
    ]
    new, _ = inbound_store(channel=channel, items=items)
    for item in new:  # as if received when said, so "Try it" and the spike baseline see a fortnight
        type(item).objects.filter(pk=item.pk).update(received_at=item.created_at)
