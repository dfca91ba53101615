"""Running a council's triggers on newly ingested items: tag, assign to a person or team, set priority, alert.

Each action goes through the inbox's own services (audited there, as the system) or is audited here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.urls import reverse

from townsquare.audit.services import audit_record
from townsquare.councils.models import Council
from townsquare.listening.alerting import listening_alert_raise
from townsquare.listening.models import ItemPriority, Trigger

if TYPE_CHECKING:
    from townsquare.inbox.models import ReceivedItem

log = logging.getLogger(__name__)


def fires(trigger: Trigger, row: ReceivedItem, query_ids: list[int]) -> bool:
    if trigger.when == Trigger.When.QUERY:
        return trigger.query_id in query_ids
    if trigger.when == Trigger.When.CATEGORY:
        return trigger.value in (row.categories or [])
    if trigger.when == Trigger.When.SENTIMENT:
        return bool(trigger.value) and row.sentiment == trigger.value
    return trigger.channel_id == row.channel_id


def _priority_set(trigger: Trigger, row: ReceivedItem) -> None:
    current = ItemPriority.objects.filter(item_id=row.pk).values_list("level", flat=True).first()
    if current == trigger.priority:
        return
    ItemPriority.objects.update_or_create(item_id=row.pk, defaults={"level": trigger.priority})
    audit_record(
        actor=None,
        council=trigger.council,
        action="inbox.priority_set",
        obj=row,
        before={"priority": current},
        after={"priority": trigger.priority},
        reason=f"Trigger “{trigger.name}”",
    )


def _alert(trigger: Trigger, row: ReceivedItem) -> None:
    council = trigger.council
    listening_alert_raise(
        council=council,
        kind="trigger",
        key=f"trigger:{trigger.pk}:item:{row.pk}",
        title=f"{trigger.name}: a message from {row.author_handle or 'someone'}",
        summary=row.text[:500],
        url=reverse("inbox:item", args=[council.slug, row.pk]),
        facts={"trigger": trigger.name, "author": row.author_handle, "channel": row.channel_id},
    )


def act(trigger: Trigger, row: ReceivedItem) -> None:
    from townsquare.inbox import services as inbox  # the inbox's ingest imports this module

    if trigger.action == Trigger.Action.TAG:
        inbox.item_tag_add(actor=None, item=row, name=trigger.tag)
    elif trigger.action == Trigger.Action.ASSIGN_PERSON:
        inbox.item_assign(actor=None, item=row, person=trigger.person)
    elif trigger.action == Trigger.Action.ASSIGN_TEAM:
        inbox.item_assign(actor=None, item=row, service=trigger.team)
    elif trigger.action == Trigger.Action.PRIORITY:
        _priority_set(trigger, row)
    else:
        _alert(trigger, row)


def _by_condition(triggers: list[Trigger]) -> dict[tuple[str, Any], list[Trigger]]:
    """The triggers keyed by what fires them: (when, the query, category, sentiment or channel)."""
    keyed: dict[tuple[str, Any], list[Trigger]] = {}
    for trigger in triggers:
        value: Any = trigger.channel_id
        if trigger.when == Trigger.When.QUERY:
            value = trigger.query_id
        elif trigger.when in (Trigger.When.CATEGORY, Trigger.When.SENTIMENT):
            value = trigger.value or None  # a sentiment trigger with no value fires for nothing
        keyed.setdefault((trigger.when, value), []).append(trigger)
    return keyed


def _firing(keyed: dict[tuple[str, Any], list[Trigger]], row: ReceivedItem, query_ids: list[int]) -> list[Trigger]:
    """The triggers that fire for the item, in the order they were made (the same as ``fires`` on each)."""
    found: list[Trigger] = []
    for q in query_ids:
        found += keyed.get((Trigger.When.QUERY, q), [])
    for category in row.categories or []:
        found += keyed.get((Trigger.When.CATEGORY, category), [])
    if row.sentiment:
        found += keyed.get((Trigger.When.SENTIMENT, row.sentiment), [])
    found += keyed.get((Trigger.When.CHANNEL, row.channel_id), [])
    return sorted(set(found), key=lambda t: t.pk) if len(found) > 1 else found


ANY_ACTIVE = f"SELECT 1 FROM {Trigger._meta.db_table} WHERE council_id = %s AND active LIMIT 1"  # noqa: S608


def _any_active(council_id: int) -> bool:
    """Whether the council has an active trigger: one indexed read, a fortieth of the cost of reading them
    with their people and teams through the ORM, which most batches of most councils would find none of."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(ANY_ACTIVE, [council_id])
        return cursor.fetchone() is not None


def triggers_run(*, council: Council, rows: list[ReceivedItem], caught: dict[int, list[int]]) -> int:
    """Run every active trigger of the council on each item it fires for; returns how many actions ran.

    The council's triggers are read once and keyed by what fires them, so each item looks up only the
    triggers of its own queries, categories, sentiment and channel (not every trigger for every item)."""
    if not _any_active(council.pk):
        return 0
    triggers = list(
        Trigger.objects.filter(council=council, active=True).select_related("council", "person", "team").order_by("pk")
    )
    keyed = _by_condition(triggers)
    ran = 0
    for row in rows:
        for trigger in _firing(keyed, row, caught.get(row.pk, [])):
            try:
                with transaction.atomic():
                    act(trigger, row)
            except (ValidationError, DatabaseError) as error:  # one trigger's failure never undoes the rest
                _flag(row, trigger, error)
                continue
            ran += 1
    return ran


def _flag(row: ReceivedItem, trigger: Trigger, error: Exception) -> None:
    """The item keeps its matches and the other triggers' work; the failure is shown on it for an officer."""
    reason = "; ".join(error.messages) if isinstance(error, ValidationError) else type(error).__name__
    message = f"Trigger “{trigger.name}” failed: {reason}"[:2000]
    log.warning("listening trigger %s failed on item %s: %s", trigger.pk, row.pk, type(error).__name__)
    type(row).objects.filter(pk=row.pk).update(needs_attention=True, processing_error=message)
