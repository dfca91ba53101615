"""The demo's training: Riverside's modules, sessions, completions and requirements, and the small
helpers the governance demo shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.forms import ModelForm

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.governance import training_forms as tf
from townsquare.governance.models import (
    TrainingModule,
    TrainingRecord,
    TrainingSession,
)
from townsquare.governance.services import (
    form_save_audited,
    publishing_right_grant,
    training_attendance_record,
    training_completion_record,
    training_invite,
)

# The Cabinet met before the first live-streaming trial it set for Council on 24 January 2018.
CABINET_RESPONSE_MEETING = dt.date(2017, 12, 13)
POLICY_COMMITTEE_APPROVAL = dt.date(2015, 11, 25)
CABINET_MEMBER_APPROVAL = dt.date(2012, 2, 21)  # the minutes' own date


def next_month_due(today: dt.date) -> dt.date:
    """A day early next month, still within the 'due soon' window (31 days) of the training register."""
    first_of_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    candidate = first_of_next + dt.timedelta(days=9)
    return candidate if (candidate - today).days <= 31 else first_of_next


def demo_person(email: str) -> User:
    return User.objects.get(email=email)


def demo_saved(form: ModelForm[Any], *, actor: User, council: Council, action: str) -> Any:
    """Validate a register form as its page would, then save it through the audited service."""
    if not form.is_valid():
        raise ValueError(f"Demo {action}: {form.errors.as_text()}")
    return form_save_audited(actor=actor, form=form, council=council, action=action)


def demo_module(council: Council, actor: User, **fields: Any) -> TrainingModule:
    values = {"description": "", "valid_for_months": "", **fields}
    module: TrainingModule = demo_saved(
        tf.TrainingModuleForm(data=values, council=council), actor=actor, council=council, action="training_module"
    )
    return module


def demo_session(module: TrainingModule, actor: User, held_on: dt.date, **fields: Any) -> TrainingSession:
    form = tf.TrainingSessionForm(
        data={"held_on": held_on.isoformat(), "notes": "", **fields}, instance=TrainingSession(module=module)
    )
    session: TrainingSession = demo_saved(form, actor=actor, council=module.council, action="training_session")
    return session


def demo_requirement(council: Council, actor: User, role: str, module: TrainingModule, needed_to_publish: bool) -> None:
    form = tf.RequirementForm(
        data={"role": role, "module": module.pk, "needed_to_publish": needed_to_publish}, council=council
    )
    demo_saved(form, actor=actor, council=council, action="training_requirement")


def riverside_training(council: Council, today: dt.date) -> None:
    admin, comms = demo_person("admin@riverside.example"), demo_person("comms@riverside.example")
    officer, councillor = demo_person("officer@riverside.example"), demo_person("councillor@riverside.example")

    induction = demo_module(
        council,
        comms,
        title="Member induction workshop: social media",
        kind=TrainingModule.Kind.INDUCTION,
        description="Part of the Member Induction Programme: an introduction to social media on an iPad, and the "
        "legal implications of Members' use of social media and how to keep safe.",
    )
    annual = demo_module(
        council,
        comms,
        title="Annual social media training",
        kind=TrainingModule.Kind.ANNUAL,
        valid_for_months=12,
        description="Mandatory every year for Members, open to officers: appropriate use of social media and the "
        "framework agreed with Democratic Services.",
    )
    elearning = demo_module(
        council,
        comms,
        title="Social media e-learning module",
        kind=TrainingModule.Kind.ELEARNING,
        valid_for_months=24,
        description="For all staff: the appropriate use of social media and the key points of the Social Media "
        "Policy, based on the Social Media Guidelines.",
    )

    for role, module, to_publish in (
        ("councillor", induction, False),
        ("councillor", annual, False),
        ("officer", elearning, True),
        ("comms", elearning, True),
        ("comms", annual, False),
    ):
        demo_requirement(council, comms, role, module, to_publish)

    workshop = demo_session(
        induction,
        comms,
        today - relativedelta(months=18),
        location="Committee Room 1, Riverside House",
        trainer="Communications team and Legal Services",
    )
    training_invite(actor=comms, session=workshop, users=[councillor])
    training_attendance_record(actor=comms, session=workshop, attendance={councillor: TrainingRecord.Status.ATTENDED})

    # The councillor's annual training: done just under a year ago, so due again next month.
    due = next_month_due(today)
    last_year = demo_session(
        annual,
        comms,
        due - relativedelta(years=1),
        location="Council Chamber, Riverside House",
        trainer="External trainer",
    )
    training_invite(actor=comms, session=last_year, users=[councillor])
    training_attendance_record(actor=comms, session=last_year, attendance={councillor: TrainingRecord.Status.ATTENDED})

    # This year's first session: one of four came.
    poorly = demo_session(
        annual,
        comms,
        today - dt.timedelta(days=40),
        location="Committee Room 2, Riverside House",
        trainer="Communications team",
        notes="Poorly attended: a second date will be offered to those who could not come.",
    )
    training_invite(actor=comms, session=poorly, users=[admin, comms, officer, councillor])
    training_attendance_record(
        actor=comms,
        session=poorly,
        attendance={
            officer: TrainingRecord.Status.ATTENDED,
            admin: TrainingRecord.Status.ABSENT,
            comms: TrainingRecord.Status.ABSENT,
            councillor: TrainingRecord.Status.ABSENT,
        },
    )

    for person, days in ((officer, 100), (comms, 400), (admin, 200)):
        training_completion_record(
            actor=comms, module=elearning, user=person, completed_on=today - dt.timedelta(days=days)
        )

    publishing_right_grant(actor=comms, council=council, user=officer)
    publishing_right_grant(actor=admin, council=council, user=comms)
