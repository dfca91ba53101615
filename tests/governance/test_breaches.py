"""The breach register: only the monitoring officer and those they name see or keep it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.governance.models import Breach, BreachViewer, GovernanceSettings
from townsquare.governance.services import breach_viewer_add, governance_settings_update


@pytest.fixture
def mo(riverside: Council, people: SimpleNamespace) -> User:
    governance_settings_update(actor=people.admin, council=riverside, changes={"monitoring_officer": people.admin})
    return people.admin  # type: ignore[no-any-return]


def test_monitoring_officer_must_hold_a_role(riverside: Council, people: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        governance_settings_update(
            actor=people.admin, council=riverside, changes={"monitoring_officer": people.outsider}
        )
    assert not GovernanceSettings.objects.filter(monitoring_officer=people.outsider).exists()


def test_recording_a_breach_links_the_archived_post_and_audits_no_content(
    mo: User, riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    response = client_for(mo).post(
        reverse("governance:breach_new", args=["riverside"]),
        {
            "against": "code",
            "subject_user": people.councillor.pk,
            "what": "Post naming a resident",
            "evidence_url": "https://archive.example/posts/42",
            "evidence_type": "post",
            "evidence_id": "42",
            "category": "personal_data",
            "severity": "high",
            "reported_by": "Member of the public",
            "reported_on": "2026-02-01",
            "status": "investigating",
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert (breach.evidence_url, breach.recorded_by) == ("https://archive.example/posts/42", mo)
    event = AuditEvent.objects.get(action="breach.created")
    assert "Post naming a resident" not in str(event.after) and event.after["category"] == "personal_data"


def test_naming_people_is_for_the_monitoring_officer_only(
    mo: User, riverside: Council, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    with pytest.raises(ValidationError):
        breach_viewer_add(actor=people.comms, council=riverside, user=people.comms)
    breach_viewer_add(actor=mo, council=riverside, user=people.auditor)
    Breach.objects.create(
        council=riverside,
        subject_name="@RiversideCllrX",
        what="x",
        category="abusive",
        reported_by="A",
        reported_on=dt.date(2026, 1, 1),
    )
    url = reverse("governance:breaches", args=["riverside"])
    assert b"@RiversideCllrX" in client_for(people.auditor).get(url).content
    assert client_for(people.comms).get(url).status_code == 403
    viewer = BreachViewer.objects.get()
    client_for(mo).post(reverse("governance:breach_access", args=["riverside"]), {"remove": viewer.pk})
    assert client_for(people.auditor).get(url).status_code == 403


def test_a_breach_needs_a_subject(mo: User, client_for: Callable[[User], Client]) -> None:
    response = client_for(mo).post(
        reverse("governance:breach_new", args=["riverside"]),
        {
            "against": "policy",
            "what": "x",
            "category": "other",
            "severity": "low",
            "reported_by": "A",
            "reported_on": "2026-02-01",
            "status": "reported",
        },
    )
    assert b"Say who or which account the breach concerns." in response.content
    assert not Breach.objects.exists()
