"""Writing and verifying the audit trail.

``audit_record`` must run inside the same transaction as the change it records: if the change
rolls back, so does its event. Events are chained, one chain per council (``townsquare.audit.chain``):
each event's seal is an HMAC, with a key kept outside the database, over every stored field and the
previous event's seal, so editing or deleting any event breaks every seal after it, and nobody
without the key can compute new ones. Deleting the newest events is found by checking against a
chain head exported earlier (``audit_chain_heads``, ``manage.py export_audit_head``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from townsquare.audit.chain import GENESIS, audit_keys, chain_of, newest_key, seal, sealed_fields
from townsquare.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

_job: ContextVar[str] = ContextVar("audit_job", default="")


@contextmanager
def audit_as_job(kind: str) -> Iterator[None]:
    """Within it, every event is the system's, with the job named in its reason, whoever a service was
    told is acting (a background job drafts as a communications officer but is not that person)."""
    token = _job.set(kind)
    try:
        yield
    finally:
        _job.reset(token)


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
    return audit_record_many(
        [
            {
                "actor": actor,
                "council": council,
                "action": action,
                "obj": obj,
                "object_type": object_type,
                "object_id": object_id,
                "before": before,
                "after": after,
                "reason": reason,
            }
        ]
    )[0]


def audit_record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events in order, in the caller's transaction: each chain's head is locked once
    (chains in ascending order, so two writers never wait on each other in a circle) and one insert
    serves them all. Each entry holds ``audit_record``'s arguments."""
    if not entries:
        return []
    key_name, key = newest_key()
    by_chain: dict[int, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        council = entry.get("council")
        by_chain[chain_of(council.pk if council is not None else None)].append(index)
    events: list[AuditEvent | None] = [None] * len(entries)
    with transaction.atomic():
        for chain in sorted(by_chain):
            head = _locked_head(chain)
            seq, prev_hash = head.seq, head.hash
            for index in by_chain[chain]:
                seq += 1
                event = _event(chain=chain, seq=seq, prev_hash=prev_hash, key_name=key_name, key=key, **entries[index])
                prev_hash = event.hash
                events[index] = event
            AuditChainHead.objects.filter(id=chain).update(seq=seq, hash=prev_hash)
        made = [e for e in events if e is not None]
        AuditEvent.objects.bulk_create(made)
    return made


def _locked_head(chain: int) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(id=chain).first()
    if head is None:
        AuditChainHead.objects.get_or_create(id=chain, defaults={"seq": 0, "hash": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(id=chain)
    return head


def _event(
    *,
    chain: int,
    seq: int,
    prev_hash: str,
    key_name: str,
    key: bytes,
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
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if job := _job.get():
        actor, reason = None, f"Background job {job}" + (f": {reason}" if reason else "")
    event = AuditEvent(
        chain=chain,
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
        key_id=key_name,
    )
    # Seal what the database will give back (microsecond timestamps, JSON round trip).
    event.before = json.loads(json.dumps(event.before, default=str))
    event.after = json.loads(json.dumps(event.after, default=str))
    event.hash = seal(key, sealed_fields(event))
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain: int
    seq: int
    message: str


def audit_verify_chain(
    *, chains: list[int] | None = None, heads: dict[int, tuple[int, str]] | None = None, batch_size: int = 2000
) -> tuple[int, list[ChainProblem]]:
    """Check every seal of every chain (or of ``chains``); return the number of events checked and
    what does not match. With ``heads`` (exported earlier), each chain must still hold that event
    with that seal, so events deleted from the newest end since then are found too."""
    keys = audit_keys()
    heads = heads or {}
    wanted = set(chains) if chains is not None else None
    problems: list[ChainProblem] = []
    checked = 0
    stored_heads = {h.id: h for h in AuditChainHead.objects.all()}
    events = AuditEvent.objects.order_by("chain", "seq")
    if wanted is not None:
        events = events.filter(chain__in=wanted)
    chain, prev_hash, expected_seq = -1, GENESIS, 1
    seen: dict[int, tuple[int, str]] = {}

    def close(done: int) -> None:
        if done >= 0:
            seen[done] = (expected_seq - 1, prev_hash)

    for event in events.iterator(chunk_size=batch_size):
        if event.chain != chain:
            close(chain)
            chain, prev_hash, expected_seq = event.chain, GENESIS, 1
        checked += 1
        problems += _check_event(event, keys=keys, prev_hash=prev_hash, expected_seq=expected_seq)
        prev_hash = event.hash
        expected_seq = event.seq + 1
        if chain in heads and heads[chain][0] == event.seq and not hmac.compare_digest(heads[chain][1], event.hash):
            problems.append(ChainProblem(chain, event.seq, "differs from the chain head exported earlier"))
    close(chain)
    for number, head in stored_heads.items():
        if wanted is not None and number not in wanted:
            continue
        if seen.get(number, (0, GENESIS)) != (head.seq, head.hash):
            problems.append(ChainProblem(number, head.seq, "the newest events are missing (chain head does not match)"))
    for number in seen.keys() - stored_heads.keys():
        problems.append(ChainProblem(number, seen[number][0], "the chain's head record is missing"))
    for number, (seq, _) in heads.items():
        if (wanted is None or number in wanted) and seen.get(number, (0, GENESIS))[0] < seq:
            problems.append(
                ChainProblem(
                    number, seq, "the newest events are missing (the chain is shorter than the head exported earlier)"
                )
            )
    return checked, problems


def _check_event(event: AuditEvent, *, keys: dict[str, bytes], prev_hash: str, expected_seq: int) -> list[ChainProblem]:
    found = []
    if event.seq != expected_seq:
        found.append(ChainProblem(event.chain, event.seq, f"event {expected_seq} is missing before {event.seq}"))
    if event.prev_hash != prev_hash:
        found.append(ChainProblem(event.chain, event.seq, "does not follow the event before it (chain broken)"))
    key = keys.get(event.key_id)
    if key is None:
        found.append(ChainProblem(event.chain, event.seq, f"sealed with key {event.key_id!r}, which is not configured"))
    elif event.chain != chain_of(event.council_id) or not hmac.compare_digest(
        seal(key, sealed_fields(event)), event.hash
    ):
        found.append(ChainProblem(event.chain, event.seq, "content does not match its seal (edited)"))
    return found


def audit_chain_heads(*, chains: list[int] | None = None) -> dict[int, tuple[int, str]]:
    """The newest event of each chain (or of ``chains``): its place and seal, to keep outside the database."""
    heads = AuditChainHead.objects.all() if chains is None else AuditChainHead.objects.filter(id__in=chains)
    return {h.id: (h.seq, h.hash) for h in heads.order_by("id")}
