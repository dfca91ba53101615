"""Changes to the governance registers; each writes its audit event in the same transaction, and
tells people only after commit. Training and publishing rights are in ``training_services.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from townsquare.audit.services import audit_record, snapshot
from townsquare.councils.models import Council
from townsquare.governance.importing import ParsedTable
from townsquare.governance.models import (
    ActionPlan,
    Breach,
    BreachViewer,
    GovernanceSettings,
    Policy,
    ProgressUpdate,
    Recommendation,
    StrategyPhase,
)
from townsquare.governance.selectors import (
    can_see_breaches,
    is_monitoring_officer,
)
from townsquare.governance.training_services import (
    publishing_right_grant,
    publishing_right_revoke,
    publishing_rights_enforce,
    publishing_rights_refusal,
    training_attendance_record,
    training_completion_record,
    training_invite,
)

# Training and publishing rights are written in training_services.py and importable from here too.
__all__ = [
    "action_plan_import",
    "breach_save_form",
    "breach_viewer_add",
    "breach_viewer_remove",
    "form_save_audited",
    "governance_settings_update",
    "progress_update_add",
    "publishing_right_grant",
    "publishing_right_revoke",
    "publishing_rights_enforce",
    "publishing_rights_refusal",
    "training_attendance_record",
    "training_completion_record",
    "training_invite",
]

if TYPE_CHECKING:
    from django.forms import ModelForm

    from townsquare.accounts.models import User


def form_save_audited(
    *, actor: User, form: ModelForm[Any], council: Council, action: str, fields: list[str] | None = None
) -> Any:
    """Save a register entry from a valid form, writing ``<action>.created`` or ``<action>.updated``."""
    creating = form.instance.pk is None
    model = type(form.instance)
    before = None if creating else snapshot(model.objects.get(pk=form.instance.pk), fields)
    with transaction.atomic():
        saved = form.save()
        after = snapshot(saved, fields)
        if creating or after != before:
            audit_record(
                actor=actor,
                council=council,
                action=f"{action}.{'created' if creating else 'updated'}",
                obj=saved,
                before=before,
                after=after,
            )
    return saved


# --- Settings and the breach register's readers ---------------------------------------------------

SETTINGS_FIELDS = [
    "training_required_for_publishing",
    "review_reminder_days",
    "poor_attendance_percent",
    "monitoring_officer_id",
]


def governance_settings_update(*, actor: User, council: Council, changes: dict[str, Any]) -> GovernanceSettings:
    with transaction.atomic():
        current, _ = GovernanceSettings.objects.select_for_update().get_or_create(council=council)
        before = snapshot(current, SETTINGS_FIELDS)
        for name, value in changes.items():
            if name not in {
                "training_required_for_publishing",
                "review_reminder_days",
                "poor_attendance_percent",
                "monitoring_officer",
            }:
                raise ValidationError(f"{name} cannot be changed here.")
            setattr(current, name, value)
        officer = current.monitoring_officer
        if officer is not None and not council.memberships.filter(user=officer).exists():
            raise ValidationError("The monitoring officer must hold a role at this council.")
        current.save()
        after = snapshot(current, SETTINGS_FIELDS)
        if after != before:
            audit_record(
                actor=actor,
                council=council,
                action="governance.settings_updated",
                obj=current,
                before=before,
                after=after,
            )
    return current


def breach_viewer_add(*, actor: User, council: Council, user: User) -> BreachViewer:
    if not is_monitoring_officer(user=actor, council=council):
        raise ValidationError("Only the monitoring officer can name people who may see the breach register.")
    if not council.memberships.filter(user=user).exists():
        raise ValidationError("That person holds no role at this council.")
    with transaction.atomic():
        viewer, created = BreachViewer.objects.get_or_create(council=council, user=user, defaults={"named_by": actor})
        if created:
            audit_record(
                actor=actor,
                council=council,
                action="breach_register.viewer_named",
                obj=viewer,
                after={"user": user.email},
            )
    return viewer


def breach_viewer_remove(*, actor: User, viewer: BreachViewer) -> None:
    if not is_monitoring_officer(user=actor, council=viewer.council):
        raise ValidationError("Only the monitoring officer can remove people from the breach register.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=viewer.council,
            action="breach_register.viewer_removed",
            obj=viewer,
            before={"user": viewer.user.email},
        )
        viewer.delete()


# Audit events name a breach's classification, never its content: the audit trail has a wider
# readership than the breach register.
BREACH_AUDITED = ["against", "subject_user_id", "subject_channel_id", "category", "severity", "status", "reported_on"]


def breach_save_form(*, actor: User, form: ModelForm[Any]) -> Breach:
    council: Council = form.instance.council
    if not can_see_breaches(user=actor, council=council):
        raise ValidationError("Only the monitoring officer and the people they name may keep the breach register.")
    if form.instance.pk is None:
        form.instance.recorded_by = actor
    return form_save_audited(actor=actor, form=form, council=council, action="breach", fields=BREACH_AUDITED)  # type: ignore[no-any-return]


# --- Recommendations, action plans and the strategy timetable --------------------------------------


def action_plan_import(
    *,
    actor: User | None,
    council: Council,
    table: ParsedTable,
    title: str,
    source_body: str = "",
    meeting_on: dt.date | None = None,
    strategy: Policy | None = None,
) -> ActionPlan | list[StrategyPhase]:
    """Save a checked table: recommendations become an action plan, phases the strategy timetable."""
    if not table.rows:
        raise ValidationError("There are no rows to import.")
    with transaction.atomic():
        if table.kind == "phases":
            start = (StrategyPhase.objects.filter(council=council).aggregate(m=models.Max("order"))["m"] or 0) + 1
            phases = [
                StrategyPhase.objects.create(
                    council=council,
                    strategy=strategy,
                    order=start + i,
                    phase=row.recommendation,
                    details=row.action,
                    timescale=row.timescale,
                    due_on=row.due_on,
                    status=row.status,
                    status_note=row.status_note,
                    delayed_until=row.delayed_until,
                )
                for i, row in enumerate(table.rows)
            ]
            audit_record(
                actor=actor,
                council=council,
                action="strategy_timetable.imported",
                object_type="governance.strategyphase",
                after={"phases": [p.pk for p in phases]},
            )
            return phases
        if not title.strip():
            raise ValidationError("Give the action plan a title.")
        plan = ActionPlan.objects.create(
            council=council,
            title=title.strip(),
            source_body=source_body.strip(),
            meeting_on=meeting_on,
            created_by=actor,
        )
        for i, row in enumerate(table.rows):
            Recommendation.objects.create(
                plan=plan,
                order=i,
                number=row.number,
                text=row.recommendation,
                sub_items=row.sub_items,
                decision=row.decision,
                decided_by=row.decided_by,
                action=row.action,
                owner_title=row.owner[:300],
                budget=row.budget[:120],
                timescale=row.timescale[:300],
                due_on=row.due_on,
                status=row.status,
                delayed_until=row.delayed_until,
            )
        audit_record(
            actor=actor,
            council=council,
            action="action_plan.imported",
            obj=plan,
            after={"title": plan.title, "recommendations": len(table.rows), "format": table.source_format},
        )
    return plan


def progress_update_add(
    *,
    actor: User,
    recommendation: Recommendation,
    on: dt.date,
    text: str,
    status: str,
    delayed_until: dt.date | None = None,
) -> ProgressUpdate:
    if not text.strip():
        raise ValidationError("Say what progress has been made.")
    if status == "delayed" and delayed_until is None:
        raise ValidationError("Give the date it is delayed until.")
    with transaction.atomic():
        before = snapshot(recommendation, ["status", "delayed_until"])
        update = ProgressUpdate.objects.create(
            recommendation=recommendation, on=on, text=text.strip(), status=status, author=actor
        )
        recommendation.status = status
        recommendation.delayed_until = delayed_until if status == "delayed" else None
        recommendation.save(update_fields=["status", "delayed_until"])
        audit_record(
            actor=actor,
            council=recommendation.plan.council,
            action="recommendation.progress_updated",
            obj=recommendation,
            before=before,
            after={**snapshot(recommendation, ["status", "delayed_until"]), "on": on, "update": update.pk},
        )
    return update
