"""Writing the archive: capturing records and their later states, and legal holds.

Every write appends: a new record with its first version, or a new version of a record (an edit
seen, a deletion seen). The record's summary columns move forward by conditional updates only, so
two workers that see the same edit add it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare import sqlrows
from townsquare.archive import chain
from townsquare.archive.models import ArchiveRecord, ArchiveVersion, LegalHold
from townsquare.archive.search import ArchiveQuery, index_versions
from townsquare.audit.services import audit_record

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

Event = ArchiveVersion.Event


@dataclass(frozen=True)
class Capture:
    """One thing to archive, as first seen. ``source`` names what in Townsquare it came from; a source
    already archived for the council is left as it is (capturing is safe to repeat)."""

    council_id: int
    source: str
    kind: str
    occurred_at: dt.datetime
    text: str
    channel_id: int | None = None
    platform: str = ""
    external_id: str = ""
    url: str = ""
    author: str = ""
    thread_key: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


def archive_capture(*, captures: Sequence[Capture], at: dt.datetime | None = None) -> list[ArchiveRecord]:
    """Archive what is not archived yet, in one insert of records, one of versions (and, on SQLite, one
    of index rows); returns the records made. Runs in the caller's transaction when there is one."""
    if not captures:
        return []
    now = at or timezone.now()
    wanted: dict[tuple[int, str], Capture] = {}
    for item in captures:
        wanted.setdefault((item.council_id, item.source), item)
    existing: set[tuple[int, str]] = set()
    for council_id in {c for c, _ in wanted}:
        sources = [s for c, s in wanted if c == council_id]
        for start in range(0, len(sources), 500):
            existing |= {
                (council_id, s)
                for s in ArchiveRecord.objects.filter(
                    council_id=council_id, source__in=sources[start : start + 500]
                ).values_list("source", flat=True)
            }
    fresh = [item for key, item in wanted.items() if key not in existing]
    if not fresh:
        return []
    with transaction.atomic():
        # Instances made without Model.__init__ (a capture can be thousands of records).
        records = [
            sqlrows.instance(
                ArchiveRecord,
                {
                    "council_id": item.council_id,
                    "channel_id": item.channel_id,
                    "platform": item.platform,
                    "kind": item.kind,
                    "external_id": item.external_id[:500],
                    "url": item.url[:1000],
                    "author": item.author[:300],
                    "thread_key": item.thread_key[:500],
                    "source": item.source[:120],
                    "occurred_at": item.occurred_at,
                    "first_seen_at": now,
                    "content_hash": chain.content_hash(item.text, item.metadata),
                },
            )
            for item in fresh
        ]
        sqlrows.insert_instances(records, key="source", scope="council_id")
        versions = chain.append(
            [
                (
                    record,
                    sqlrows.instance(
                        ArchiveVersion,
                        {
                            "n": 1,
                            "event": Event.CAPTURED.value,
                            "text": item.text,
                            "metadata": item.metadata,
                            "captured_at": now,
                            "content_hash": record.content_hash,
                        },
                    ),
                )
                for record, item in zip(records, fresh, strict=True)
            ]
        )
        index_versions([(v.pk, r.occurred_at, v.text, r.author) for r, v in zip(records, versions, strict=True)])
    return records


def _next_version(
    record: ArchiveRecord, event: str, text: str, metadata: dict[str, Any], at: dt.datetime
) -> ArchiveVersion | None:
    """Append a version if the record is still as the caller saw it; None if another writer got there first."""
    digest = chain.content_hash(text, metadata)
    with transaction.atomic():
        changes: dict[str, Any] = {"content_hash": digest, "version_count": record.version_count + 1}
        if event == Event.EDITED:
            changes["edited_at"] = at
        else:
            changes["deleted_at"] = at
        moved = ArchiveRecord.objects.filter(
            pk=record.pk, version_count=record.version_count, deleted_at__isnull=True
        ).update(**changes)
        if not moved:
            return None
        version = ArchiveVersion(
            n=record.version_count + 1, event=event, text=text, metadata=metadata, captured_at=at, content_hash=digest
        )
        chain.append([(record, version)])
        index_versions([(version.pk, record.occurred_at, text, record.author)])
        for name, value in changes.items():
            setattr(record, name, value)
    return version


def archive_edit_seen(
    *, record: ArchiveRecord, text: str, metadata: dict[str, Any] | None = None, at: dt.datetime | None = None
) -> ArchiveVersion | None:
    """Keep a later state of a record as a new version; nothing if the content is what was last kept
    or the record is already recorded as deleted."""
    metadata = metadata or {}
    if record.deleted_at is not None or chain.content_hash(text, metadata) == record.content_hash:
        return None
    return _next_version(record, Event.EDITED, text, metadata, at or timezone.now())


def archive_deletion_seen(*, record: ArchiveRecord, how: str, at: dt.datetime | None = None) -> ArchiveVersion | None:
    """Record that a record was deleted on its platform (``how``: by whom or how it was found); its
    earlier versions stay. Nothing if its deletion is already recorded."""
    if record.deleted_at is not None:
        return None
    return _next_version(record, Event.DELETED, "", {"how": how}, at or timezone.now())


def archive_verify(*, council: Council | None = None) -> tuple[int, list[chain.ChainProblem]]:
    """Check every seal of the archive (or of one council's): how many versions were checked, and what
    does not match. ``manage.py archive_verify`` prints the same."""
    return chain.verify(council_ids=[council.pk] if council is not None else None)


def legal_hold_place(
    *, actor: User | None, council: Council, query: ArchiveQuery, reason: str, reference: str
) -> LegalHold:
    """Stop disposal of everything ``query`` finds in the council's archive, now and as records are added."""
    reason, reference = reason.strip(), reference.strip()
    problems = []
    if not reason:
        problems.append("Say why the records are held.")
    if not reference:
        problems.append("Give a reference, such as the request's.")
    if len(reference) > 200:
        problems.append("The reference must be 200 characters or fewer.")
    if query.is_empty():
        problems.append("A hold needs a search: words or at least one filter.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            council=council,
            query=query.to_json(),
            reason=reason,
            reference=reference,
            placed_by=actor,
            placed_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            council=council,
            action="archive.hold_placed",
            obj=hold,
            after={"query": hold.query, "reference": reference},
            reason=reason,
        )
    return hold


def legal_hold_release(*, actor: User | None, hold: LegalHold, reason: str) -> LegalHold:
    """End a hold: what it protected may be disposed of again when past retention."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the hold is released.")
    with transaction.atomic():
        now = timezone.now()
        if not LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=now, released_by=actor, release_reason=reason
        ):
            raise ValidationError("This hold was already released.")
        hold.refresh_from_db()
        audit_record(
            actor=actor,
            council=hold.council,
            action="archive.hold_released",
            obj=hold,
            before={"active": True},
            after={"active": False},
            reason=reason,
        )
    return hold
