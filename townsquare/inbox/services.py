"""The inbox's writes: storing what the connectors hand over, and working items (assign, status, notes, tags).

Every change an officer makes is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.archive.capture import after_commit, archive_note
from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Membership, Service
from townsquare.councils.roles import Role
from townsquare.inbox import pipeline
from townsquare.inbox.models import ItemNote, ItemTag, ReceivedItem
from townsquare.inbox.service_levels import sla_item_status_changed
from townsquare.inbox.storing import store
from townsquare.measures.inbox_live import inbox_measures_follow, inbox_measures_received_rows

if TYPE_CHECKING:
    from townsquare.accounts.models import User


def inbound_store(*, channel: Channel, items: Sequence[InboundItem]) -> tuple[list[ReceivedItem], int]:
    """Store received items durably (those already stored for the channel are skipped), then normalise,
    index and classify them; returns (the new items, how many were duplicates).

    The items are stored whatever happens next: a later stage that fails leaves them flagged.
    """
    with transaction.atomic():
        new, duplicates = store(channel, items)
        inbox_measures_received_rows(rows=new)
    if new:
        pipeline.process(channel.council, new)
    return new, duplicates


# --- working an item -----------------------------------------------------------------------------------

WORKED_FIELDS = ["status", "assignee_id", "assigned_service_id"]
MAX_NOTE = 5000
MAX_TAG = 50


def _change(actor: User | None, item: ReceivedItem, action: str, before: dict[str, Any], **changes: Any) -> None:
    """Save ``changes`` to the item and audit them, in one transaction (the caller's)."""
    was = item.status
    for name, value in changes.items():
        setattr(item, name, value)
    # A resolved item's updated_at is when it was resolved (the measures count its resolution time from
    # it): work that leaves it resolved, such as assigning it to someone else, does not move it.
    if not (was == ReceivedItem.Status.RESOLVED and item.status == ReceivedItem.Status.RESOLVED):
        item.updated_at = timezone.now()
    item.save(update_fields=[*changes, "updated_at"])
    if "status" in changes:
        sla_item_status_changed(item=item, at=item.updated_at, previous=before.get("status", ""))
    audit_record(
        actor=actor, council=item.council, action=action, obj=item, before=before, after=snapshot(item, list(changes))
    )


def item_assign(
    *, actor: User | None, item: ReceivedItem, person: User | None = None, service: Service | None = None
) -> ReceivedItem:
    """Assign to one person or to a team (a council service), or to no one when both are None.

    The person must hold a working role at the item's council and the service must be the council's;
    a new item becomes "assigned", an assigned one with no one left becomes "new" again.
    """
    if person is not None and service is not None:
        raise ValidationError("Assign the item to a person or to a team, not both.")
    if (
        person is not None
        and not Membership.objects.filter(
            council_id=item.council_id, user=person, role__in=[Role.ADMIN, Role.COMMS, Role.OFFICER]
        ).exists()
    ):
        raise ValidationError("That person does not work this council's inbox.")
    if service is not None and service.council_id != item.council_id:
        raise ValidationError("That team is not one of this council's services.")
    status = item.status
    if (person or service) and status == ReceivedItem.Status.NEW:
        status = ReceivedItem.Status.ASSIGNED
    elif not (person or service) and status == ReceivedItem.Status.ASSIGNED:
        status = ReceivedItem.Status.NEW
    with transaction.atomic(), inbox_measures_follow(item_ids=[item.pk]):
        before = snapshot(item, WORKED_FIELDS)
        _change(actor, item, "inbox.assigned", before, assignee=person, assigned_service=service, status=status)
    return item


def item_status_set(*, actor: User | None, item: ReceivedItem, status: str) -> ReceivedItem:
    if status not in ReceivedItem.Status.values:
        raise ValidationError(f"Status must be one of: {', '.join(ReceivedItem.Status.labels)}.")
    with transaction.atomic(), inbox_measures_follow(item_ids=[item.pk]):
        _change(actor, item, "inbox.status_changed", snapshot(item, ["status"]), status=status)
    return item


def item_note_add(*, actor: User | None, item: ReceivedItem, text: str) -> ItemNote:
    """An internal note (never shown to the resident)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the note before adding it.")
    if len(text) > MAX_NOTE:
        raise ValidationError(f"A note must be at most {MAX_NOTE} characters.")
    with transaction.atomic():
        note = ItemNote.objects.create(item=item, author=actor, text=text)
        after_commit(archive_note, note=note)
        audit_record(
            actor=actor,
            council=item.council,
            action="inbox.note_added",
            obj=item,
            after={"note": note.pk, "text": text},
        )
    return note


def _clean_tag(name: str) -> str:
    name = " ".join((name or "").split()).lower()
    if not name:
        raise ValidationError("Enter a tag.")
    if len(name) > MAX_TAG:
        raise ValidationError(f"A tag must be at most {MAX_TAG} characters.")
    return name


def item_tag_add(*, actor: User | None, item: ReceivedItem, name: str) -> ItemTag:
    name = _clean_tag(name)
    with transaction.atomic():
        tag, created = ItemTag.objects.get_or_create(item=item, name=name)
        if created:
            audit_record(actor=actor, council=item.council, action="inbox.tag_added", obj=item, after={"tag": name})
    return tag


def item_tag_remove(*, actor: User | None, item: ReceivedItem, name: str) -> None:
    name = _clean_tag(name)
    with transaction.atomic():
        if ItemTag.objects.filter(item=item, name=name).delete()[0]:
            audit_record(actor=actor, council=item.council, action="inbox.tag_removed", obj=item, before={"tag": name})
