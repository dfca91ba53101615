"""Sealing archive versions: one keyed hash chain per council, as the audit trail is sealed.

Each version's seal is an HMAC (the audit keys, ``townsquare.audit.chain``) over every stored field
of the version, the identity of its record, and the seal before it; so changing a version's text,
its record's author or time, or removing a version, breaks the chain from there on. A version
removed by disposal leaves its seal as a tombstone, and the chain runs on through it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F

from townsquare import sqlrows
from townsquare.archive.models import ArchiveChainHead, ArchiveRecord, ArchiveTombstone, ArchiveVersion
from townsquare.audit.chain import GENESIS, audit_keys, newest_key, seal


def content_hash(text: str, metadata: dict[str, Any]) -> str:
    """SHA-256 of a version's content, stable across databases (sorted keys, no spaces)."""
    payload = json.dumps({"text": text, "metadata": metadata}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _when(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def sealed_fields(version: ArchiveVersion, record: ArchiveRecord) -> dict[str, Any]:
    """What a seal covers: the version as stored and its record's identity (not its summary columns)."""
    return {
        "council": version.council_id,
        "seq": version.seq,
        "prev": version.prev_hash,
        "key_id": version.key_id,
        "record": record.pk,
        "n": version.n,
        "event": version.event,
        "text": version.text,
        "metadata": version.metadata,
        "captured_at": _when(version.captured_at),
        "content_hash": version.content_hash,
        "kind": record.kind,
        "source": record.source,
        "channel": record.channel_id,
        "platform": record.platform,
        "external_id": record.external_id,
        "url": record.url,
        "author": record.author,
        "thread_key": record.thread_key,
        "occurred_at": _when(record.occurred_at),
    }


def append(versions: list[tuple[ArchiveRecord, ArchiveVersion]]) -> list[ArchiveVersion]:
    """Seal and insert versions (their seq, seals and key filled in here), in the caller's transaction:
    each council's head is locked once, councils in ascending order, and one insert serves all."""
    if not versions:
        return []
    key_name, key = newest_key()
    by_council: dict[int, list[tuple[ArchiveRecord, ArchiveVersion]]] = {}
    for record, version in versions:
        version.council_id = record.council_id
        version.record = record
        # Seal what the database gives back: a JSON round trip, microsecond times.
        version.metadata = json.loads(json.dumps(version.metadata, default=str))
        by_council.setdefault(record.council_id, []).append((record, version))
    with transaction.atomic():
        for council_id in sorted(by_council):
            ArchiveChainHead.objects.get_or_create(id=council_id)
            head = ArchiveChainHead.objects.select_for_update().get(id=council_id)
            seq, prev = head.seq, head.hash
            for record, version in by_council[council_id]:
                seq += 1
                version.seq, version.prev_hash, version.key_id = seq, prev, key_name
                version.hash = seal(key, sealed_fields(version, record))
                prev = version.hash
            ArchiveChainHead.objects.filter(id=council_id).update(seq=seq, hash=prev)
        made = [v for _, v in versions]
        sqlrows.insert_instances(made, key="seq", scope="council_id")  # no model instance built again a row
    return made


@dataclass(frozen=True)
class ChainProblem:
    council_id: int
    seq: int
    message: str


def verify(*, council_ids: list[int] | None = None, batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Check every seal of every council's archive chain (or of ``council_ids``); return how many
    versions were checked and what does not match."""
    keys = audit_keys()
    heads = {h.id: h for h in ArchiveChainHead.objects.all()}
    wanted = set(council_ids) if council_ids is not None else set(heads)
    problems: list[ChainProblem] = []
    checked = 0
    for council_id in sorted(wanted):
        tombs = dict(ArchiveTombstone.objects.filter(council_id=council_id).values_list("seq", "hash"))
        expected_seq, prev = 0, GENESIS
        versions = ArchiveVersion.objects.filter(council_id=council_id).select_related("record").order_by("seq")
        last = 0
        while True:
            batch = list(versions.filter(seq__gt=last)[:batch_size])
            if not batch:
                break
            for version in batch:
                expected_seq += 1
                while expected_seq < version.seq and expected_seq in tombs:
                    prev = tombs[expected_seq]
                    expected_seq += 1
                checked += 1
                problems.extend(_check(council_id, version, expected_seq, prev, keys))
                expected_seq, prev = version.seq, version.hash
            last = batch[-1].seq
        while expected_seq + 1 in tombs:
            expected_seq += 1
            prev = tombs[expected_seq]
        # A record counts its versions: removing its newest ones, even with the head rewound to match, shows here.
        short = (
            ArchiveRecord.objects.filter(council_id=council_id)
            .annotate(kept=Count("versions"))
            .exclude(kept=F("version_count"))
            .values_list("pk", "version_count", "kept")
        )
        for pk, count, kept in short:
            problems.append(ChainProblem(council_id, 0, f"Record {pk} has {count} versions but {kept} are kept."))
        head = heads.get(council_id)
        if head is not None and (head.seq != expected_seq or head.hash != prev):
            problems.append(
                ChainProblem(
                    council_id,
                    head.seq,
                    f"The chain ends at {expected_seq} but its head says {head.seq}: "
                    "versions were removed from the newest end.",
                )
            )
    return checked, problems


def _check(council_id: int, version: ArchiveVersion, seq: int, prev: str, keys: dict[str, bytes]) -> list[ChainProblem]:
    found: list[ChainProblem] = []
    if version.seq != seq:
        found.append(ChainProblem(council_id, seq, f"Versions {seq} to {version.seq - 1} are missing."))
    if version.prev_hash != prev:
        found.append(ChainProblem(council_id, version.seq, "It does not follow the version before it."))
    key = keys.get(version.key_id)
    if key is None:
        found.append(ChainProblem(council_id, version.seq, f"Sealed with key {version.key_id!r}, which is not listed."))
    elif seal(key, sealed_fields(version, version.record)) != version.hash:
        found.append(
            ChainProblem(council_id, version.seq, "Its content or its record was changed after it was sealed.")
        )
    if content_hash(version.text, version.metadata) != version.content_hash:
        found.append(ChainProblem(council_id, version.seq, "Its content hash does not match its content."))
    return found
