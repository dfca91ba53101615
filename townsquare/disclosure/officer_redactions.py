"""A redaction the recogniser missed, marked by the officer reviewing a request: the words they give are
redacted wherever they stand in the record's versions. Decided when made (the officer chose it), and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.archive.models import ArchiveVersion
from townsquare.audit.services import audit_record
from townsquare.disclosure.models import InformationRequest, Redaction
from townsquare.disclosure.selectors import request_records

if TYPE_CHECKING:
    from townsquare.accounts.models import User


def redaction_add(*, actor: User, request: InformationRequest, record_id: int, words: str, category: str) -> int:
    """Redact every occurrence of ``words`` in the versions of one of the request's records; returns how
    many stretches were marked (those already marked are left as they are). ValidationError, and nothing
    changed, if the request is closed, the record is not the request's, or the words are not in it."""
    words = words.strip()
    problems = []
    if request.status != InformationRequest.Status.OPEN:
        problems.append("This request is closed.")
    if not words:
        problems.append("Enter the words to redact, as they stand in the record.")
    elif len(words) > 500:
        problems.append("The words to redact must be 500 characters or fewer.")
    if category not in Redaction.Category.values:
        problems.append("Choose what kind of personal data it is.")
    if problems:
        raise ValidationError(problems)
    if not request_records(request).filter(pk=record_id).exists():
        raise ValidationError("That record is not among this request's records.")
    now = timezone.now()
    marks = [
        Redaction(
            request=request,
            version=version,
            start=at,
            end=at + len(words),
            found=words,
            category=category,
            decision=Redaction.Decision.ACCEPTED,
            reviewed_by=actor,
            reviewed_at=now,
        )
        for version in ArchiveVersion.objects.filter(record_id=record_id).order_by("n")
        for at in _occurrences(version.text, words)
    ]
    if not marks:
        raise ValidationError(f"“{words}” is not in record {record_id}: copy the words as they stand.")
    with transaction.atomic():
        before = Redaction.objects.filter(request=request).count()
        Redaction.objects.bulk_create(marks, ignore_conflicts=True)
        added = Redaction.objects.filter(request=request).count() - before
        audit_record(
            actor=actor,
            council=request.council,
            action="request.redaction_added",
            obj=request,
            after={"record": record_id, "category": category, "marked": added},
        )
    return added


def _occurrences(text: str, words: str) -> list[int]:
    found, at = [], text.find(words)
    while at >= 0:
        found.append(at)
        at = text.find(words, at + len(words))
    return found
