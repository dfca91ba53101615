"""Reading the governance registers: reviews falling due, who has acknowledged, training status,
attendance, and who may see the breach register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from townsquare.councils.models import Council, Membership
from townsquare.governance.models import (
    AUDIENCE_ROLES,
    Acknowledgement,
    BreachViewer,
    GovernanceSettings,
    Policy,
    PolicyVersion,
    TrainingModule,
    TrainingRecord,
    TrainingRequirement,
    TrainingSession,
)

if TYPE_CHECKING:
    from townsquare.accounts.models import User

# Training expiring within this many days shows as "due soon".
DUE_SOON_DAYS = 31


def governance_settings(*, council: Council) -> GovernanceSettings:
    found = GovernanceSettings.objects.filter(council=council).select_related("monitoring_officer").first()
    return found or GovernanceSettings(council=council)


# --- Policies -------------------------------------------------------------------------------------


def audience_people(*, council: Council, audience: str) -> QuerySet[Any]:
    from townsquare.accounts.models import User

    roles = AUDIENCE_ROLES[audience]
    return User.objects.filter(memberships__council=council, memberships__role__in=roles, is_active=True).distinct()


def policies_review_due(*, council: Council, today: dt.date | None = None) -> list[Policy]:
    """Policies whose review is overdue or within the reminder window, soonest first."""
    today = today or timezone.localdate()
    window = today + dt.timedelta(days=governance_settings(council=council).review_reminder_days)
    return list(
        Policy.objects.filter(council=council, retired=False, next_review_on__lte=window)
        .select_related("owner")
        .order_by("next_review_on")
    )


def policies_overdue(*, council: Council, today: dt.date | None = None) -> list[Policy]:
    today = today or timezone.localdate()
    return [
        p for p in policies_review_due(council=council, today=today) if p.next_review_on and p.next_review_on < today
    ]


@dataclass(frozen=True)
class AcknowledgementSummary:
    version: PolicyVersion
    done: list[Acknowledgement]
    waiting: list[Acknowledgement]

    @property
    def asked(self) -> int:
        return len(self.done) + len(self.waiting)


def acknowledgement_summary(*, version: PolicyVersion) -> AcknowledgementSummary:
    asked = list(version.acknowledgements.select_related("user"))
    return AcknowledgementSummary(
        version=version,
        done=[a for a in asked if a.acknowledged_at],
        waiting=[a for a in asked if not a.acknowledged_at],
    )


def acknowledgements_waiting_for(*, user: Any, council: Council) -> list[Acknowledgement]:
    """Versions this person has been asked to acknowledge and has not (only each policy's newest)."""
    waiting = Acknowledgement.objects.filter(
        user=user, acknowledged_at__isnull=True, version__policy__council=council, version__policy__retired=False
    ).select_related("version__policy")
    return [a for a in waiting if a.version.policy.current_version == a.version]


# --- Training -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingState:
    requirement: TrainingRequirement
    completed_on: dt.date | None
    expires_on: dt.date | None
    state: str  # current, due_soon, lapsed, never

    @property
    def is_current(self) -> bool:
        return self.state in {"current", "due_soon"}

    @property
    def label(self) -> str:
        return {"current": "Current", "due_soon": "Due soon", "lapsed": "Lapsed", "never": "Not done"}[self.state]


def latest_completion(*, user: Any, module: TrainingModule) -> TrainingRecord | None:
    return (
        TrainingRecord.objects.filter(
            user=user,
            module=module,
            status__in=[TrainingRecord.Status.ATTENDED, TrainingRecord.Status.COMPLETED],
            completed_on__isnull=False,
        )
        .order_by("-completed_on", "-pk")
        .first()
    )


def training_states(
    *, user: Any, council: Council, today: dt.date | None = None, publishing_only: bool = False
) -> list[TrainingState]:
    """Each training the person's roles require at the council, and whether it is current."""
    today = today or timezone.localdate()
    roles = Membership.objects.filter(user=user, council=council).values_list("role", flat=True)
    requirements = TrainingRequirement.objects.filter(council=council, role__in=list(roles)).select_related("module")
    if publishing_only:
        requirements = requirements.filter(needed_to_publish=True)
    states: list[TrainingState] = []
    seen: set[int] = set()
    for requirement in requirements.order_by("-needed_to_publish", "module__title"):
        if requirement.module_id in seen:  # required by two of the person's roles: show it once
            continue
        seen.add(requirement.module_id)
        record = latest_completion(user=user, module=requirement.module)
        if record is None:
            states.append(TrainingState(requirement, None, None, "never"))
            continue
        expires = record.expires_on
        if expires is not None and expires < today:
            state = "lapsed"
        elif expires is not None and expires <= today + dt.timedelta(days=DUE_SOON_DAYS):
            state = "due_soon"
        else:
            state = "current"
        states.append(TrainingState(requirement, record.completed_on, expires, state))
    return states


@dataclass(frozen=True)
class OverdueTraining:
    user: Any
    state: TrainingState


def training_overdue(*, council: Council, today: dt.date | None = None) -> list[OverdueTraining]:
    """Everyone at the council whose required training has lapsed or was never done."""
    from townsquare.accounts.models import User

    roles = TrainingRequirement.objects.filter(council=council).values_list("role", flat=True)
    people = User.objects.filter(
        memberships__council=council, memberships__role__in=list(roles), is_active=True
    ).distinct()
    found = []
    for person in people.order_by("full_name", "email"):
        for state in training_states(user=person, council=council, today=today):
            if not state.is_current:
                found.append(OverdueTraining(person, state))
    return found


@dataclass(frozen=True)
class Attendance:
    session: TrainingSession
    invited: int
    attended: int
    absent: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.invited) if self.invited else None


def attendance_report(*, council: Council) -> tuple[list[Attendance], int]:
    """Every session with its attendance, and the share below which it counts as poorly attended."""
    threshold = governance_settings(council=council).poor_attendance_percent
    sessions = (
        TrainingSession.objects.filter(module__council=council)
        .select_related("module")
        .annotate(
            n_total=Count("records"),
            n_attended=Count("records", filter=Q(records__status__in=["attended", "completed"])),
            n_absent=Count("records", filter=Q(records__status="absent")),
        )
        .order_by("-held_on")
    )
    rows = [Attendance(s, s.n_total, s.n_attended, s.n_absent) for s in sessions]  # type: ignore[attr-defined]
    return rows, threshold


# --- Breaches -------------------------------------------------------------------------------------


def is_monitoring_officer(*, user: Any, council: Council) -> bool:
    return GovernanceSettings.objects.filter(council=council, monitoring_officer=user).exists()


def can_see_breaches(*, user: User | Any, council: Council) -> bool:
    """Only the monitoring officer and the people they name see the breach register."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_monitoring_officer(user=user, council=council)
        or BreachViewer.objects.filter(council=council, user=user).exists()
    )
