"""Publishing rights: training as a condition, the grant, lapse and reinstatement."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.governance.models import GovernanceSettings, PublishingRight, TrainingModule, TrainingRequirement
from townsquare.governance.services import (
    publishing_right_grant,
    publishing_right_revoke,
    publishing_rights_enforce,
    publishing_rights_refusal,
    training_completion_record,
)
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_enqueue, jobs_run_due


@pytest.fixture
def annual(riverside: Council) -> TrainingModule:
    module = TrainingModule.objects.create(
        council=riverside, title="Annual social media training", kind=TrainingModule.Kind.ANNUAL, valid_for_months=12
    )
    TrainingRequirement.objects.create(council=riverside, role="officer", module=module, needed_to_publish=True)
    TrainingRequirement.objects.create(council=riverside, role="comms", module=module, needed_to_publish=True)
    return module


@pytest.fixture
def required(riverside: Council, annual: TrainingModule) -> GovernanceSettings:
    return GovernanceSettings.objects.create(council=riverside, training_required_for_publishing=True)


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_without_the_training_condition_everyone_who_drafts_may(
    people: SimpleNamespace, riverside: Council, annual: TrainingModule
) -> None:
    assert publishing_rights_refusal(user=people.officer, council=riverside) is None
    assert publishing_rights_refusal(user=people.comms, council=riverside) is None
    assert publishing_rights_refusal(user=people.councillor, council=riverside) == (
        "Your role at Riverside District Council does not include drafting posts."
    )
    assert publishing_rights_refusal(user=people.outsider, council=riverside) is not None


def test_an_untrained_officer_cannot_be_given_rights(
    people: SimpleNamespace, riverside: Council, required: object
) -> None:
    with pytest.raises(ValidationError, match="cannot be given publishing rights until their training is current"):
        publishing_right_grant(actor=people.comms, council=riverside, user=people.officer)
    assert not PublishingRight.objects.exists()
    assert publishing_rights_refusal(user=people.officer, council=riverside) == (
        "You have not completed 'Annual social media training', which Riverside District Council requires "
        "before you may draft posts."
    )


def test_a_trained_officer_needs_the_grant_too(
    people: SimpleNamespace, riverside: Council, required: object, annual: TrainingModule
) -> None:
    training_completion_record(
        actor=people.comms, module=annual, user=people.officer, completed_on=timezone.localdate()
    )
    assert "You have not been given publishing rights" in publishing_rights_refusal(
        user=people.officer, council=riverside
    )  # type: ignore[operator]
    publishing_right_grant(actor=people.comms, council=riverside, user=people.officer)
    assert publishing_rights_refusal(user=people.officer, council=riverside) is None
    assert AuditEvent.objects.filter(action="publishing_rights.granted").count() == 1


def test_lapsed_training_refuses_the_next_submission_with_the_reason(
    people: SimpleNamespace, riverside: Council, required: object, annual: TrainingModule
) -> None:
    completed = timezone.localdate() - dt.timedelta(days=400)
    training_completion_record(actor=people.comms, module=annual, user=people.officer, completed_on=completed)
    lapsed_on = completed + relativedelta(months=12)
    # Given while current (as if a year ago), the grant is now stale: the refusal is decided today, not by the job.
    PublishingRight.objects.create(
        council=riverside,
        user=people.officer,
        granted_by=people.comms,
        granted_at=timezone.now() - dt.timedelta(days=390),
    )
    reason = publishing_rights_refusal(user=people.officer, council=riverside)
    assert reason == (
        f"Your social media training lapsed on {_fmt(lapsed_on)}: complete "
        "'Annual social media training' to draft posts again."
    )


def test_the_periodic_job_revokes_lapsed_rights_with_a_notice_and_audit(
    people: SimpleNamespace, riverside: Council, required: object, annual: TrainingModule
) -> None:
    training_completion_record(
        actor=people.comms,
        module=annual,
        user=people.officer,
        completed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    PublishingRight.objects.create(
        council=riverside,
        user=people.officer,
        granted_by=people.comms,
        granted_at=timezone.now() - dt.timedelta(days=390),
    )
    job_enqueue(kind="governance.training_lapses")
    jobs_run_due(worker="test")
    assert Job.objects.get(kind="governance.training_lapses").status == Job.Status.DONE
    right = PublishingRight.objects.get(user=people.officer)
    assert not right.active and right.revoked_for == PublishingRight.RevokedFor.LAPSED
    assert "lapsed" in right.revoked_reason
    event = AuditEvent.objects.get(action="publishing_rights.revoked")
    assert event.actor_label == "system" and event.after["revoked_for"] == "lapsed"
    # Running it again changes nothing and tells nobody twice.
    assert publishing_rights_enforce(council=riverside) == 0
    assert AuditEvent.objects.filter(action="publishing_rights.revoked").count() == 1


def test_the_notice_is_emailed_after_commit(
    people: SimpleNamespace,
    riverside: Council,
    required: object,
    annual: TrainingModule,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    training_completion_record(
        actor=people.comms,
        module=annual,
        user=people.officer,
        completed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    PublishingRight.objects.create(
        council=riverside, user=people.officer, granted_by=people.comms, granted_at=timezone.now()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert publishing_rights_enforce(council=riverside) == 1
        assert mail.outbox == []  # nothing is sent before the change commits
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["officer@riverside.example"]]
    assert "Annual social media training" in mail.outbox[0].body


def test_completing_training_again_reinstates_lapsed_rights(
    people: SimpleNamespace, riverside: Council, required: object, annual: TrainingModule
) -> None:
    training_completion_record(
        actor=people.comms,
        module=annual,
        user=people.officer,
        completed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    PublishingRight.objects.create(
        council=riverside, user=people.officer, granted_by=people.comms, granted_at=timezone.now()
    )
    publishing_rights_enforce(council=riverside)
    training_completion_record(
        actor=people.comms, module=annual, user=people.officer, completed_on=timezone.localdate()
    )
    assert PublishingRight.objects.get(user=people.officer).active
    assert publishing_rights_refusal(user=people.officer, council=riverside) is None
    assert AuditEvent.objects.filter(action="publishing_rights.reinstated").count() == 1


def test_rights_removed_by_a_manager_stay_removed_even_without_the_condition(
    people: SimpleNamespace, riverside: Council
) -> None:
    right = publishing_right_grant(actor=people.comms, council=riverside, user=people.officer)
    with pytest.raises(ValidationError):
        publishing_right_revoke(actor=people.comms, right=right, reason="  ")
    publishing_right_revoke(actor=people.comms, right=right, reason="Posted a resident's address.")
    reason = publishing_rights_refusal(user=people.officer, council=riverside)
    assert reason is not None and reason.endswith(": Posted a resident's address.")


def test_a_future_completion_date_is_refused(
    people: SimpleNamespace, riverside: Council, annual: TrainingModule
) -> None:
    with pytest.raises(ValidationError):
        training_completion_record(
            actor=people.comms,
            module=annual,
            user=people.officer,
            completed_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_end_to_end_submission_through_publishing_is_refused(
    people: SimpleNamespace, riverside: Council, required: object, annual: TrainingModule, channel: object
) -> None:
    publishing = pytest.importorskip("townsquare.publishing.services")
    training_completion_record(
        actor=people.comms,
        module=annual,
        user=people.officer,
        completed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    PublishingRight.objects.create(
        council=riverside, user=people.officer, granted_by=people.comms, granted_at=timezone.now()
    )
    post = publishing.post_create_draft(
        author=people.officer,
        council=riverside,
        text="Bins are collected on Friday this week.",
        channels=[channel],
        scheduled_for=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError) as refused:
        publishing.post_submit(actor=people.officer, post=post)
    assert "Your social media training lapsed on" in " ".join(refused.value.messages)
    post.refresh_from_db()
    assert post.status == "draft"
