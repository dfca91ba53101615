"""Authoring, versions, taking a module and recording passes in the training register."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.learning.conftest import answers
from townsquare.audit.models import AuditEvent
from townsquare.governance.models import GovernanceSettings, PublishingRight, TrainingRecord
from townsquare.governance.selectors import training_states
from townsquare.governance.services import (
    publishing_right_grant,
    publishing_rights_enforce,
    publishing_rights_refusal,
    training_completion_record,
)
from townsquare.learning.models import Completion, LearningModule
from townsquare.learning.selectors import current_version, modules_for
from townsquare.learning.services import (
    attempt_answers_save,
    attempt_page_read,
    attempt_resume,
    attempt_submit,
    version_draft,
    version_publish,
)
from townsquare.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_pass_is_recorded_in_the_register_with_version_and_score(
    module: LearningModule, people: SimpleNamespace
) -> None:
    version = current_version(module=module)
    assert version is not None
    attempt = attempt_resume(user=people.officer, version=version)
    result = attempt_submit(attempt=attempt, answers=answers(version, right=True))
    assert result.passed and result.score == 100
    completion = Completion.objects.get(user=people.officer)
    assert (completion.version, completion.score, completion.completed_on) == (version, 100, timezone.localdate())
    assert completion.training_record.module == module.training_module
    assert completion.training_record.status == TrainingRecord.Status.COMPLETED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"learning_module.attempted", "learning_module.completed", "training.completed"} <= actions
    assert [s.state for s in training_states(user=people.officer, council=module.council)] == ["current"]


def test_a_fail_records_nothing_and_names_the_pages_to_revisit(module: LearningModule, people: SimpleNamespace) -> None:
    version = current_version(module=module)
    assert version is not None
    result = attempt_submit(
        attempt=attempt_resume(user=people.officer, version=version), answers=answers(version, right=False)
    )
    assert not result.passed and result.score == 0
    assert [p.title for p in result.revisit] == ["What to post", "Personal data"]
    assert not TrainingRecord.objects.filter(user=people.officer).exists()
    with pytest.raises(ValidationError):  # the same attempt is not marked twice
        attempt_submit(attempt=result.marked[0].question.version.attempts.get(), answers=answers(version, True))


def test_unanswered_and_foreign_answers_are_refused_changing_nothing(
    module: LearningModule, people: SimpleNamespace
) -> None:
    version = current_version(module=module)
    assert version is not None
    attempt = attempt_resume(user=people.officer, version=version)
    first = version.questions.first()
    assert first is not None
    with pytest.raises(ValidationError, match="Answer every question"):
        attempt_submit(attempt=attempt, answers={str(first.pk): [first.choices.first().pk]})  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="not a choice"):
        attempt_submit(attempt=attempt, answers={str(first.pk): [999999]})
    with pytest.raises(ValidationError, match="choose one"):
        attempt_submit(attempt=attempt, answers={str(first.pk): [c.pk for c in first.choices.all()]})
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not Completion.objects.exists()


def test_progress_is_kept_between_visits(module: LearningModule, people: SimpleNamespace) -> None:
    version = current_version(module=module)
    assert version is not None
    attempt = attempt_resume(user=people.officer, version=version)
    attempt_page_read(attempt=attempt, number=2)
    attempt_page_read(attempt=attempt, number=1)  # going back does not lose the place
    partial = answers(version, right=True)
    attempt_answers_save(attempt=attempt, answers=dict(list(partial.items())[:1]))
    again = attempt_resume(user=people.officer, version=version)
    assert again.pk == attempt.pk and again.pages_read == 2 and len(again.answers) == 1


def test_people_outside_the_audience_cannot_start(module: LearningModule, people: SimpleNamespace) -> None:
    version = current_version(module=module)
    assert version is not None
    with pytest.raises(ValidationError):
        attempt_resume(user=people.councillor, version=version)


def test_passing_gives_back_rights_that_lapsed(module: LearningModule, people: SimpleNamespace) -> None:
    council = module.council
    GovernanceSettings.objects.create(council=council, training_required_for_publishing=True)
    old = timezone.localdate() - dt.timedelta(days=800)
    training_completion_record(
        actor=people.comms, module=module.training_module, user=people.officer, completed_on=old + dt.timedelta(days=10)
    )
    TrainingRecord.objects.filter(user=people.officer).update(expires_on=timezone.localdate() + dt.timedelta(days=5))
    publishing_right_grant(actor=people.comms, council=council, user=people.officer)
    TrainingRecord.objects.filter(user=people.officer).update(expires_on=old + dt.timedelta(days=700))
    assert publishing_rights_enforce(council=council) == 1
    assert publishing_rights_refusal(user=people.officer, council=council)
    version = current_version(module=module)
    assert version is not None
    attempt_submit(attempt=attempt_resume(user=people.officer, version=version), answers=answers(version, True))
    assert publishing_rights_refusal(user=people.officer, council=council) is None
    assert PublishingRight.objects.get(user=people.officer).active


def test_a_new_version_can_require_everyone_to_take_it_again(module: LearningModule, people: SimpleNamespace) -> None:
    v1 = current_version(module=module)
    assert v1 is not None
    attempt_submit(attempt=attempt_resume(user=people.officer, version=v1), answers=answers(v1, True))
    draft = version_draft(actor=people.comms, module=module)
    assert draft.number == 2 and draft.pages.count() == 2 and draft.questions.count() == 2
    retake_by = timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(ValidationError):
        version_publish(actor=people.comms, version=draft, requires_retake=True, retake_by=None)
    version_publish(
        actor=people.comms,
        version=draft,
        requires_retake=True,
        retake_by=retake_by,
        change_note="Follows the new policy.",
    )
    told = Notification.objects.filter(user=people.officer, kind="learning.due").values_list("message", flat=True)
    assert any("Version 2" in m and "Follows the new policy." in m for m in told)
    standing = modules_for(user=people.officer, council=module.council)[0]
    assert (standing.state, standing.due_on, standing.version) == ("due_soon", retake_by, draft)
    with pytest.raises(ValidationError, match="published version cannot be changed"):
        version_publish(actor=people.comms, version=draft)


def test_a_draft_with_no_questions_cannot_be_published(module: LearningModule, people: SimpleNamespace) -> None:
    draft = version_draft(actor=people.comms, module=module)
    draft.questions.all().delete()
    with pytest.raises(ValidationError, match="quiz question"):
        version_publish(actor=people.comms, version=draft)
    assert draft.published_at is None


def test_the_first_version_tells_the_people_who_must_take_it(module: LearningModule, people: SimpleNamespace) -> None:
    told = set(Notification.objects.filter(kind="learning.due").values_list("user__email", flat=True))
    assert told == {"officer@riverside.example", "comms@riverside.example"}  # admins may take it; not required
