"""Writes to the policy register: publishing a version, acknowledging it, recording a review, and
reminding owners of reviews that fall due. Each change to the register is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.councils.models import Council
from townsquare.governance.models import (
    Acknowledgement,
    Policy,
    PolicySection,
    PolicyVersion,
)
from townsquare.governance.notices import resolve as notices_resolve
from townsquare.governance.notices import tell
from townsquare.governance.selectors import (
    audience_people,
    governance_settings,
)
from townsquare.governance.training_services import (
    day_words,
)

# Training and publishing rights are written in training_services.py and importable from here too.
if TYPE_CHECKING:
    from townsquare.accounts.models import User


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
