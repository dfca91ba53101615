"""Changes to e-learning: authoring and publishing versions, taking a module, and recording passes.

Every governance-relevant change writes its audit event in the same transaction. A pass is recorded
through the training register's own service, so publishing rights come back exactly as they do for
a session attended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit.services import audit_record
from townsquare.governance.models import AUDIENCE_ROLES, TrainingRecord
from townsquare.governance.notices import tell
from townsquare.governance.services import form_save_audited, training_completion_record
from townsquare.learning.grading import Result, mark
from townsquare.learning.models import Attempt, Choice, Completion, LearningModule, ModuleVersion, Page, Question
from townsquare.learning.selectors import may_take, required_roles

if TYPE_CHECKING:
    from django.forms import ModelForm


# --- Authoring ------------------------------------------------------------------------------------


def module_save_form(*, actor: User, form: ModelForm[Any]) -> LearningModule:
    """Save a module's details; a new module starts with an empty draft, version 1."""
    creating = form.instance.pk is None
    with transaction.atomic():
        module: LearningModule = form_save_audited(
            actor=actor, form=form, council=form.instance.council, action="learning_module"
        )
        if creating:
            ModuleVersion.objects.create(module=module, number=1)
    return module


def version_draft(*, actor: User, module: LearningModule) -> ModuleVersion:
    """The module's draft to edit: the open one, or a copy of the newest published version."""
    with transaction.atomic():
        LearningModule.objects.select_for_update().filter(pk=module.pk).first()  # one draft at a time
        draft = module.versions.filter(published_at__isnull=True).first()
        if draft is not None:
            return draft
        source = module.versions.filter(published_at__isnull=False).order_by("-number").first()
        number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ModuleVersion.objects.create(
            module=module, number=number, policy_version=source.policy_version if source else None
        )
        if source is not None:
            _copy_content(source, draft)
        audit_record(
            actor=actor,
            council=module.council,
            action="learning_module.draft_started",
            obj=draft,
            after={"module": module.slug, "number": number, "copied_from": source.number if source else None},
        )
    return draft


def _copy_content(source: ModuleVersion, draft: ModuleVersion) -> None:
    pages: dict[int, Page] = {}
    for page in source.pages.all():
        old = page.pk
        page.pk, page.version = None, draft
        page.save()
        pages[old] = page
    for question in source.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        question.pk, question.version = None, draft
        question.revisit = pages.get(question.revisit_id) if question.revisit_id else None
        question.save()
        Choice.objects.bulk_create(
            [
                Choice(question=question, order=c.order, text=c.text, correct=c.correct, feedback=c.feedback)
                for c in choices
            ]
        )


def _only_drafts(version: ModuleVersion) -> None:
    if not version.is_draft:
        raise ValidationError("A published version cannot be changed: start a new version to change it.")


def _content_save(*, actor: User, form: ModelForm[Any], action: str, fields: list[str]) -> Any:
    """Save a page or question of a draft, audited; a new one goes last."""
    version: ModuleVersion = form.instance.version
    _only_drafts(version)
    if form.instance.pk is None:
        siblings = version.pages if isinstance(form.instance, Page) else version.questions
        form.instance.order = (siblings.aggregate(n=Max("order"))["n"] or 0) + 1
    return form_save_audited(actor=actor, form=form, council=version.module.council, action=action, fields=fields)


def page_save_form(*, actor: User, form: ModelForm[Any]) -> Page:
    fields = ["version_id", "order", "title", "body", "image", "image_alt", "policy_section"]
    page: Page = _content_save(actor=actor, form=form, action="learning_page", fields=fields)
    return page


def question_save(*, actor: User, form: ModelForm[Any], choices: Sequence[Mapping[str, Any]]) -> Question:
    """Save a question with its answers (``text``, ``correct``, ``feedback``), replacing the old answers."""
    version: ModuleVersion = form.instance.version
    _only_drafts(version)
    given = [c for c in choices if str(c.get("text", "")).strip()]
    if len(given) < 2:
        raise ValidationError("Give at least two answers.")
    right = sum(bool(c.get("correct")) for c in given)
    if right == 0:
        raise ValidationError("Mark at least one answer as correct.")
    if form.cleaned_data["kind"] == Question.Kind.SINGLE and right != 1:
        raise ValidationError("A 'choose one answer' question has exactly one correct answer.")
    with transaction.atomic():
        question: Question = _content_save(
            actor=actor,
            form=form,
            action="learning_question",
            fields=["version_id", "order", "text", "kind", "revisit_id"],
        )
        question.choices.all().delete()
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    order=i,
                    text=str(c["text"]).strip(),
                    correct=bool(c.get("correct")),
                    feedback=str(c.get("feedback", "")).strip(),
                )
                for i, c in enumerate(given)
            ]
        )
    return question


