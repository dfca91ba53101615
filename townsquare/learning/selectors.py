"""Reading e-learning: which modules a person should take and when, their progress, and the
completion reports (by council, service and role; due and overdue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from townsquare.councils.models import Council, Membership
from townsquare.councils.roles import Role
from townsquare.governance.models import AUDIENCE_ROLES, PolicySection, TrainingRecord, TrainingRequirement
from townsquare.governance.selectors import DUE_SOON_DAYS, latest_completion
from townsquare.learning.models import Attempt, Completion, LearningModule, ModuleVersion, Page


def current_version(*, module: LearningModule) -> ModuleVersion | None:
    return module.versions.filter(published_at__isnull=False).order_by("-number").first()


def may_take(*, user: Any, module: LearningModule) -> bool:
    roles = set(Membership.objects.filter(user=user, council=module.council).values_list("role", flat=True))
    return bool(roles & AUDIENCE_ROLES[module.audience])


def required_roles(*, module: LearningModule) -> set[str]:
    return set(
        TrainingRequirement.objects.filter(council=module.council, module=module.training_module).values_list(
            "role", flat=True
        )
    )


@dataclass(frozen=True)
class Standing:
    """Where one person stands with one module."""

    module: LearningModule
    version: ModuleVersion | None
    required: bool
    state: str  # current, due_soon, overdue, due, optional
    due_on: dt.date | None
    last: TrainingRecord | None
    attempt: Attempt | None

    @property
    def label(self) -> str:
        return {
            "current": "Complete",
            "due_soon": "Due soon",
            "overdue": "Overdue",
            "due": "To do",
            "optional": "Optional",
        }[self.state]

    @property
    def tag(self) -> str:
        return {"current": "green", "due_soon": "yellow", "overdue": "red", "due": "blue", "optional": "grey"}[
            self.state
        ]


def standing(
    *,
    user: Any,
    module: LearningModule,
    roles: set[str],
    today: dt.date | None = None,
    joined: dt.datetime | None = None,
) -> Standing:
    """``roles``: the person's roles at the module's council. A required module never passed is due
    ``complete_within_days`` after the later of its first publication and the person's first role there."""
    today = today or timezone.localdate()
    version = current_version(module=module)
    required = bool(roles & required_roles(module=module))
    last = latest_completion(user=user, module=module.training_module)
    attempt = Attempt.objects.filter(user=user, version=version, submitted_at__isnull=True).first() if version else None
    due_on: dt.date | None = None
    if last is not None and (last.expires_on is None or last.expires_on >= today):
        due_on = last.expires_on
        soon = due_on is not None and due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)
        state = "due_soon" if soon else "current"
    elif last is not None:
        due_on, state = last.expires_on, "overdue"
    elif required and version is not None:
        first = module.versions.filter(published_at__isnull=False).order_by("number").first()
        assert first is not None and first.published_at is not None
        start = max(
            timezone.localtime(first.published_at).date(), timezone.localtime(joined).date() if joined else dt.date.min
        )
        due_on = start + dt.timedelta(days=module.complete_within_days)
        state = "overdue" if due_on < today else "due"
    else:
        state = "due" if required else "optional"
    return Standing(module, version, required, state, due_on, last, attempt)


def _joined(user: Any, council: Council) -> dt.datetime | None:
    first = Membership.objects.filter(user=user, council=council).order_by("created_at").first()
    return first.created_at if first else None


def modules_for(*, user: Any, council: Council, today: dt.date | None = None) -> list[Standing]:
    """The published modules addressed to the person's roles, required and overdue first."""
    roles = set(Membership.objects.filter(user=user, council=council).values_list("role", flat=True))
    joined = _joined(user, council)
    found = [
        standing(user=user, module=m, roles=roles, today=today, joined=joined)
        for m in LearningModule.objects.filter(council=council).select_related("training_module", "policy")
        if roles & AUDIENCE_ROLES[m.audience]
    ]
    order = {"overdue": 0, "due": 1, "due_soon": 2, "optional": 3, "current": 4}
    return sorted((s for s in found if s.version is not None), key=lambda s: (order[s.state], s.module.title))


def module_for(*, council: Council, slug: str) -> LearningModule | None:
    return LearningModule.objects.filter(council=council, slug=slug).select_related("training_module", "policy").first()


def modules_of(*, council: Council) -> QuerySet[LearningModule]:
    return LearningModule.objects.filter(council=council).select_related("training_module", "policy")


def policy_section_link(*, page: Page) -> tuple[PolicySection, Any] | None:
    """The section of the module's policy the page points to, in the policy's *current* version."""
    policy = page.version.module.policy
    if not page.policy_section or policy is None or policy.current_version is None:
        return None
    section = policy.current_version.sections.filter(title__iexact=page.policy_section.strip()).first()
    return (section, policy.current_version) if section else None


def policy_changed_since(*, module: LearningModule) -> bool:
    """The policy has a newer version than the one the module's current version was written against."""
    version = current_version(module=module)
    policy = module.policy
    if version is None or policy is None or policy.current_version is None:
        return False
    return version.policy_version_id != policy.current_version.pk


def last_attempt(*, user: Any, version: ModuleVersion) -> Attempt | None:
    return Attempt.objects.filter(user=user, version=version, submitted_at__isnull=False).first()


def completion_for(*, record: TrainingRecord | None) -> Completion | None:
    return Completion.objects.filter(training_record=record).select_related("version").first() if record else None


ROLE_LABELS = dict(Role.choices)
