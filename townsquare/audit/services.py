"""Writing and verifying the audit trail.

``audit_record`` must run inside the same transaction as the change it records: if the change
rolls back, so does its event. Events are chained: each hash covers the event's content and the
previous event's hash, so editing or deleting any event breaks every hash after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from townsquare.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited fields of a record, as JSON-ready values (foreign keys as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def event_digest(*, seq: int, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        {"seq": seq, "prev": prev_hash, **fields}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "council": event.council_id,
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def audit_record(
    *,
    actor: User | None,
    council: Council | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    return audit_record_many([{"actor": actor, "council": council, "action": action, "obj": obj,
                               "object_type": object_type, "object_id": object_id, "before": before,
                               "after": after, "reason": reason}])[0]


def audit_record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events to the chain in order, in the caller's transaction: one lock of the head
    and one insert for them all. Each entry holds ``audit_record``'s arguments."""
    if not entries:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq, prev_hash = head.seq, head.hash
        events = []
        for entry in entries:
            seq += 1
            event = _event(seq=seq, prev_hash=prev_hash, **entry)
            prev_hash = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev_hash)
    return events


def _event(*, seq: int, prev_hash: str, actor: User | None, council: Council | None, action: str,
           obj: models.Model | None = None, object_type: str = "", object_id: str = "",
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, reason: str = "") -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        seq=seq,
        created_at=timezone.now(),
        council=council,
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=str(obj)[:300] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        prev_hash=prev_hash,
    )
    # Hash what the database will give back (microsecond timestamps, JSON round trip).
    event.before = json.loads(json.dumps(event.before, default=str))
    event.after = json.loads(json.dumps(event.after, default=str))
    event.hash = event_digest(seq=event.seq, prev_hash=event.prev_hash, fields=_hashed_fields(event))
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def audit_verify_chain(*, batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Recompute every hash; return the number of events checked and what does not match."""
    problems: list[ChainProblem] = []
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        checked += 1
        if event.seq != expected_seq:
            problems.append(ChainProblem(event.seq, f"event {expected_seq} is missing before {event.seq}"))
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.seq, "does not follow the event before it (chain broken)"))
        digest = event_digest(seq=event.seq, prev_hash=event.prev_hash, fields=_hashed_fields(event))
        if digest != event.hash:
            problems.append(ChainProblem(event.seq, "content does not match its hash (edited)"))
        prev_hash = event.hash
        expected_seq = event.seq + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(ChainProblem(head.seq, "the newest events are missing (chain head does not match)"))
    return checked, problems
