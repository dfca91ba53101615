"""Demo inbox for Riverside: a few hundred past mentions, comments and messages across its accounts and
services, stored through the real pipeline (so they are classified, routed and searchable), then worked
through the same services officers use (assignment, status, notes, tags: all audited)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council, Service
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store, item_assign, item_note_add, item_status_set, item_tag_add

ITEMS = 320
MESSAGES = [
    ("Waste and Recycling", "My green bin wasn't emptied on {street} again, that's the third week running"),
    ("Waste and Recycling", "Thank you to the bin crew on {street}, always cheerful!"),
    ("Waste and Recycling", "When is the garden waste collection restarting?"),
    ("Waste and Recycling", "Ni chafodd y bin ailgylchu ei gasglu ar {street}"),
    ("Highways", "There's a huge pothole on {street}, nearly came off my bike"),
    ("Highways", "The streetlight outside number 12 {street} has been out for a fortnight"),
    ("Highways", "Mae twll mawr yn y ffordd ar {street}"),
    ("Housing", "Our council flat on {street} has damp in the bedroom and the repair keeps being cancelled"),
    ("Housing", "Who do I call about the broken boiler in my council house?"),
    ("Council Tax", "I've paid my council tax but got a reminder letter, can someone check?"),
    ("Council Tax", "How do I apply for the single person discount?"),
    ("Planning", "How do I object to the planning application for the old garage site on {street}?"),
    ("Parking", "I want to appeal a parking ticket from the {street} car park"),
    ("Environmental Health", "Someone has fly tipped a fridge in the lane behind {street}"),
    ("Environmental Health", "The noise from the takeaway on {street} goes on past midnight every night"),
    ("Libraries", "Can I renew my library books online? The website keeps logging me out"),
    ("Leisure", "Is the swimming pool at the leisure centre open on Sunday?"),
    ("Leisure", "Brilliant new gym equipment at the leisure centre, well done Riverside"),
    ("Emergency Planning", "Where can we get sandbags? The river is rising near {street}"),
    ("Communications", "Can the council share our charity fun run on its page?"),
    (None, "Under the Freedom of Information Act please tell me how much the council spent on consultants in 2025"),
    (None, "I'd like a copy of all the personal data the council holds about me (subject access request)"),
]
REPLIES = [
    "Any update on this?",
    "Still waiting, nobody has been in touch",
    "Thanks, that's sorted now",
    "Diolch, mae wedi'i drwsio",
]
STREETS = ["Mill Lane", "Station Road", "Church Street", "Brook Lane", "Bridge Street", "High Street", "Park Avenue"]
AUTHORS = [
    ("@jo_riverside", "Jo Evans"),
    ("@mike.t", "Mike Turner"),
    ("@sianlloyd", "Siân Lloyd"),
    ("@dan_h", "Dan Hughes"),
    ("@riverside_mum", "Amira Khan"),
    ("@oldtownresident", "Peter Grant"),
    ("@lowri_w", "Lowri Williams"),
    ("@bikecommuter", "Sam Burke"),
]
KINDS = {
    "facebook": "comment",
    "instagram": "comment",
    "youtube": "comment",
    "x": "mention",
    "bluesky": "mention",
    "mastodon": "mention",
    "linkedin": "comment",
}
NOTES = [
    "Passed to the crew supervisor",
    "Checked the records: this is a repeat report",
    "Asked the resident for their address by private message",
    "Logged in the service's case system",
]
TAGS = ["repeat report", "praise", "needs site visit", "welsh"]


def _inbound(rng: random.Random, channel: Channel, n: int, when: dt.datetime) -> InboundItem:
    _, text = rng.choice(MESSAGES)
    handle, name = rng.choice(AUTHORS)
    external_id = f"demo-{channel.pk}-{n}"
    return InboundItem(
        external_id=external_id,
        kind=KINDS.get(channel.platform, "mention"),
        author_handle=handle,
        author_name=name,
        text=text.format(street=rng.choice(STREETS)),
        created_at=when,
        url="",
        raw={"id": external_id, "demo": True},
    )


def inbox_demo_load(council: Council) -> None:
    rng = random.Random(10)  # the same demo every time
    channels = list(Channel.objects.filter(council=council).exclude(status=Channel.Status.CLOSED).order_by("pk"))
    if not channels:
        return
    now = timezone.now()
    batches: dict[int, list[InboundItem]] = {c.pk: [] for c in channels}
    earlier: dict[int, list[str]] = {c.pk: [] for c in channels}
    when: dict[str, dt.datetime] = {}
    for n in range(ITEMS):
        channel = rng.choice(channels)
        created = now - dt.timedelta(minutes=int(60 * 24 * 60 * (1 - n / ITEMS)) + rng.randint(0, 50))
        item = _inbound(rng, channel, n, created)
        if earlier[channel.pk] and rng.random() < 0.2:  # a reply in an earlier conversation
            item = replace(
                item,
                kind="reply",
                text=rng.choice(REPLIES),
                in_reply_to_external_id=rng.choice(earlier[channel.pk][-10:]),
            )
        earlier[channel.pk].append(item.external_id)
        batches[channel.pk].append(item)
        when[item.external_id] = created
    for channel in channels:
        inbound_store(channel=channel, items=batches[channel.pk])
    stored = list(ReceivedItem.objects.filter(council=council).order_by("pk"))
    for row in stored:
        row.received_at = when.get(row.external_id, row.received_at) + dt.timedelta(seconds=rng.randint(1, 90))
    ReceivedItem.objects.bulk_update(stored, ["received_at"])
    _work(rng, council, stored, now)


def _work(rng: random.Random, council: Council, items: list[ReceivedItem], now: dt.datetime) -> None:
    """Older items mostly resolved, the last few days' mostly new: as an inbox looks on a weekday morning."""
    officers = list(
        User.objects.filter(memberships__council=council, memberships__role__in=["officer", "comms"])
        .distinct()
        .order_by("pk")
    )
    services = list(Service.objects.filter(council=council).order_by("pk"))
    for item in items:
        age = (now - item.received_at).days
        if age < 2 and rng.random() < 0.7:
            continue
        actor = rng.choice(officers)
        if rng.random() < 0.6:
            item_assign(actor=actor, item=item, person=rng.choice(officers))
        else:
            team = next((s for s in services if s.pk == item.service_id), None) or rng.choice(services)
            item_assign(actor=actor, item=item, service=team)
        if age > 10:
            status = rng.choice(["resolved"] * 6 + ["awaiting_resident"])
        else:
            status = rng.choice(["assigned", "awaiting_reply", "awaiting_resident", "resolved"])
        if status != item.status:
            item_status_set(actor=actor, item=item, status=status)
        if rng.random() < 0.2:
            item_note_add(actor=actor, item=item, text=rng.choice(NOTES))
        if rng.random() < 0.15:
            item_tag_add(actor=actor, item=item, name=rng.choice(TAGS))
