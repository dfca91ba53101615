"""Every governance page and API endpoint: who may open it, who gets 403, and outsiders 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.governance.models import (
    ActionPlan,
    Breach,
    BreachViewer,
    GovernanceSettings,
    Policy,
    PublishingRight,
    Recommendation,
    StrategyPhase,
    TrainingModule,
    TrainingSession,
)
from townsquare.governance.policy_services import policy_version_publish


@pytest.fixture
def registers(riverside: Council, people: SimpleNamespace) -> SimpleNamespace:
    policy = Policy.objects.create(
        council=riverside,
        title="Social Media Policy",
        kind="social_media_policy",
        owner=people.comms,
        next_review_on=dt.date(2026, 1, 1),
    )
    policy_version_publish(actor=people.comms, policy=policy, number="1.0")
    plan = ActionPlan.objects.create(council=riverside, title="Task Group response")
    rec = Recommendation.objects.create(
        plan=plan, number="1", text="That meetings be promoted", owner_title="Head of Comms"
    )
    phase = StrategyPhase.objects.create(council=riverside, phase="Support", timescale="End of March 2016")
    module = TrainingModule.objects.create(council=riverside, title="Induction", kind="induction")
    session = TrainingSession.objects.create(module=module, held_on=dt.date(2025, 5, 1))
    right = PublishingRight.objects.create(council=riverside, user=people.officer, granted_at=timezone.now())
    GovernanceSettings.objects.create(council=riverside, monitoring_officer=people.admin)
    BreachViewer.objects.create(council=riverside, user=people.auditor, named_by=people.admin)
    breach = Breach.objects.create(
        council=riverside,
        subject_user=people.councillor,
        what="An abusive reply",
        category="abusive",
        reported_by="A resident",
        reported_on=dt.date(2026, 1, 2),
    )
    return SimpleNamespace(
        policy=policy, plan=plan, rec=rec, phase=phase, module=module, session=session, right=right, breach=breach
    )


# (url name, arguments after the slug, who may open it, whose role is too low)
PAGES: list[tuple[str, Callable[[SimpleNamespace], list[Any]], str, str | None]] = [
    ("home", lambda r: [], "officer", None),
    ("policies", lambda r: [], "councillor", None),
    ("policy", lambda r: [r.policy.pk], "councillor", None),
    ("my_training", lambda r: [], "councillor", None),
    ("settings", lambda r: [], "admin", "comms"),
    ("policy_new", lambda r: [], "comms", "councillor"),
    ("policy_edit", lambda r: [r.policy.pk], "comms", "auditor"),
    ("policy_publish", lambda r: [r.policy.pk], "comms", "councillor"),
    ("policy_reviewed", lambda r: [r.policy.pk], "comms", "officer"),
    ("plans", lambda r: [], "councillor", "officer"),
    ("plan", lambda r: [r.plan.pk], "auditor", "officer"),
    ("plan_new", lambda r: [], "comms", "councillor"),
    ("plan_import", lambda r: [], "comms", "auditor"),
    ("recommendation_new", lambda r: [r.plan.pk], "comms", "councillor"),
    ("recommendation_edit", lambda r: [r.plan.pk, r.rec.pk], "admin", "councillor"),
    ("recommendation_progress", lambda r: [r.plan.pk, r.rec.pk], "comms", "auditor"),
    ("strategy", lambda r: [], "councillor", "officer"),
    ("phase_new", lambda r: [], "comms", "councillor"),
    ("phase_edit", lambda r: [r.phase.pk], "comms", "councillor"),
    ("training", lambda r: [], "auditor", "councillor"),
    ("module_new", lambda r: [], "comms", "auditor"),
    ("module", lambda r: [r.module.pk], "auditor", "officer"),
    ("module_edit", lambda r: [r.module.pk], "comms", "auditor"),
    ("session_new", lambda r: [r.module.pk], "comms", "auditor"),
    ("session", lambda r: [r.session.pk], "comms", "councillor"),
    ("session_invite", lambda r: [r.session.pk], "comms", "auditor"),
    ("completion_new", lambda r: [], "comms", "councillor"),
    ("requirement_new", lambda r: [], "comms", "councillor"),
    ("rights", lambda r: [], "auditor", "officer"),
    ("right_revoke", lambda r: [r.right.pk], "comms", "auditor"),
    ("breaches", lambda r: [], "admin", "comms"),
    ("breach_new", lambda r: [], "auditor", "comms"),
    ("breach", lambda r: [r.breach.pk], "admin", "councillor"),
    ("breach_access", lambda r: [], "admin", "auditor"),
    ("api_policies", lambda r: [], "councillor", None),
    ("api_acknowledgements", lambda r: [r.policy.pk], "auditor", "councillor"),
    ("api_plans", lambda r: [], "councillor", "officer"),
    ("api_plan", lambda r: [r.plan.pk], "comms", "officer"),
    ("api_strategy", lambda r: [], "auditor", "officer"),
    ("api_my_training", lambda r: [], "councillor", None),
    ("api_training_overdue", lambda r: [], "comms", "councillor"),
    ("api_my_rights", lambda r: [], "officer", None),
    ("api_breaches", lambda r: [], "auditor", "comms"),
]


@pytest.mark.parametrize("name, args, allowed, too_low", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(
    name: str,
    args: Callable[[SimpleNamespace], list[Any]],
    allowed: str,
    too_low: str | None,
    registers: SimpleNamespace,
    people: SimpleNamespace,
    client_for: Callable[[User], Client],
) -> None:
    url = reverse(f"governance:{name}", args=["riverside", *args(registers)])
    assert client_for(getattr(people, allowed)).get(url).status_code == 200
    assert client_for(people.outsider).get(url).status_code == 404
    if too_low:
        assert client_for(getattr(people, too_low)).get(url).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(registers: SimpleNamespace) -> None:
    response = Client().get(reverse("governance:plans", args=["riverside"]))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_api_with_a_bearer_token(registers: SimpleNamespace, people: SimpleNamespace) -> None:
    from townsquare.api.services import token_issue

    _, raw = token_issue(user=people.comms, name="test", actor=people.comms)
    response = Client().get(reverse("governance:api_plans", args=["riverside"]), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["results"][0]["recommendations"][0]["owner"] == "Head of Comms"


def test_council_home_shows_the_governance_card_and_link(
    registers: SimpleNamespace, people: SimpleNamespace, client_for: Callable[[User], Client]
) -> None:
    for role in ("admin", "comms", "officer", "councillor", "auditor"):
        page = client_for(getattr(people, role)).get("/c/riverside/")
        assert page.status_code == 200
        assert b"/c/riverside/governance/" in page.content
    # The councillor was asked to acknowledge the policy published in the fixture.
    page = client_for(people.councillor).get("/c/riverside/").content.decode()
    assert "governance items for you" in page
