"""The urgent queue and the on-call rota.

An item classified as urgent (a safeguarding disclosure or a threat) or as abuse or a threat goes to the
urgent queue as it arrives, and the officer on call now is alerted at once through ``alerts_raise``
(their email, plus the council's Teams and webhook destinations). With nobody on call, the
communications team is emailed instead, so an urgent item never alerts no one.

The alert names the account, the time and why it is urgent, never what the resident wrote: it
leaves Townsquare (a Teams channel, a mailbox) where the council's access rules do not follow it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from townsquare import sqlrows
from townsquare.alerts.services import AlertSpec, alerts_raise
from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Membership
from townsquare.councils.roles import Role
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.selectors import items_visible_to
from townsquare.inbox.service_level_models import OnCallShift, UrgentItem
from townsquare.notifications.services import council_team

if TYPE_CHECKING:
    from townsquare.accounts.models import User

URGENT_ALERT = "inbox.urgent"
WORKING_ROLES = (Role.ADMIN, Role.COMMS, Role.OFFICER)
MAX_SHIFT = dt.timedelta(days=31)


def urgent_reason(item: ReceivedItem) -> str:
    """Why the item is urgent, in plain words; "" when it is not."""
    categories = set(item.categories or [])
    if "safeguarding" in categories and item.risk == "urgent":
        return "Safeguarding disclosure"
    if "abuse_threat" in categories and item.risk == "urgent":
        return "Threat"
    if item.risk == "urgent":
        return "Classified as urgent"
    if "abuse_threat" in categories:
        return "Abuse or threat"
    return ""


def on_call_now(council: Council, at: dt.datetime | None = None) -> list[User]:
    """Everyone on call at ``at`` (now by default), the latest shift to start first."""
    at = at or timezone.now()
    shifts = OnCallShift.objects.filter(council=council, starts_at__lte=at, ends_at__gt=at, person__is_active=True)
    people: dict[int, User] = {}
    for shift in shifts.select_related("person").order_by("-starts_at", "pk"):
        people.setdefault(shift.person_id, shift.person)
    return list(people.values())


def urgent_stage(council: Council, rows: Sequence[ReceivedItem]) -> int:
    """The pipeline's stage after classification: queue the urgent items and alert; returns how many.

    Most batches hold no urgent item and cost one pass in Python. Those that do read the rota, the
    recipients and the account names once, and write the alerts (``alerts_raise``), the queue entries
    and whom each alerted in one insert each, whatever the number of urgent items."""
    found = [(row, reason) for row in rows if (reason := urgent_reason(row))]
    if not found:
        return 0
    queued = {pk for (pk,) in sqlrows.rows_among(UrgentItem, "item_id", "item_id", [r.id for r, _ in found])}
    found = [(row, reason) for row, reason in found if row.id not in queued]
    if not found:
        return 0
    now = timezone.now()
    on_call = on_call_now(council, now)
    recipients = on_call or council_team(council=council, roles=[Role.COMMS])
    names = dict(sqlrows.rows_among(Channel, "id, name", "id", sorted({r.channel_id for r, _ in found})))
    who = ", ".join(p.full_name or p.email for p in on_call) or "Nobody: the communications team"
    specs = []
    summary = "A {} needing urgent attention has arrived. Open it in Townsquare to act."
    # A batch arrives at one moment and its items' pages differ only by id: each worked out once.
    page = reverse("inbox:item", args=[council.slug, 0]).removesuffix("0/")
    received: dict[dt.datetime, str] = {}
    for row, reason in found:
        account = names.get(row.channel_id, "an account")
        at = row.received_at or now
        if at not in received:
            received[at] = timezone.localtime(at).strftime("%d %b %Y %H:%M")
        specs.append(
            AlertSpec(
                kind=URGENT_ALERT,
                title=f"Urgent: {reason.lower()} on {account}",
                summary=summary.format(row.kind or "message"),
                url=f"{page}{row.pk}/",
                facts=[
                    ("Why", reason),
                    ("Account", account),
                    ("Received", received[at]),
                    ("On call", who),
                ],
            )
        )
    alerts = alerts_raise(council=council, alerts=specs, recipients=recipients)
    made = sqlrows.create(
        [
            sqlrows.instance(
                UrgentItem,
                {"item_id": row.pk, "council_id": council.pk, "reason": reason, "raised_at": now, "alert_id": alert.pk},
            )
            for (row, reason), alert in zip(found, alerts, strict=True)
        ]
    )
    if on_call:
        through = UrgentItem.on_call.through
        sqlrows.create(
            [
                sqlrows.instance(through, {"urgentitem_id": urgent.pk, "user_id": person.pk})
                for urgent in made
                for person in on_call
            ]
        )
    return len(found)


def urgent_queue(*, user: Any, council: Council, perms: frozenset[str]) -> QuerySet[UrgentItem]:
    """The urgent items the person may see: open ones first, newest first."""
    visible = items_visible_to(user=user, council=council, perms=perms)
    return (
        UrgentItem.objects.filter(council=council, item__in=visible)
        .select_related("item__channel", "item__assignee", "item__assigned_service")
        .annotate(
            done=Case(
                When(item__status=ReceivedItem.Status.RESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "-raised_at", "-pk")
    )


# --- the rota ----------------------------------------------------------------------------------------------


def on_call_add(
    *, actor: User, council: Council, person: User, starts_at: dt.datetime, ends_at: dt.datetime
) -> OnCallShift:
    """Put a person on call from ``starts_at`` to ``ends_at`` (at most a month); audited."""
    if not Membership.objects.filter(council=council, user=person, role__in=WORKING_ROLES).exists():
        raise ValidationError("That person does not work this council's inbox.")
    if ends_at <= starts_at:
        raise ValidationError("The shift must end after it starts.")
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError("A shift can be at most 31 days long.")
    if ends_at <= timezone.now():
        raise ValidationError("The shift has already ended.")
    with transaction.atomic():
        shift = OnCallShift.objects.create(
            council=council, person=person, starts_at=starts_at, ends_at=ends_at, created_by=actor
        )
        audit_record(
            actor=actor,
            council=council,
            action="inbox.on_call_added",
            obj=shift,
            after={"person": person.pk, "starts_at": starts_at, "ends_at": ends_at},
        )
    return shift


def on_call_remove(*, actor: User, shift: OnCallShift) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=shift.council,
            action="inbox.on_call_removed",
            obj=shift,
            before={"person": shift.person_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at},
        )
        shift.delete()
