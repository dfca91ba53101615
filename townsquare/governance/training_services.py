"""Training and publishing rights: invitations, attendance and completions, and the rights to publish
that depend on them. Each change writes its audit event in the same transaction.

``publishing_rights_refusal`` is what publishing asks before anyone drafts or submits a post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.councils.access import perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance.models import (
    PublishingRight,
    TrainingModule,
    TrainingRecord,
    TrainingSession,
)
from townsquare.governance.notices import tell
from townsquare.governance.selectors import (
    governance_settings,
    training_states,
)

if TYPE_CHECKING:
    from townsquare.accounts.models import User


def day_words(day: dt.date) -> str:
    """A date as people write it: 6 December 2026."""
    return f"{day.day} {day:%B %Y}"


# --- Training -------------------------------------------------------------------------------------


def _expiry(module: TrainingModule, completed_on: dt.date) -> dt.date | None:
    return completed_on + relativedelta(months=module.valid_for_months) if module.valid_for_months else None


def training_invite(*, actor: User, session: TrainingSession, users: Iterable[User]) -> int:
    council = session.module.council
    added = 0
    with transaction.atomic():
        for person in users:
            _, created = TrainingRecord.objects.get_or_create(
                session=session,
                user=person,
                defaults={"module": session.module, "status": TrainingRecord.Status.INVITED, "recorded_by": actor},
            )
            added += created
        if added:
            audit_record(actor=actor, council=council, action="training.invited", obj=session, after={"invited": added})
    return added


def training_attendance_record(*, actor: User, session: TrainingSession, attendance: dict[Any, str]) -> None:
    """Record who attended a session (``{user: 'attended' | 'absent'}``); attending completes the module."""
    council = session.module.council
    changed: dict[str, str] = {}
    with transaction.atomic():
        for person, status in attendance.items():
            if status not in {
                TrainingRecord.Status.ATTENDED,
                TrainingRecord.Status.ABSENT,
                TrainingRecord.Status.INVITED,
            }:
                raise ValidationError(f"{status!r} is not an attendance.")
            record, _ = TrainingRecord.objects.select_for_update().get_or_create(
                session=session,
                user=person,
                defaults={"module": session.module, "status": status, "recorded_by": actor},
            )
            attended = status == TrainingRecord.Status.ATTENDED
            new = (
                status,
                session.held_on if attended else None,
                _expiry(session.module, session.held_on) if attended else None,
            )
            if (record.status, record.completed_on, record.expires_on) != new or record._state.adding:
                record.status, record.completed_on, record.expires_on = new
                record.recorded_by = actor
                record.save()
                changed[person.email] = status
        if changed:
            audit_record(
                actor=actor,
                council=council,
                action="training.attendance_recorded",
                obj=session,
                after={"attendance": changed},
            )
        for person, status in attendance.items():
            if status == TrainingRecord.Status.ATTENDED:
                _reinstate_if_trained(user=person, council=council)


def training_completion_record(
    *, actor: User, module: TrainingModule, user: User, completed_on: dt.date
) -> TrainingRecord:
    """A completion outside a session (an e-learning module, training elsewhere)."""
    if completed_on > timezone.localdate():
        raise ValidationError("The completion date cannot be in the future.")
    council = module.council
    if not council.memberships.filter(user=user).exists():
        raise ValidationError("That person holds no role at this council.")
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            module=module,
            user=user,
            status=TrainingRecord.Status.COMPLETED,
            completed_on=completed_on,
            expires_on=_expiry(module, completed_on),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            council=council,
            action="training.completed",
            obj=record,
            after={
                "user": user.email,
                "module": module.title,
                "completed_on": completed_on,
                "expires_on": record.expires_on,
            },
        )
        _reinstate_if_trained(user=user, council=council)
    return record


# --- Publishing rights ----------------------------------------------------------------------------


def _training_gap(*, user: Any, council: Council, today: dt.date | None = None) -> str | None:
    """Why the person's training does not allow publishing, or None when it does."""
    for state in training_states(user=user, council=council, today=today, publishing_only=True):
        if state.is_current:
            continue
        title = state.requirement.module.title
        if state.state == "lapsed" and state.expires_on is not None:
            when = day_words(state.expires_on)
            return f"Your social media training lapsed on {when}: complete '{title}' to draft posts again."
        return f"You have not completed '{title}', which {council.name} requires before you may draft posts."
    return None


