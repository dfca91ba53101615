"""The register's writes: opening a request (by hand, from an inbox item, or when the inbox classifies
one), recording the requester's details, extending, saving its archive search with a legal hold, and
closing it (which releases the hold). Every change is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare import sqlrows
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.services import legal_hold_place, legal_hold_release
from townsquare.audit.services import audit_record, audit_record_many, snapshot
from townsquare.councils.models import Council
from townsquare.disclosure.clocks import extended_deadline, statutory_deadline
from townsquare.disclosure.models import InformationRequest, Kind
from townsquare.inbox.models import ReceivedItem

if TYPE_CHECKING:
    from townsquare.accounts.models import User

# The classifier's categories that open a request by themselves (EIR is told apart by a person).
DETECTED = {"sar_request": Kind.SAR, "foi_request": Kind.FOI}
REQUESTER_FIELDS = ["requester_name", "requester_address", "requester_email"]


def _next_reference(council: Council, kind: str, year: int) -> str:
    prefix = f"{kind.upper()}-{year}-"
    taken = InformationRequest.objects.filter(council=council, reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _clean_text(value: str, *, label: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Enter {label}.")
    if len(value) > limit:
        raise ValidationError(f"{label.capitalize()} must be {limit} characters or fewer.")
    return value


def request_open(
    *,
    actor: User | None,
    council: Council,
    kind: str,
    received_at: dt.datetime,
    summary: str,
    request_text: str = "",
    requester_name: str = "",
    requester_address: str = "",
    requester_email: str = "",
    requester_handle: str = "",
    officer: User | None = None,
    source_item: ReceivedItem | None = None,
) -> InformationRequest:
    """Open a request with its statutory deadline; bad input raises ValidationError and stores nothing."""
    if kind not in Kind.values:
        raise ValidationError("Choose the kind of request: FOI, EIR or subject access.")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("The day the request was received cannot be in the future.")
    requester_email = requester_email.strip()
    if requester_email:
        validate_email(requester_email)
    summary = _clean_text(summary, label="what is asked for", limit=300, required=True)
    received = timezone.localdate(received_at) if timezone.is_aware(received_at) else received_at.date()
    fields: dict[str, Any] = {
        "council": council,
        "kind": kind,
        "received_at": received_at,
        "summary": summary,
        "request_text": request_text.strip(),
        "requester_name": _clean_text(requester_name, label="the requester's name", limit=200),
        "requester_address": requester_address.strip(),
        "requester_email": requester_email,
        "requester_handle": _clean_text(requester_handle, label="the platform handle", limit=300),
        "officer": officer,
        "opened_by": actor,
        "source_item": source_item,
        "due_on": statutory_deadline(kind=kind, received=received, council=council),
    }
    # Two requests opened at the same moment can pick the same number: the constraint refuses the
    # second, which then takes the next.
    for _ in range(5):
        try:
            with transaction.atomic():
                made = InformationRequest.objects.create(
                    reference=_next_reference(council, kind, received.year), **fields
                )
                audit_record(actor=actor, council=council, action="request.open", obj=made, after=snapshot(made))
                return made
        except IntegrityError:
            if source_item is not None and InformationRequest.objects.filter(source_item=source_item).exists():
                raise ValidationError("This inbox item has already opened a request.") from None
    raise ValidationError("Could not give the request a reference: try again.")


def request_open_with_search(*, actor: User, query: ArchiveQuery, **fields: Any) -> InformationRequest:
    """Open a request (``request_open``'s fields) with an archive search already made, and hold what it
    finds; both or neither are stored."""
    if query.is_empty():
        raise ValidationError("The archive search carried over is empty: search for something first.")
    with transaction.atomic():
        made = request_open(actor=actor, **fields)
        return request_search_set(actor=actor, request=made, query=query)


def _detected_fields(council: Council, item: ReceivedItem, kind: str, now: dt.datetime) -> dict[str, Any]:
    """``request_open``'s fields for an item the classifier took for a request (as ``request_open_from_item``)."""
    text = item.text.strip()
    summary = (text.splitlines()[0] if text else "") or f"Request from {item.author_handle or 'an unknown author'}"
    received_at = min(item.created_at or item.received_at or now, now)
    return {
        "council": council,
        "kind": kind,
        "received_at": received_at,
        "summary": summary.strip()[:300],
        "request_text": text,
        "requester_handle": item.author_handle,
        "source_item": item,
    }


def request_open_from_item(*, actor: User | None, item: ReceivedItem, kind: str) -> InformationRequest:
    """The item's request: opened now (received when the item was sent), or the one it opened before."""
    existing = InformationRequest.objects.filter(source_item=item).first()
    if existing is not None:
        return existing
    try:
        return request_open(actor=actor, **_detected_fields(item.council, item, kind, timezone.now()))
    except ValidationError:
        found = InformationRequest.objects.filter(source_item=item).first()
        if found is None:
            raise
        return found


def _references(council: Council, wanted: list[tuple[str, int]]) -> list[str]:
    """The next free reference for each (kind, year) in ``wanted``, in order: one count per kind and year."""
    taken: dict[tuple[str, int], int] = {}
    references = []
    for kind, year in wanted:
        if (kind, year) not in taken:
            prefix = f"{kind.upper()}-{year}-"
            taken[kind, year] = InformationRequest.objects.filter(council=council, reference__startswith=prefix).count()
        taken[kind, year] += 1
        references.append(f"{kind.upper()}-{year}-{taken[kind, year]:04d}")
    return references


def requests_open_detected(*, council: Council, items: Sequence[ReceivedItem]) -> list[InformationRequest]:
    """Open a request for each item the classifier took for an FOI or subject access request, as
    ``request_open_from_item`` would one at a time, with one insert of requests and one of audit events
    for the batch; an item that opened a request before keeps that one (it is returned, not opened again)."""
    kinds: dict[int, str] = {}
    for item in items:
        found = [kind for category, kind in DETECTED.items() if category in (item.categories or [])]
        if found:
            kinds[item.pk] = found[0]
    if not kinds:
        return []
    before = {r.source_item_id: r for r in InformationRequest.objects.filter(source_item_id__in=list(kinds))}
    now = timezone.now()
    fields = []
    deadlines: dict[tuple[str, dt.date], dt.date] = {}
    for item in items:
        if item.pk in kinds and item.pk not in before:
            made = _detected_fields(council, item, kinds[item.pk], now)
            received = timezone.localdate(made["received_at"])
            key = (made["kind"], received)
            if key not in deadlines:
                deadlines[key] = statutory_deadline(kind=made["kind"], received=received, council=council)
            made["due_on"] = deadlines[key]
            fields.append(made)
    opened: list[InformationRequest] = []
    # Two workers opening requests at once can pick the same numbers: the constraint refuses the second
    # batch, which then counts again.
    for attempt in range(5):
        references = _references(council, [(f["kind"], timezone.localdate(f["received_at"]).year) for f in fields])
        try:
            with transaction.atomic():
                opened = [
                    InformationRequest(reference=ref, created_at=now, **f)
                    for ref, f in zip(references, fields, strict=True)
                ]
                sqlrows.insert_instances(opened, key="reference", scope="council_id")
                audit_record_many(
                    [
                        {"actor": None, "council": council, "action": "request.open", "obj": r, "after": snapshot(r)}
                        for r in opened
                    ]
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    return [*before.values(), *opened]


def _locked(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def _must_be_open(request: InformationRequest) -> None:
    if request.status != InformationRequest.Status.OPEN:
        raise ValidationError("This request is closed.")


def request_requester_set(
    *, actor: User, request: InformationRequest, name: str, address: str, email: str
) -> InformationRequest:
    """Record the name and address the requester gave."""
    name = _clean_text(name, label="the requester's name", limit=200)
    email = email.strip()
    if email:
        validate_email(email)
    with transaction.atomic():
        locked = _locked(request)
        before = snapshot(locked, REQUESTER_FIELDS)
        locked.requester_name, locked.requester_address, locked.requester_email = name, address.strip(), email
        locked.save(update_fields=REQUESTER_FIELDS)
        audit_record(
            actor=actor,
            council=locked.council,
            action="request.requester",
            obj=locked,
            before=before,
            after=snapshot(locked, REQUESTER_FIELDS),
        )
    return locked


def request_extend(*, actor: User, request: InformationRequest, reason: str) -> InformationRequest:
    """Take the one extension the law allows for the kind of request, with its reason."""
    reason = _clean_text(reason, label="the reason for the extension", limit=2000, required=True)
    with transaction.atomic():
        locked = _locked(request)
        _must_be_open(locked)
        if locked.extended_to is not None:
            raise ValidationError("This request has already been extended once.")
        received = timezone.localdate(locked.received_at)
        locked.extended_to = extended_deadline(
            kind=locked.kind, received=received, due_on=locked.due_on, council=locked.council
        )
        locked.extension_reason = reason
        locked.save(update_fields=["extended_to", "extension_reason"])
        audit_record(
            actor=actor,
            council=locked.council,
            action="request.extend",
            obj=locked,
            before={"due_on": locked.due_on},
            after=snapshot(locked, ["extended_to", "extension_reason"]),
            reason=reason,
        )
    return locked


def request_search_set(
    *, actor: User, request: InformationRequest, query: ArchiveQuery, reason: str = ""
) -> InformationRequest:
    """Save the request's archive search and hold everything it finds (and anything added later that
    matches) until the request is closed; a hold placed for an earlier search is released."""
    with transaction.atomic():
        locked = _locked(request)
        _must_be_open(locked)
        before = snapshot(locked, ["query", "legal_hold_id"])
        why = reason.strip() or f"Held for {locked.get_kind_display()} request {locked.reference}"
        if locked.legal_hold is not None:
            legal_hold_release(actor=actor, hold=locked.legal_hold, reason=f"Search of {locked.reference} changed")
        locked.legal_hold = legal_hold_place(
            actor=actor, council=locked.council, query=query, reason=why, reference=locked.reference
        )
        locked.query = query.to_json()
        locked.save(update_fields=["query", "legal_hold"])
        audit_record(
            actor=actor,
            council=locked.council,
            action="request.search",
            obj=locked,
            before=before,
            after=snapshot(locked, ["query", "legal_hold_id"]),
            reason=why,
        )
    return locked


def request_close(*, actor: User, request: InformationRequest, outcome: str, reason: str = "") -> InformationRequest:
    """Close the request with its outcome and release its legal hold."""
    if outcome not in InformationRequest.Outcome.values:
        raise ValidationError("Choose how the request ended.")
    with transaction.atomic():
        locked = _locked(request)
        _must_be_open(locked)
        before = snapshot(locked, ["status", "outcome", "closed_at"])
        if locked.legal_hold is not None:
            legal_hold_release(actor=actor, hold=locked.legal_hold, reason=f"Request {locked.reference} closed")
        locked.status, locked.outcome, locked.closed_at = InformationRequest.Status.CLOSED, outcome, timezone.now()
        locked.save(update_fields=["status", "outcome", "closed_at"])
        audit_record(
            actor=actor,
            council=locked.council,
            action="request.close",
            obj=locked,
            before=before,
            after=snapshot(locked, ["status", "outcome", "closed_at"]),
            reason=reason.strip(),
        )
    return locked


def request_officer_set(*, actor: User, request: InformationRequest, officer: User | None) -> InformationRequest:
    with transaction.atomic():
        locked = _locked(request)
        before = snapshot(locked, ["officer_id"])
        locked.officer = officer
        locked.save(update_fields=["officer"])
        audit_record(
            actor=actor,
            council=locked.council,
            action="request.officer",
            obj=locked,
            before=before,
            after=snapshot(locked, ["officer_id"]),
        )
    return locked
