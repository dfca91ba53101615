"""Retention classes and disposal: what is past its period goes, unless a legal hold protects it.

A council sets one class per kind of record (posts, received items, direct messages...), each naming
its legal basis, and may override it for one channel. A kind with no class is kept. A disposal run
removes what is past its period (by when it was published or received) and not held, leaves each
removed version's seal in the chain (``ArchiveTombstone``), and writes what went (class, how many,
which dates — never the content) as an ``ArchiveDisposal`` and to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from townsquare.archive.models import (
    ArchiveDisposal,
    ArchiveRecord,
    ArchiveTombstone,
    ArchiveVersion,
    Kind,
    RetentionClass,
)
from townsquare.archive.search import index_forget
from townsquare.archive.selectors import held_record_ids
from townsquare.audit.services import audit_as_job, audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

if TYPE_CHECKING:
    from townsquare.accounts.models import User

YEAR = 365
# A starting point a council adopts and changes (``retention_defaults_apply``).
DEFAULT_CLASSES: tuple[tuple[str, str, int, str], ...] = (
    (
        Kind.POST,
        "Corporate social media posts",
        6 * YEAR,
        "Local Government Classification Scheme: public communications, creation + 6 years (Limitation Act 1980).",
    ),
    (Kind.REPLY, "Replies to residents", 6 * YEAR, "As posts: public communications, creation + 6 years."),
    (Kind.APPROVAL, "Approval history of posts", 6 * YEAR, "Kept as long as the posts it approved."),
    (
        Kind.RECEIVED,
        "Received mentions and comments",
        2 * YEAR,
        "Customer contact: last action + 2 years (council retention schedule, UK GDPR art. 5(1)(e)).",
    ),
    (
        Kind.DIRECT_MESSAGE,
        "Direct messages",
        YEAR,
        "Personal data kept no longer than needed: 1 year (UK GDPR art. 5(1)(e)).",
    ),
    (Kind.NOTE, "Internal notes on received items", 2 * YEAR, "As the items they annotate."),
)


def retention_class_set(
    *,
    actor: User | None,
    council: Council,
    kind: str,
    name: str,
    retain_days: int,
    legal_basis: str,
    channel: Channel | None = None,
) -> RetentionClass:
    """Set how long a kind of record is kept (on one channel, or on all without a rule of their own)."""
    problems = []
    if kind not in Kind.values:
        problems.append("Choose a kind of record.")
    if channel is not None and channel.council_id != council.pk:
        problems.append("Choose one of this council's channels.")
    if not name.strip():
        problems.append("Name the class.")
    if not legal_basis.strip():
        problems.append("Name the legal basis for the period.")
    if not 1 <= retain_days <= 100 * YEAR:
        problems.append("The period must be between 1 day and 100 years.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        existing = (
            RetentionClass.objects.select_for_update().filter(council=council, kind=kind, channel=channel).first()
        )
        before = snapshot(existing) if existing else None
        rule = existing or RetentionClass(council=council, kind=kind, channel=channel)
        rule.name, rule.retain_days, rule.legal_basis = name.strip(), retain_days, legal_basis.strip()
        rule.save()
        audit_record(
            actor=actor,
            council=council,
            action="archive.retention_set",
            obj=rule,
            before=before,
            after=snapshot(rule, ["kind", "channel_id", "name", "retain_days", "legal_basis"]),
        )
    return rule


def retention_class_remove(*, actor: User | None, rule: RetentionClass) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=rule.council,
            action="archive.retention_removed",
            obj=rule,
            before=snapshot(rule, ["kind", "channel_id", "name", "retain_days", "legal_basis"]),
        )
        RetentionClass.objects.filter(pk=rule.pk).delete()


def retention_defaults_apply(*, actor: User | None, council: Council) -> list[RetentionClass]:
    """Give the council the default classes for the kinds it has none for."""
    have = set(RetentionClass.objects.filter(council=council, channel__isnull=True).values_list("kind", flat=True))
    return [
        retention_class_set(actor=actor, council=council, kind=kind, name=name, retain_days=days, legal_basis=basis)
        for kind, name, days, basis in DEFAULT_CLASSES
        if kind not in have
    ]


@dataclass(frozen=True)
class DisposalLine:
    """What one class would dispose of now, and why."""

    rule: RetentionClass
    cutoff: dt.datetime
    due: int
    held: int
    earliest: dt.datetime | None
    latest: dt.datetime | None

    @property
    def to_go(self) -> int:
        return self.due - self.held

    @property
    def reason(self) -> str:
        where = f" on {self.rule.channel.name}" if self.rule.channel else ""
        return (
            f"{self.rule.get_kind_display()} records{where} from before {self.cutoff:%d %B %Y} are past "
            f"{self.rule.name} ({self.rule.retain_days} days): {self.rule.legal_basis}"
        )


def _due(rule: RetentionClass, cutoff: dt.datetime) -> QuerySet[ArchiveRecord]:
    records = ArchiveRecord.objects.filter(council_id=rule.council_id, kind=rule.kind, occurred_at__lt=cutoff)
    if rule.channel_id is not None:
        return records.filter(channel_id=rule.channel_id)
    overridden = RetentionClass.objects.filter(council_id=rule.council_id, kind=rule.kind, channel__isnull=False)
    return records.exclude(channel_id__in=overridden.values("channel_id"))


def disposal_preview(
    *, council: Council, now: dt.datetime | None = None, held: set[int] | None = None
) -> list[DisposalLine]:
    """Per class: how many records are past retention, how many of them a hold keeps, and their dates."""
    now = now or timezone.now()
    held = held_record_ids(council=council) if held is None else held
    lines = []
    for rule in RetentionClass.objects.filter(council=council).select_related("channel"):
        cutoff = now - dt.timedelta(days=rule.retain_days)
        due = _due(rule, cutoff)
        span: dict[str, Any] = due.aggregate(earliest=Min("occurred_at"), latest=Max("occurred_at"))
        count = due.count()
        kept = len(held & set(due.values_list("pk", flat=True))) if held and count else 0
        lines.append(DisposalLine(rule, cutoff, count, kept, span["earliest"], span["latest"]))
    return lines


def _remove(council: Council, disposal: ArchiveDisposal, ids: list[int]) -> None:
    """Remove records and their versions, keeping each version's seal as a tombstone."""
    versions = list(
        ArchiveVersion.objects.filter(record_id__in=ids).values_list(
            "pk", "seq", "hash", "record__occurred_at", "text", "record__author"
        )
    )
    ArchiveTombstone.objects.bulk_create(
        [ArchiveTombstone(council=council, disposal=disposal, seq=seq, hash=digest) for _, seq, digest, *_ in versions]
    )
    index_forget([(pk, when, text, author) for pk, _, _, when, text, author in versions])
    ArchiveVersion.objects.filter(record_id__in=ids).delete()
    ArchiveRecord.objects.filter(pk__in=ids).delete()


