"""Writes for triggers: add, pause or resume, delete; each audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.classify.categories import CATEGORIES
from townsquare.classify.models import SENTIMENTS
from townsquare.councils.models import Council, Membership
from townsquare.councils.roles import Role
from townsquare.listening.models import ItemPriority, Trigger

WORKING_ROLES = [Role.ADMIN, Role.COMMS, Role.OFFICER]


def _snapshot(t: Trigger) -> dict[str, Any]:
    return {
        "name": t.name,
        "when": t.when,
        "query": t.query_id,
        "value": t.value,
        "channel": t.channel_id,
        "action": t.action,
        "tag": t.tag,
        "person": t.person_id,
        "team": t.team_id,
        "priority": t.priority,
        "active": t.active,
    }


def _check(t: Trigger) -> None:
    """Each condition needs its subject and each action its object, all the council's own."""
    council_id = t.council_id
    problems: dict[str, bool] = {
        Trigger.When.QUERY: t.query is None or t.query.council_id != council_id,
        Trigger.When.CATEGORY: t.value not in CATEGORIES,
        Trigger.When.SENTIMENT: t.value not in SENTIMENTS,
        Trigger.When.CHANNEL: t.channel is None or t.channel.council_id != council_id,
    }
    if t.when not in problems:
        raise ValidationError("Choose when the trigger acts.")
    if problems[t.when]:
        raise ValidationError(f"Choose the {t.get_when_display().split()[-1].lower()} the trigger listens for.")
    wrong: dict[str, bool] = {
        Trigger.Action.TAG: not t.tag.strip() or len(t.tag) > 50,
        Trigger.Action.ASSIGN_PERSON: t.person is None
        or not Membership.objects.filter(council_id=council_id, user=t.person, role__in=WORKING_ROLES).exists(),
        Trigger.Action.ASSIGN_TEAM: t.team is None or t.team.council_id != council_id,
        Trigger.Action.PRIORITY: t.priority not in ItemPriority.Level.values,
        Trigger.Action.ALERT: False,
    }
    if t.action not in wrong:
        raise ValidationError("Choose what the trigger does.")
    if wrong[t.action]:
        raise ValidationError(f"{t.get_action_display()}: choose which, from this council's own.")
    if Trigger.objects.filter(council_id=council_id, name=t.name).exclude(pk=t.pk).exists():
        raise ValidationError("Another trigger already has this name.")


def trigger_create(*, actor: Any, council: Council, **fields: Any) -> Trigger:
    """A new trigger; ``ValidationError`` (nothing saved) when a part is missing or not the council's."""
    trigger = Trigger(council=council, **fields)
    trigger.name = " ".join(str(trigger.name or "").split())[:200]
    trigger.tag = " ".join(trigger.tag.split()).lower()
    if not trigger.name:
        raise ValidationError("Name the trigger.")
    _check(trigger)
    with transaction.atomic():
        trigger.save()
        audit_record(
            actor=actor, council=council, action="listening.trigger_created", obj=trigger, after=_snapshot(trigger)
        )
    return trigger


def trigger_active_set(*, actor: Any, council: Council, trigger: Trigger, active: bool) -> Trigger:
    with transaction.atomic():
        before = _snapshot(trigger)
        trigger.active = active
        trigger.save(update_fields=["active"])
        audit_record(
            actor=actor,
            council=council,
            action="listening.trigger_updated",
            obj=trigger,
            before=before,
            after=_snapshot(trigger),
        )
    return trigger


def trigger_delete(*, actor: Any, council: Council, trigger: Trigger) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor, council=council, action="listening.trigger_deleted", obj=trigger, before=_snapshot(trigger)
        )
        trigger.delete()
