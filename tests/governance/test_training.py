"""Training: requirements per role, who is overdue, attendance reports."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from townsquare.councils.models import Council
from townsquare.governance.models import GovernanceSettings, TrainingModule, TrainingRequirement, TrainingSession
from townsquare.governance.selectors import attendance_report, training_overdue, training_states
from townsquare.governance.services import training_attendance_record, training_invite


def test_attendance_report_flags_a_poorly_attended_session(riverside: Council, people: SimpleNamespace) -> None:
    module = TrainingModule.objects.create(
        council=riverside, title="Member induction workshop", kind=TrainingModule.Kind.INDUCTION
    )
    session = TrainingSession.objects.create(module=module, held_on=dt.date(2021, 5, 12))
    assert (
        training_invite(actor=people.comms, session=session, users=[people.councillor, people.admin, people.comms]) == 3
    )
    training_attendance_record(
        actor=people.comms, session=session, attendance={people.councillor: "attended", people.admin: "absent"}
    )
    [row], threshold = attendance_report(council=riverside)
    assert (row.invited, row.attended, row.absent, row.percent, threshold) == (3, 1, 1, 33, 50)
    GovernanceSettings.objects.create(council=riverside, poor_attendance_percent=30)
    assert attendance_report(council=riverside)[1] == 30


def test_bad_attendance_value_changes_nothing(riverside: Council, people: SimpleNamespace) -> None:
    module = TrainingModule.objects.create(council=riverside, title="Bespoke", kind=TrainingModule.Kind.BESPOKE)
    session = TrainingSession.objects.create(module=module, held_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        training_attendance_record(
            actor=people.comms, session=session, attendance={people.councillor: "attended", people.admin: "asleep"}
        )
    assert not session.records.exists()


def test_councillors_annual_training_overdue_and_due_soon(riverside: Council, people: SimpleNamespace) -> None:
    module = TrainingModule.objects.create(
        council=riverside, title="Mandatory annual training", kind=TrainingModule.Kind.ANNUAL, valid_for_months=12
    )
    TrainingRequirement.objects.create(council=riverside, role="councillor", module=module)
    today = dt.date(2026, 6, 1)
    [state] = training_states(user=people.councillor, council=riverside, today=today)
    assert state.state == "never"
    assert [o.user for o in training_overdue(council=riverside, today=today)] == [people.councillor]
    session = TrainingSession.objects.create(module=module, held_on=dt.date(2025, 6, 20))
    training_attendance_record(actor=people.comms, session=session, attendance={people.councillor: "attended"})
    [state] = training_states(user=people.councillor, council=riverside, today=today)
    assert (state.state, state.expires_on) == ("due_soon", dt.date(2026, 6, 20))
    assert training_overdue(council=riverside, today=today) == []
    [state] = training_states(user=people.councillor, council=riverside, today=dt.date(2026, 7, 1))
    assert state.state == "lapsed"
