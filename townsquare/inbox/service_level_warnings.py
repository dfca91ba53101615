"""Warning people before a service-level target is missed: the item's assignee, else the people who
look after its account, else the communications team; once per clock."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from townsquare.accounts.models import User
from townsquare.councils.roles import Role
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, TargetKind
from townsquare.inbox.working_time import Schedule, schedule_for
from townsquare.notifications.services import council_team, notify

WARNING_KIND = "inbox.service_level_warning"


def warned_people(item: ReceivedItem) -> list[User]:
    if item.assignee is not None:
        return [item.assignee]
    channel = item.channel
    people = [*channel.assignees.all(), *(p for p in (channel.owner, channel.deputy) if p is not None)]
    return people or council_team(council=item.council, roles=[Role.COMMS])


def warnings_send(*, now: dt.datetime, limit: int = 5000) -> int:
    """Warn about each running clock past its warning time and not yet due; returns how many were warned."""
    from townsquare.inbox.service_levels import clock_view

    due = (
        ItemTarget.objects.filter(
            state=ItemTarget.State.RUNNING,
            finished_at__isnull=True,
            warned_at__isnull=True,
            warn_at__lte=now,
            due_at__gt=now,
        )
        .select_related("council", "item__channel__owner", "item__channel__deputy", "item__assignee", "item__council")
        .order_by("due_at")[:limit]
    )
    schedules: dict[int, Schedule] = {}
    warned = 0
    for clock in due:
        # Conditional: two checks running at once warn once.
        if not ItemTarget.objects.filter(pk=clock.pk, warned_at__isnull=True).update(warned_at=now):
            continue
        schedule = schedules.setdefault(clock.council_id, schedule_for(clock.council))
        view = clock_view(clock, schedule, now)
        item = clock.item
        author = item.author_name or item.author_handle or "a resident"
        notify(
            users=warned_people(item),
            council=clock.council,
            message=f"{TargetKind(clock.kind).label} {view.text}: {author} on {item.channel.name}",
            url=reverse("inbox:item", args=[clock.council.slug, item.pk]),
            kind=WARNING_KIND,
        )
        warned += 1
    return warned
