"""Reading the register: a council's requests with their clocks, those due soon, and a request's records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_record_ids, versions_in_order
from townsquare.councils.models import Council, Membership
from townsquare.councils.roles import ROLE_PERMISSIONS, Perm
from townsquare.disclosure.clocks import days_left, due_soon_until
from townsquare.disclosure.models import InformationRequest, Redaction


@dataclass(frozen=True)
class Clock:
    due: dt.date
    days_left: int
    unit: str  # "working day" or "day"

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        count = abs(self.days_left)
        unit = self.unit + ("" if count == 1 else "s")
        if self.days_left < 0:
            return f"Overdue by {count} {unit}"
        return "Due today" if count == 0 else f"{count} {unit} left"


def request_clock(request: InformationRequest, today: dt.date | None = None) -> Clock:
    today = today or timezone.localdate()
    due = request.deadline
    return Clock(
        due, days_left(kind=request.kind, today=today, due=due), "day" if request.kind == "sar" else "working day"
    )


def requests_of(*, council: Council, status: str = "", kind: str = "") -> QuerySet[InformationRequest]:
    found = InformationRequest.objects.filter(council=council).select_related("officer", "legal_hold")
    if status in InformationRequest.Status.values:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    return found


def requests_due_soon(*, council: Council, today: dt.date | None = None) -> list[InformationRequest]:
    """Open requests due within five working days, or overdue, soonest first."""
    limit = due_soon_until(today or timezone.localdate())
    found = InformationRequest.objects.filter(council=council, status=InformationRequest.Status.OPEN).filter(
        Q(extended_to__isnull=True, due_on__lte=limit) | Q(extended_to__lte=limit)
    )
    return sorted(found, key=lambda r: (r.deadline, r.pk))


def request_get(*, council: Council, pk: int) -> InformationRequest | None:
    return (
        InformationRequest.objects.filter(council=council, pk=pk)
        .select_related("officer", "opened_by", "legal_hold", "source_item", "council")
        .first()
    )


def request_query(request: InformationRequest) -> ArchiveQuery | None:
    return ArchiveQuery.from_json(request.query) if request.query else None


def request_records(request: InformationRequest) -> QuerySet[ArchiveRecord]:
    """Every record the request's saved search finds now, oldest first, each with its versions."""
    query = request_query(request)
    if query is None:
        return ArchiveRecord.objects.none()
    ids = archive_record_ids(council=request.council, query=query)
    return (
        ArchiveRecord.objects.filter(council=request.council, pk__in=ids)
        .select_related("channel")
        .prefetch_related(versions_in_order())
        .order_by("occurred_at", "pk")
    )


def redaction_counts(request: InformationRequest) -> dict[str, int]:
    counts = dict(
        Redaction.objects.filter(request=request)
        .values_list("decision")
        .annotate(n=Count("id"))
        .values_list("decision", "n")
    )
    return {d: counts.get(d, 0) for d in Redaction.Decision.values}


def request_officers(council: Council) -> QuerySet[Any]:
    """The people who may keep the register, to choose a request's officer from."""
    from townsquare.accounts.models import User

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.MANAGE_REQUESTS in perms]
    ids = Membership.objects.filter(council=council, role__in=roles).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")
