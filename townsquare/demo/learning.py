"""Demo e-learning at Riverside: the staff module (completing the existing e-learning entry of the
training register, which publishing rights require) and the councillors' module.

Both go through the authoring forms and services staff use. The staff module's version 2 follows
version 1.1 of the Social Media Policy and asks everyone to take it again within three weeks, so the
service officer has it due; the councillor has never taken theirs, so it is due too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.demo import pictures
from townsquare.demo.learning_content import content
from townsquare.governance import training_forms as tf
from townsquare.governance.models import Audience, Policy, TrainingModule
from townsquare.governance.services import form_save_audited
from townsquare.learning import forms as f
from townsquare.learning.models import LearningModule, ModuleVersion
from townsquare.learning.services import (
    module_save_form,
    page_save_form,
    question_save,
    version_draft,
    version_publish,
)


def _valid(form: Any, what: str) -> Any:
    if not form.is_valid():
        raise ValueError(f"Demo {what}: {form.errors.as_text()}")
    return form


# The accessibility page shows the kind of picture a service posts, with the alt text it needs.
PICTURES = {
    "Accessible posts": (
        pictures.collection_calendar,
        "A month's bin collection calendar: a grid of days, with the five days that change over Christmas "
        "picked out in amber.",
    )
}


def _fill(actor: User, version: ModuleVersion, kind: str) -> None:
    data = content(kind)
    pages = []
    for title, section, body in data["pages"]:
        draw, alt = PICTURES.get(title, (None, ""))
        files = {"image": SimpleUploadedFile("calendar.png", draw(), content_type="image/png")} if draw else {}
        form = _valid(
            f.PageForm(
                data={"title": title, "body": body.strip(), "image_alt": alt, "policy_section": section},
                files=files,
                version=version,
            ),
            title,
        )
        pages.append(page_save_form(actor=actor, form=form))
    for text, qkind, revisit, answers in data["questions"]:
        values: dict[str, Any] = {"text": text, "kind": qkind, "revisit": pages[revisit - 1].pk}
        for i, (answer, correct, feedback) in enumerate(answers, start=1):
            values |= {f"answer_{i}": answer, f"feedback_{i}": feedback, **({f"correct_{i}": "on"} if correct else {})}
        form = _valid(f.QuestionForm(data=values, version=version), text[:40])
        question_save(actor=actor, form=form, choices=form.choice_rows())


def _module(council: Council, actor: User, kind: str, **fields: Any) -> LearningModule:
    values = {"summary": content(kind)["summary"], "pass_mark": 80, "complete_within_days": 28, **fields}
    module = module_save_form(actor=actor, form=_valid(f.ModuleForm(data=values, council=council), fields["slug"]))
    draft = module.versions.get()
    _fill(actor, draft, kind)
    return module


def learning_demo_load(council: Council) -> None:
    comms = User.objects.get(email="comms@riverside.example")
    today = timezone.localdate()
    elearning = TrainingModule.objects.get(council=council, kind=TrainingModule.Kind.ELEARNING)
    staff = _module(
        council,
        comms,
        "staff",
        slug="staff-social-media",
        title="Social media at the council",
        audience=Audience.OFFICERS,
        training_module=elearning.pk,
        policy=Policy.objects.get(council=council, kind=Policy.Kind.SOCIAL_MEDIA_POLICY).pk,
    )
    first = version_publish(actor=comms, version=staff.versions.get())
    # Version 1 went out with the policy's previous version, the year before last.
    ModuleVersion.objects.filter(pk=first.pk).update(
        published_at=timezone.now() - dt.timedelta(days=600),
        policy_version=Policy.objects.get(council=council, kind=Policy.Kind.SOCIAL_MEDIA_POLICY).versions.get(
            number="1.0"
        ),
    )
    second = version_draft(actor=comms, module=staff)
    version_publish(
        actor=comms,
        version=second,
        requires_retake=True,
        retake_by=today + dt.timedelta(days=21),
        change_note="Follows version 1.1 of the Social Media Policy: a separate section of guidance "
        "for officers, and accessible posts (alt text, CamelCase hashtags).",
    )

    form = tf.TrainingModuleForm(
        data={
            "title": "Social media for councillors (e-learning)",
            "kind": TrainingModule.Kind.ELEARNING,
            "valid_for_months": 12,
            "description": "The annual e-learning for Members: keeping safe, and the "
            "legal implications of Members' use of social media.",
        },
        council=council,
    )
    members_training = form_save_audited(
        actor=comms, form=_valid(form, "councillors' training"), council=council, action="training_module"
    )
    requirement = tf.RequirementForm(
        data={"role": "councillor", "module": members_training.pk, "needed_to_publish": False}, council=council
    )
    form_save_audited(
        actor=comms, form=_valid(requirement, "requirement"), council=council, action="training_requirement"
    )
    councillors = _module(
        council,
        comms,
        "councillor",
        slug="councillor-social-media",
        title="Social media for councillors",
        audience=Audience.MEMBERS,
        training_module=members_training.pk,
        policy=Policy.objects.get(council=council, kind=Policy.Kind.MEMBERS_POLICY).pk,
    )
    version_publish(actor=comms, version=councillors.versions.get())
