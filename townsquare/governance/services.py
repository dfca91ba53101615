"""Changes to the governance registers; each writes its audit event in the same transaction, and
tells people only after commit. Training and publishing rights are in ``training_services.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.councils.models import Council
from townsquare.governance.importing import ParsedTable
from townsquare.governance.models import (
    Acknowledgement,
    ActionPlan,
    Breach,
    BreachViewer,
    GovernanceSettings,
    Policy,
    PolicySection,
    PolicyVersion,
    ProgressUpdate,
    Recommendation,
    StrategyPhase,
)
from townsquare.governance.notices import resolve as notices_resolve
from townsquare.governance.notices import tell
from townsquare.governance.selectors import (
    audience_people,
    can_see_breaches,
    governance_settings,
    is_monitoring_officer,
)
from townsquare.governance.training_services import (
    day_words,
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
    "policies_remind_reviews",
    "policy_acknowledge",
    "policy_mark_reviewed",
    "policy_version_publish",
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


# --- Policies -------------------------------------------------------------------------------------


def policy_version_publish(
    *,
    actor: User | None,
    policy: Policy,
    number: str,
    approved_by: str = "",
    approved_on: dt.date | None = None,
    summary: str = "",
    document_url: str = "",
    sections: Iterable[tuple[str, str, str]] = (),
) -> PolicyVersion:
    """Publish a new version: everyone in the policy's audience is asked to acknowledge it, and the
    next review falls due one review interval after its approval (or today)."""
    number = number.strip()
    if not number:
        raise ValidationError("Give the version a number, like 2.0.")
    if policy.versions.filter(number=number).exists():
        raise ValidationError(f"Version {number} of this policy already exists.")
    now = timezone.now()
    start = approved_on or timezone.localdate()
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            policy=policy,
            number=number,
            approved_by=approved_by,
            approved_on=approved_on,
            summary=summary,
            document_url=document_url,
            published_at=now,
            published_by=actor,
        )
        for order, (title, section_audience, body) in enumerate(sections):
            PolicySection.objects.create(
                version=version, order=order, title=title, audience=section_audience, body=body
            )
        before = snapshot(policy, ["next_review_on"])
        policy.next_review_on = start + relativedelta(months=policy.review_interval_months)
        policy.reminded_for = None
        policy.save(update_fields=["next_review_on", "reminded_for"])
        notices_resolve(
            url=reverse("governance:policy", args=[policy.council.slug, policy.pk]), kinds=["policy.review_due"]
        )
        audience = list(audience_people(council=policy.council, audience=policy.audience))
        Acknowledgement.objects.bulk_create(
            [Acknowledgement(version=version, user=person, requested_at=now) for person in audience]
        )
        audit_record(
            actor=actor,
            council=policy.council,
            action="policy.version_published",
            obj=version,
            before=before,
            after={
                "number": number,
                "approved_by": approved_by,
                "approved_on": approved_on,
                "next_review_on": policy.next_review_on,
                "asked_to_acknowledge": len(audience),
            },
        )
        tell(
            users=audience,
            council=policy.council,
            kind="policy.acknowledge",
            subject=f"Please read and acknowledge {policy.title}",
            message=f"Version {number} of {policy.title} has been published. Please read it and acknowledge it.",
            url=reverse("governance:policy", args=[policy.council.slug, policy.pk]),
        )
    return version


def policy_acknowledge(*, actor: User, version: PolicyVersion) -> Acknowledgement:
    """Record that ``actor`` has read the version; people who joined after it was published may too."""
    council = version.policy.council
    with transaction.atomic():
        ack = Acknowledgement.objects.select_for_update().filter(version=version, user=actor).first()
        if ack is None:
            if not audience_people(council=council, audience=version.policy.audience).filter(pk=actor.pk).exists():
                raise ValidationError("This policy is not addressed to you, so there is nothing to acknowledge.")
            ack = Acknowledgement.objects.create(version=version, user=actor, requested_at=timezone.now())
        if ack.acknowledged_at is not None:
            return ack
        ack.acknowledged_at = timezone.now()
        ack.save(update_fields=["acknowledged_at"])
        audit_record(
            actor=actor,
            council=council,
            action="policy.acknowledged",
            obj=version,
            after={"user": actor.email, "version": version.number},
        )
        notices_resolve(
            url=reverse("governance:policy", args=[council.slug, version.policy_id]),
            kinds=["policy.acknowledge"],
            users=[actor],
        )
    return ack


def policy_mark_reviewed(*, actor: User, policy: Policy, reviewed_on: dt.date, note: str = "") -> Policy:
    """A review that changes nothing: the next review is one interval on."""
    with transaction.atomic():
        before = snapshot(policy, ["next_review_on"])
        policy.next_review_on = reviewed_on + relativedelta(months=policy.review_interval_months)
        policy.reminded_for = None
        policy.save(update_fields=["next_review_on", "reminded_for"])
        audit_record(
            actor=actor,
            council=policy.council,
            action="policy.reviewed",
            obj=policy,
            before=before,
            after=snapshot(policy, ["next_review_on"]),
            reason=note,
        )
        notices_resolve(
            url=reverse("governance:policy", args=[policy.council.slug, policy.pk]), kinds=["policy.review_due"]
        )
    return policy


def policies_remind_reviews(*, council: Council, today: dt.date | None = None) -> int:
    """Remind each owner once per review date, from the council's reminder window before it falls due."""
    today = today or timezone.localdate()
    window = today + dt.timedelta(days=governance_settings(council=council).review_reminder_days)
    due = Policy.objects.filter(council=council, retired=False, next_review_on__lte=window, owner__isnull=False)
    sent = 0
    for policy in due.exclude(reminded_for=models.F("next_review_on")).select_related("owner"):
        with transaction.atomic():
            # Conditional update: two schedulers running at once send one reminder, not two.
            won = (
                Policy.objects.filter(pk=policy.pk)
                .exclude(reminded_for=policy.next_review_on)
                .update(reminded_for=policy.next_review_on)
            )
            if not won:
                continue
            assert policy.next_review_on is not None
            overdue = policy.next_review_on < today
            when = "was due" if overdue else "falls due"
            audit_record(
                actor=None,
                council=council,
                action="policy.review_reminder_sent",
                obj=policy,
                after={"owner": policy.owner.email if policy.owner else "", "next_review_on": policy.next_review_on},
            )
            tell(
                users=[policy.owner],
                council=council,
                kind="policy.review_due",
                subject=f"Review of {policy.title} {when} on {day_words(policy.next_review_on)}",
                message=f"The review of {policy.title} {when} on {day_words(policy.next_review_on)}. Review it and "
                "publish a new version, or record that it was reviewed without change.",
                url=reverse("governance:policy", args=[council.slug, policy.pk]),
            )
            sent += 1
    return sent


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