def content_delete(*, actor: User, item: Page | Question) -> None:
    _only_drafts(item.version)
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=item.version.module.council,
            action=f"learning_{type(item).__name__.lower()}.deleted",
            obj=item,
            before={"version": item.version.number, "title": str(item)},
        )
        item.delete()


def version_problems(version: ModuleVersion) -> list[str]:
    """What stops a draft being published, in plain English (empty when it is ready)."""
    problems = []
    if not version.pages.exists():
        problems.append("Add at least one page.")
    for page in version.pages.filter(~Q(image="") & Q(image_alt="")):
        problems.append(f"Give the image on '{page.title}' alt text.")
    questions = list(version.questions.prefetch_related("choices"))
    if not questions:
        problems.append("Add at least one quiz question.")
    for q in questions:
        right = sum(c.correct for c in q.choices.all())
        if right == 0 or (q.kind == Question.Kind.SINGLE and right != 1):
            problems.append(
                f"Question {q.order} needs {'one correct answer' if q.kind == 'single' else 'a correct answer'}."
            )
    return problems


def version_publish(
    *,
    actor: User | None,
    version: ModuleVersion,
    change_note: str = "",
    requires_retake: bool = False,
    retake_by: dt.date | None = None,
) -> ModuleVersion:
    """Publish a draft. With ``requires_retake``, everyone whose pass came before it must pass again by
    ``retake_by``: their completion in the training register now expires that day (if not sooner)."""
    _only_drafts(version)
    problems = version_problems(version)
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    if requires_retake and (retake_by is None or retake_by < today):
        raise ValidationError("Give the date by which people must take it again (today or later).")
    module = version.module
    policy = module.policy
    with transaction.atomic():
        version.change_note, version.requires_retake = change_note.strip(), requires_retake
        version.retake_by = retake_by if requires_retake else None
        version.published_at, version.published_by = timezone.now(), actor
        version.policy_version = policy.current_version if policy else version.policy_version
        version.save()
        shortened = _retake_by(module, retake_by) if requires_retake and retake_by else []
        audit_record(
            actor=actor,
            council=module.council,
            action="learning_module.version_published",
            obj=version,
            after={
                "module": module.slug,
                "number": version.number,
                "requires_retake": requires_retake,
                "retake_by": version.retake_by,
                "asked_to_retake": shortened,
                "policy_version": version.policy_version.number if version.policy_version else None,
            },
        )
        first = not module.versions.filter(published_at__isnull=False).exclude(pk=version.pk).exists()
        _tell_due(module, version, _required_people(module) if first else User.objects.filter(email__in=shortened))
    return version


def _required_people(module: LearningModule) -> QuerySet[User]:
    roles = required_roles(module=module) & AUDIENCE_ROLES[module.audience]
    return User.objects.filter(
        memberships__council=module.council, memberships__role__in=list(roles), is_active=True
    ).distinct()


def _tell_due(module: LearningModule, version: ModuleVersion, people: Iterable[User]) -> None:
    when = f" by {version.retake_by.day} {version.retake_by:%B %Y}" if version.retake_by else ""
    why = f" {version.change_note}" if version.change_note else ""
    tell(
        users=people,
        council=module.council,
        kind="learning.due",
        subject=f"Please take '{module.title}'{when}",
        message=(
            f"Version {version.number} of the e-learning module '{module.title}' is ready for you to take{when}.{why}"
        ),
        url=reverse("learning:start", args=[module.council.slug, module.slug]),
    )


def _retake_by(module: LearningModule, retake_by: dt.date) -> list[str]:
    """Bring forward the expiry of each current completion of the module's register entry."""
    records = (
        TrainingRecord.objects.filter(
            module=module.training_module,
            status__in=[TrainingRecord.Status.COMPLETED, TrainingRecord.Status.ATTENDED],
            completed_on__isnull=False,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=retake_by))
        .select_related("user")
    )
    emails = sorted({r.user.email for r in records})
    records.update(expires_on=retake_by)
    return emails


# --- Taking a module ------------------------------------------------------------------------------


