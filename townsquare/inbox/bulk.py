"""Working many items at once (all or nothing), and round-robin assignment within a team."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from townsquare.councils.models import Service
from townsquare.councils.roles import Role
from townsquare.inbox import services
from townsquare.inbox.models import ReceivedItem, TeamRotation
from townsquare.inbox.selectors import assignable_people

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MAX_BULK = 500
ACTIONS = ("assign", "status", "tag")


def team_members(service: Service) -> list[User]:
    """The people who work a team's items: those who work the inbox and are assigned to its channels."""
    from townsquare.accounts.models import User

    return list(
        User.objects.filter(
            assigned_channels__service=service,
            assigned_channels__council_id=service.council_id,
            memberships__council_id=service.council_id,
            memberships__role__in=[Role.ADMIN, Role.COMMS, Role.OFFICER],
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def next_in_team(service: Service) -> User:
    """The team member after the one given the last item (in a fixed order), remembered; call inside a
    transaction: the rotation row is locked so two assignments at once take different people."""
    members = team_members(service)
    if not members:
        raise ValidationError(f"Nobody works {service.name}'s items yet: assign people to its channels first.")
    TeamRotation.objects.get_or_create(service=service)
    rotation = TeamRotation.objects.select_for_update().get(service=service)
    after = [m for m in members if rotation.last_user_id is not None and m.pk > rotation.last_user_id]
    chosen = after[0] if after else members[0]
    rotation.last_user = chosen
    rotation.save(update_fields=["last_user"])
    return chosen


def item_assign_round_robin(*, actor: User | None, item: ReceivedItem, service: Service) -> User:
    """Assign the item to the next person in the team (round robin); returns who."""
    if service.council_id != item.council_id:
        raise ValidationError("That team is not one of this council's services.")
    with transaction.atomic():
        person = next_in_team(service)
        services.item_assign(actor=actor, item=item, person=person)
    return person


def _target(council: Council, value: str) -> tuple[str, object]:
    """What an assignment names: a person, a team, a team's next person in turn, or no one."""
    kind, _, key = value.partition(":")
    if not value:
        return "none", None
    if kind == "person" and key.isdigit():
        person = assignable_people(council).filter(pk=int(key)).first()
        if person is not None:
            return "person", person
    if kind in ("service", "roundrobin") and key.isdigit():
        service = Service.objects.filter(council=council, pk=int(key)).first()
        if service is not None:
            return kind, service
    raise ValidationError("Choose a person or a team of this council to assign the items to.")


def items_bulk(
    *, actor: User, council: Council, items: QuerySet[ReceivedItem], ids: Iterable[str], action: str, value: str
) -> int:
    """Apply one action to every chosen item, or to none: any refusal rolls back the lot, named in the message.

    ``items``: those the person may see; ``ids`` that are not among them refuse the whole action.
    """
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    if not wanted:
        raise ValidationError("Choose at least one item.")
    if len(wanted) > MAX_BULK:
        raise ValidationError(f"Choose at most {MAX_BULK} items at once.")
    if action not in ACTIONS:
        raise ValidationError("Choose what to do with the chosen items.")
    chosen = list(items.filter(pk__in=wanted).select_related("council").order_by("pk"))
    if len(chosen) != len(wanted):
        missing = len(wanted) - len(chosen)
        raise ValidationError(f"{missing} of the chosen items {'is' if missing == 1 else 'are'} not in your inbox.")
    target = _target(council, value) if action == "assign" else ("", None)
    with transaction.atomic():
        for item in chosen:
            try:
                _apply(actor, item, action, value, target)
            except ValidationError as error:
                who = item.author_name or item.author_handle or f"item {item.pk}"
                raise ValidationError(
                    f"Nothing was changed: the item from {who} could not be changed ({' '.join(error.messages)})"
                ) from error
    return len(chosen)


def _apply(actor: User, item: ReceivedItem, action: str, value: str, target: tuple[str, object]) -> None:
    if action == "status":
        services.item_status_set(actor=actor, item=item, status=value)
    elif action == "tag":
        services.item_tag_add(actor=actor, item=item, name=value)
    elif target[0] == "roundrobin":
        item_assign_round_robin(actor=actor, item=item, service=target[1])  # type: ignore[arg-type]
    else:
        services.item_assign(
            actor=actor,
            item=item,
            person=target[1] if target[0] == "person" else None,  # type: ignore[arg-type]
            service=target[1] if target[0] == "service" else None,  # type: ignore[arg-type]
        )