def disposal_run(*, actor: User | None, council: Council, now: dt.datetime | None = None) -> list[ArchiveDisposal]:
    """Dispose of every record past its class's period and not held; one disposal record per class that
    removed anything (or found held records), each audited in the same transaction."""
    now = now or timezone.now()
    made = []
    with transaction.atomic():
        held = held_record_ids(council=council)
        for line in disposal_preview(council=council, now=now, held=held):
            if not line.due:
                continue
            ids = [pk for pk in _due(line.rule, line.cutoff).values_list("pk", flat=True) if pk not in held]
            going = ArchiveRecord.objects.filter(pk__in=ids).aggregate(
                earliest=Min("occurred_at"), latest=Max("occurred_at")
            )
            disposal = ArchiveDisposal.objects.create(
                council=council,
                actor=actor,
                run_at=now,
                kind=line.rule.kind,
                channel=line.rule.channel,
                class_label=line.rule.name,
                legal_basis=line.rule.legal_basis,
                count=len(ids),
                held_skipped=line.held,
                earliest=going["earliest"],
                latest=going["latest"],
            )
            for start in range(0, len(ids), 500):
                _remove(council, disposal, ids[start : start + 500])
            audit_record(
                actor=actor,
                council=council,
                action="archive.disposed",
                obj=disposal,
                after={
                    "class": line.rule.name,
                    "kind": line.rule.kind,
                    "channel": line.rule.channel_id,
                    "count": len(ids),
                    "held_skipped": line.held,
                    "earliest": going["earliest"],
                    "latest": going["latest"],
                    "retain_days": line.rule.retain_days,
                },
                reason=line.reason,
            )
            made.append(disposal)
    return made


def disposal_run_all() -> int:
    """The scheduled run, for every council with retention classes; returns how many records went."""
    gone = 0
    with audit_as_job("archive.dispose"):
        for council in Council.objects.filter(retention_classes__isnull=False).distinct():
            gone += sum(d.count for d in disposal_run(actor=None, council=council))
    return gone