def publishing_rights_refusal(*, user: Any, council: Council, today: dt.date | None = None) -> str | None:
    """None when ``user`` may draft and submit posts at ``council``; otherwise the reason, in plain English.

    Publishing calls this before it accepts a draft or a submission. The role must allow drafting;
    rights a manager removed stay removed; and where the council makes training a condition, the
    person needs a grant and every training their roles require before publishing, current today.
    """
    if Perm.DRAFT_POSTS not in perms_in(user, council):
        return f"Your role at {council.name} does not include drafting posts."
    right = PublishingRight.objects.filter(council=council, user=user).first()
    if right is not None and not right.active and right.revoked_for == PublishingRight.RevokedFor.REMOVED:
        when = day_words(timezone.localtime(right.revoked_at).date()) if right.revoked_at else "an earlier date"
        return f"Your publishing rights at {council.name} were removed on {when}: {right.revoked_reason}".rstrip(": ")
    if not governance_settings(council=council).training_required_for_publishing:
        return None
    gap = _training_gap(user=user, council=council, today=today)
    if gap is not None:
        return gap
    if right is None or not right.active:
        return (
            f"You have not been given publishing rights at {council.name}: ask a communications officer "
            "or administrator to grant them."
        )
    return None


def publishing_right_grant(*, actor: User, council: Council, user: User) -> PublishingRight:
    """Give a person publishing rights; refused, changing nothing, if their training is not current."""
    if Perm.DRAFT_POSTS not in perms_in(user, council):
        raise ValidationError(f"{user.display_name}'s role at {council.name} does not include drafting posts.")
    if governance_settings(council=council).training_required_for_publishing:
        gap = _training_gap(user=user, council=council)
        if gap is not None:
            raise ValidationError(
                f"{user.display_name} cannot be given publishing rights until their training is current. "
                + gap.replace("Your ", "Their ").replace("You have", "They have")
            )
    with transaction.atomic():
        right = PublishingRight.objects.select_for_update().filter(council=council, user=user).first()
        if right is not None and right.active:
            return right
        if right is None:
            right = PublishingRight(council=council, user=user)
        right.active, right.granted_by, right.granted_at = True, actor, timezone.now()
        right.revoked_at, right.revoked_for, right.revoked_reason = None, PublishingRight.RevokedFor.NONE, ""
        right.save()
        audit_record(
            actor=actor, council=council, action="publishing_rights.granted", obj=right, after={"user": user.email}
        )
    return right


def _revoke(*, actor: User | None, right: PublishingRight, why: str, reason: str) -> None:
    right.active, right.revoked_at, right.revoked_for, right.revoked_reason = False, timezone.now(), why, reason
    right.save(update_fields=["active", "revoked_at", "revoked_for", "revoked_reason"])
    audit_record(
        actor=actor,
        council=right.council,
        action="publishing_rights.revoked",
        obj=right,
        after={"user": right.user.email, "revoked_for": why},
        reason=reason,
    )
    tell(
        users=[right.user],
        council=right.council,
        kind="publishing_rights.revoked",
        subject="Your publishing rights have been removed",
        message=reason,
        url=reverse("governance:my_training", args=[right.council.slug]),
    )


def publishing_right_revoke(*, actor: User, right: PublishingRight, reason: str) -> PublishingRight:
    if not reason.strip():
        raise ValidationError("Give the reason the rights are removed; the person is told it.")
    with transaction.atomic():
        _revoke(actor=actor, right=right, why=PublishingRight.RevokedFor.REMOVED, reason=reason.strip())
    return right


def publishing_rights_enforce(*, council: Council, today: dt.date | None = None) -> int:
    """Remove rights whose holder's required training has lapsed (the periodic job); returns how many."""
    if not governance_settings(council=council).training_required_for_publishing:
        return 0
    revoked = 0
    for right in PublishingRight.objects.filter(council=council, active=True).select_related("user", "council"):
        gap = _training_gap(user=right.user, council=council, today=today)
        if gap is None:
            continue
        with transaction.atomic():
            # Conditional update first: with two workers, only one revokes and notifies.
            if not PublishingRight.objects.filter(pk=right.pk, active=True).update(active=False):
                continue
            _revoke(actor=None, right=right, why=PublishingRight.RevokedFor.LAPSED, reason=gap)
        revoked += 1
    return revoked


def _reinstate_if_trained(*, user: Any, council: Council) -> None:
    """Rights taken away only because training lapsed come back when it is current again."""
    right = PublishingRight.objects.filter(
        council=council, user=user, active=False, revoked_for=PublishingRight.RevokedFor.LAPSED
    ).first()
    if right is None or _training_gap(user=user, council=council) is not None:
        return
    right.active, right.revoked_at, right.revoked_for, right.revoked_reason = (
        True,
        None,
        PublishingRight.RevokedFor.NONE,
        "",
    )
    right.save(update_fields=["active", "revoked_at", "revoked_for", "revoked_reason"])
    audit_record(
        actor=None,
        council=council,
        action="publishing_rights.reinstated",
        obj=right,
        after={"user": user.email},
        reason="Required training completed.",
    )
    tell(
        users=[user],
        council=council,
        kind="publishing_rights.reinstated",
        subject="Your publishing rights are back",
        message=f"Your training is current again, so you may draft posts at {council.name} again.",
        url=reverse("governance:my_training", args=[council.slug]),
    )
