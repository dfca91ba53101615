"""A small published module at Riverside (two pages, two questions, pass mark 50), built through the
authoring services, completing an e-learning entry of the training register that officers need to
publish. ``answers(version, right=...)`` gives a full set of answers, all right or all wrong."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from townsquare.councils.models import Council
from townsquare.governance.models import Policy, TrainingModule, TrainingRequirement
from townsquare.governance.policy_services import policy_version_publish
from townsquare.learning import forms as f
from townsquare.learning.models import LearningModule, ModuleVersion
from townsquare.learning.services import module_save_form, page_save_form, question_save, version_publish


@pytest.fixture
def training(riverside: Council) -> TrainingModule:
    module = TrainingModule.objects.create(
        council=riverside, title="Social media e-learning", kind="elearning", valid_for_months=24
    )
    for role in ("officer", "comms"):
        TrainingRequirement.objects.create(council=riverside, role=role, module=module, needed_to_publish=True)
    return module


@pytest.fixture
def policy(riverside: Council, people: SimpleNamespace) -> Policy:
    made = Policy.objects.create(council=riverside, title="Social Media Policy", kind="social_media_policy")
    policy_version_publish(
        actor=people.comms,
        policy=made,
        number="1.0",
        sections=[("Guidance for officers", "officers", "Draft posts in Townsquare.")],
    )
    return made


def build(
    riverside: Council, actor: Any, training: TrainingModule, policy: Policy | None, slug: str = "staff-social-media"
) -> LearningModule:
    form = f.ModuleForm(
        data={
            "title": "Social media at the council",
            "slug": slug,
            "summary": "Essentials.",
            "audience": "officers",
            "training_module": training.pk,
            "policy": policy.pk if policy else "",
            "pass_mark": 50,
            "complete_within_days": 28,
        },
        council=riverside,
    )
    assert form.is_valid(), form.errors
    module = module_save_form(actor=actor, form=form)
    draft = module.versions.get()
    pages = []
    for title, section in (("What to post", "Guidance for officers"), ("Personal data", "")):
        pf = f.PageForm(
            data={"title": title, "body": f"About **{title.lower()}**.", "image_alt": "", "policy_section": section},
            version=draft,
        )
        assert pf.is_valid(), pf.errors
        pages.append(page_save_form(actor=actor, form=pf))
    for i, (text, kind) in enumerate((("Who approves posts?", "single"), ("Which are personal data?", "multiple"))):
        qf = f.QuestionForm(
            data={
                "text": text,
                "kind": kind,
                "revisit": pages[i].pk,
                "answer_1": "Right one",
                "correct_1": "on",
                "feedback_1": "Yes.",
                "answer_2": "Wrong one",
                "feedback_2": "No: read the page again.",
                "answer_3": "Also right",
                **({"correct_3": "on"} if kind == "multiple" else {}),
            },
            version=draft,
        )
        assert qf.is_valid(), qf.errors
        question_save(actor=actor, form=qf, choices=qf.choice_rows())
    version_publish(actor=actor, version=draft)
    return module


@pytest.fixture
def module(riverside: Council, people: SimpleNamespace, training: TrainingModule, policy: Policy) -> LearningModule:
    return build(riverside, people.comms, training, policy)


def answers(version: ModuleVersion, right: bool) -> dict[str, list[int]]:
    return {
        str(q.pk): [c.pk for c in q.choices.all() if c.correct == right][: 1 if q.kind == "single" else 9]
        for q in version.questions.all()
    }
