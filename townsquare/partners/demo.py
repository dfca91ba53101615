"""Demo data for partner councils: messages sent once to Riverside and Hillcrest, and account reviews.

Made through the partner services as the shared communications officer would, so each council's own
policy checks run on its post and the audit trail records each step.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.demo.publishing import WEEKDAYS
from townsquare.partners.services import channel_review_record, post_group_create, post_group_submit
from townsquare.publishing.selectors import slots_upcoming
from townsquare.publishing.services import slots_add

# (council slug, channel name, days ago) of the reviews the communications officer has recorded.
REVIEWS = [
    ("riverside", "Riverside Council", 40),
    ("riverside", "Riverside Council on X", 40),
    ("riverside", "Riverside Council on Bluesky", 10),
    ("riverside", "Riverside Waste and Recycling", 30),
    ("hillcrest", "Hillcrest Council", 20),
    ("hillcrest", "Hillcrest Council on X", 20),
    ("hillcrest", "Hillcrest Leisure", 25),
]


def _shared_slot(channels: list[Channel], *, after_days: int) -> dt.datetime:
    """The first posting slot all these channels share, at least ``after_days`` from now."""
    earliest = timezone.now() + dt.timedelta(days=after_days)
    return next(m for m in slots_upcoming(channels=channels, count=60) if m >= earliest)


def partners_demo_load(councils: dict[str, Council]) -> None:
    comms = User.objects.get(email="comms@riverside.example")
    riverside, hillcrest = councils["riverside"], councils["hillcrest"]
    corporate = [
        Channel.objects.get(council=riverside, name="Riverside Council"),
        Channel.objects.get(council=hillcrest, name="Hillcrest Council"),
    ]
    # The shared team's lunchtime slot, on both councils' main pages (Riverside has it already).
    slots_add(actor=comms, channel=corporate[1], weekdays=WEEKDAYS, time=dt.time(12, 30))
    opening = post_group_create(
        author=comms,
        title="Christmas and New Year opening hours",
        channels=corporate,
        scheduled_for=_shared_slot(corporate, after_days=3),
        link="https://www.riverside.example/christmas",
        text="Council offices close at 1pm on Christmas Eve and reopen on Friday 2 January. Bins, emergencies "
        "and out-of-hours numbers are on our website.",
    )
    post_group_submit(actor=comms, group=opening, acknowledge_warnings=True)
    post_group_create(
        author=comms,
        title="Cost of living support",
        channels=[*corporate, Channel.objects.get(council=hillcrest, name="Hillcrest Council on X")],
        scheduled_for=_shared_slot(corporate, after_days=6),
        text="Help with energy bills, food and council tax is available this winter. Find out what you can "
        "claim and who to talk to.",
    )
    for slug, name, days in REVIEWS:
        channel = Channel.objects.get(council=councils[slug], name=name)
        channel_review_record(
            actor=comms,
            channel=channel,
            reviewed_on=timezone.localdate() - dt.timedelta(days=days),
            note="Owner, deputy, the digital team's access and two-factor checked.",
        )