def attempt_resume(*, user: User, version: ModuleVersion) -> Attempt:
    """The person's unfinished attempt at this version, or a new one."""
    if version.is_draft:
        raise ValidationError("This version has not been published yet.")
    if not may_take(user=user, module=version.module):
        raise ValidationError("This module is not addressed to your role.")
    with transaction.atomic():
        attempt = Attempt.objects.filter(user=user, version=version, submitted_at__isnull=True).first()
        return attempt or Attempt.objects.create(user=user, version=version)


def attempt_page_read(*, attempt: Attempt, number: int) -> Attempt:
    """Remember that pages up to ``number`` (from 1) have been read."""
    if number > attempt.pages_read and attempt.submitted_at is None:
        Attempt.objects.filter(pk=attempt.pk, pages_read__lt=number).update(
            pages_read=number, updated_at=timezone.now()
        )
        attempt.pages_read = number
    return attempt


def _clean_answers(version: ModuleVersion, answers: Mapping[str, Sequence[Any]]) -> dict[str, list[int]]:
    questions = {str(q.pk): q for q in version.questions.prefetch_related("choices")}
    cleaned: dict[str, list[int]] = {}
    for key, chosen in answers.items():
        question = questions.get(str(key))
        if question is None:
            raise ValidationError("One of the answers is not for a question in this module.")
        valid = {c.pk for c in question.choices.all()}
        try:
            ids = sorted({int(c) for c in chosen})
        except (TypeError, ValueError) as error:
            raise ValidationError("One of the answers is not a choice offered.") from error
        if not set(ids) <= valid:
            raise ValidationError("One of the answers is not a choice offered.")
        if question.kind == Question.Kind.SINGLE and len(ids) > 1:
            raise ValidationError(f"Question {question.order}: choose one answer.")
        if ids:
            cleaned[str(key)] = ids
    return cleaned


def attempt_answers_save(*, attempt: Attempt, answers: Mapping[str, Sequence[Any]]) -> Attempt:
    """Keep answers given so far, to finish later."""
    if attempt.submitted_at is not None:
        raise ValidationError("These answers have already been marked.")
    attempt.answers = _clean_answers(attempt.version, answers)
    attempt.save(update_fields=["answers", "updated_at"])
    return attempt


def attempt_submit(*, attempt: Attempt, answers: Mapping[str, Sequence[Any]]) -> Result:
    """Mark the answers; a pass records the completion in the training register."""
    if attempt.submitted_at is not None:
        raise ValidationError("These answers have already been marked: start the quiz again.")
    version, module = attempt.version, attempt.version.module
    cleaned = _clean_answers(version, answers)
    questions = list(version.questions.select_related("revisit").prefetch_related("choices"))
    missing = [str(q.order) for q in questions if str(q.pk) not in cleaned]
    if missing:
        raise ValidationError(f"Answer every question (not yet answered: {', '.join(missing)}).")
    result = mark(questions, cleaned, module.pass_mark)
    with transaction.atomic():
        done = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            answers=cleaned, submitted_at=timezone.now(), score=result.score, passed=result.passed
        )
        if not done:  # the same answers sent twice: marked once
            raise ValidationError("These answers have already been marked: start the quiz again.")
        attempt.refresh_from_db()
        audit_record(
            actor=attempt.user,
            council=module.council,
            action="learning_module.attempted",
            obj=attempt,
            after={"module": module.slug, "version": version.number, "score": result.score, "passed": result.passed},
        )
        if result.passed:
            completion_record(
                actor=attempt.user,
                module=module,
                version=version,
                user=attempt.user,
                score=result.score,
                completed_on=timezone.localdate(),
                attempt=attempt,
            )
    return result


def completion_record(
    *,
    actor: User,
    module: LearningModule,
    version: ModuleVersion | None,
    user: User,
    score: int | None,
    completed_on: dt.date,
    attempt: Attempt | None = None,
    source: str = Completion.Source.TOWNSQUARE,
) -> Completion:
    """Record a pass: a completion in the training register (which reinstates lapsed publishing rights)
    and the module version and score it was passed with."""
    with transaction.atomic():
        record = training_completion_record(
            actor=actor, module=module.training_module, user=user, completed_on=completed_on
        )
        completion = Completion.objects.create(
            module=module,
            version=version,
            user=user,
            training_record=record,
            attempt=attempt,
            score=score,
            completed_on=completed_on,
            source=source,
        )
        audit_record(
            actor=actor,
            council=module.council,
            action="learning_module.completed",
            obj=completion,
            after={
                "user": user.email,
                "module": module.slug,
                "version": version.number if version else None,
                "score": score,
                "completed_on": completed_on,
                "source": source,
            },
        )
    return completion
