"""Redaction for the reply, then the release: each redaction is proposed by the recogniser, then accepted
or undone by a person (one by one, or all at once); a copy is released only when none is left
undecided, and the released copy is kept with its hash. Every step is audited.

For FOI and EIR every third party's personal data is proposed; for subject access the requester's own
name, handle and email are left in (it is their data) and everyone else's is proposed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.disclosure.export import EXPORTERS, export_build
from townsquare.disclosure.models import InformationRequest, Redaction, Release
from townsquare.disclosure.recogniser import keep_terms, personal_data_find
from townsquare.disclosure.selectors import request_records

if TYPE_CHECKING:
    from townsquare.accounts.models import User

BATCH = 2000


def _keep(request: InformationRequest) -> frozenset[str]:
    """The council's own accounts are not third parties; for subject access, nor is the requester."""
    council = request.council
    values = [council.name]
    for name, handle in Channel.objects.filter(council=council).values_list("name", "handle"):
        values += [name, handle]
    if request.kind == "sar":
        values += [request.requester_name, request.requester_handle, request.requester_email]
    return keep_terms(v for v in values if v)


def redactions_propose(*, actor: User | None, request: InformationRequest) -> int:
    """Propose a redaction for each piece of personal data in the request's records (text and author);
    decisions already taken are kept. Returns how many were newly proposed."""
    if request.status != InformationRequest.Status.OPEN:
        raise ValidationError("This request is closed.")
    if not request.query:
        raise ValidationError("Save the request's archive search first.")
    keep = _keep(request)
    proposed: list[Redaction] = []
    records = request_records(request)
    for start in range(0, records.count(), BATCH):
        chunk = list(records[start : start + BATCH])
        versions = [v for record in chunk for v in record.versions.all()]
        for version, found in zip(versions, personal_data_find([v.text for v in versions], keep=keep), strict=True):
            proposed += [
                Redaction(
                    request=request,
                    version=version,
                    start=f.start,
                    end=f.end,
                    found=f.text[:500],
                    category=f.category,
                    score=f.score,
                )
                for f in found
            ]
        for record in chunk:
            first = next(iter(record.versions.all()), None)
            if first is not None and record.author and record.author.strip().lstrip("@").casefold() not in keep:
                proposed.append(
                    Redaction(
                        request=request,
                        version=first,
                        field="author",
                        start=0,
                        end=len(record.author),
                        found=record.author[:500],
                        category="handle",
                    )
                )
    with transaction.atomic():
        before = Redaction.objects.filter(request=request).count()
        Redaction.objects.bulk_create(proposed, batch_size=1000, ignore_conflicts=True)
        added = Redaction.objects.filter(request=request).count() - before
        InformationRequest.objects.filter(pk=request.pk).update(redactions_proposed_at=timezone.now())
        audit_record(
            actor=actor,
            council=request.council,
            action="request.redactions_proposed",
            obj=request,
            after={"proposed": added, "found": len(proposed)},
        )
    request.redactions_proposed_at = timezone.now()
    return added


def redactions_review(
    *, actor: User, request: InformationRequest, decision: str, ids: Sequence[int] | None = None
) -> int:
    """Accept (redact) or undo the given redactions of the request, or all still proposed when ``ids`` is
    None. Returns how many changed."""
    if decision not in (Redaction.Decision.ACCEPTED, Redaction.Decision.UNDONE):
        raise ValidationError("Choose to redact or to keep.")
    if request.status != InformationRequest.Status.OPEN:
        raise ValidationError("This request is closed.")
    chosen = Redaction.objects.filter(request=request)
    if ids is None:
        chosen = chosen.filter(decision=Redaction.Decision.PROPOSED)
    else:
        chosen = chosen.filter(pk__in=list(ids))
        if chosen.count() != len(set(ids)):
            raise ValidationError("Some of those redactions are not this request's.")
    with transaction.atomic():
        changed_ids = list(chosen.exclude(decision=decision).values_list("pk", flat=True))
        Redaction.objects.filter(pk__in=changed_ids).update(
            decision=decision, reviewed_by=actor, reviewed_at=timezone.now()
        )
        audit_record(
            actor=actor,
            council=request.council,
            action="request.redactions_reviewed",
            obj=request,
            after={"decision": decision, "redactions": changed_ids[:1000], "count": len(changed_ids)},
        )
    return len(changed_ids)


def release_make(*, actor: User, request: InformationRequest, fmt: str) -> Release:
    """Build the reply file with the accepted redactions and keep it as released, with its hash."""
    if fmt not in EXPORTERS:
        raise ValidationError("Choose CSV, JSON or PDF.")
    if not request.query:
        raise ValidationError("Save the request's archive search first.")
    if request.redactions_proposed_at is None:
        raise ValidationError("Propose redactions and review them before releasing a copy.")
    waiting = Redaction.objects.filter(request=request, decision=Redaction.Decision.PROPOSED).count()
    if waiting:
        raise ValidationError(f"{waiting} redaction{'s' if waiting != 1 else ''} still to review before release.")
    records = list(request_records(request))
    accepted = list(Redaction.objects.filter(request=request, decision=Redaction.Decision.ACCEPTED))
    build, _ = EXPORTERS[fmt]
    content = build(request, export_build(records, accepted))
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        release = Release.objects.create(
            request=request,
            format=fmt,
            released_by=actor,
            record_ids=[r.pk for r in records],
            redactions_applied=len(accepted),
            sha256=digest,
            content=content,
        )
        audit_record(
            actor=actor,
            council=request.council,
            action="request.released",
            obj=request,
            after={
                "release": release.pk,
                "format": fmt,
                "records": len(records),
                "redactions": len(accepted),
                "sha256": digest,
            },
        )
    return release
