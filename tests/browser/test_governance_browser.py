"""Governance in a real browser: a policy review falls due, its owner is reminded, publishes a new
version, and the councillor acknowledges it; the owner then sees who has.

Every page on the way is checked with axe-core (WCAG 2.2 A and AA).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.governance.models import Acknowledgement, ActionPlan, Audience, Policy
from townsquare.governance.policy_services import policy_version_publish
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_enqueue, jobs_run_due

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]


def test_review_falls_due_owner_publishes_councillor_acknowledges(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Callable[..., Path]
) -> None:
    riverside = Council.objects.get(slug="riverside")
    comms = User.objects.get(email="comms@riverside.example")
    policy = Policy.objects.create(
        council=riverside,
        title="Social Media Policy for Members",
        kind=Policy.Kind.MEMBERS_POLICY,
        audience=Audience.MEMBERS,
        owner=comms,
        review_interval_months=6,
    )
    policy_version_publish(
        actor=comms,
        policy=policy,
        number="1.0",
        approved_by="Cabinet",
        approved_on=timezone.localdate() - dt.timedelta(days=175),
    )
    policy.refresh_from_db()
    assert policy.next_review_on is not None and policy.next_review_on <= timezone.localdate() + dt.timedelta(days=30)

    # The scheduler's job finds the review falling due and reminds the owner by email.
    mail.outbox.clear()
    job_enqueue(kind="governance.review_reminders")
    jobs_run_due(worker="browser-test")
    assert Job.objects.get(kind="governance.review_reminders").status == Job.Status.DONE
    reminders = [m for m in mail.outbox if "Social Media Policy for Members" in m.subject]
    assert [m.to for m in reminders] == [["comms@riverside.example"]]
    assert "falls due on" in reminders[0].subject

    # The owner sees it on the governance overview and publishes version 2.0.
    sign_in(page, "comms@riverside.example")
    page.goto("/c/riverside/governance/")
    expect(page.get_by_role("heading", name="Policy reviews falling due")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Social Media Policy for Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media Policy for Members")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Publish a new version").click()
    axe_check(page)
    page.get_by_label("Version number").fill("2.0")
    page.get_by_label("Approved by").fill("Cabinet")
    page.get_by_label("Approved on").fill(timezone.localdate().isoformat())
    page.get_by_label("What changed").fill("Rewritten for Members, with guidance and tips.")
    page.get_by_label("Section for Members").fill("Use 'Cllr' in your name when you act as a councillor.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2.0 published. 1 person was asked to acknowledge it.")).to_be_visible()
    expect(page.get_by_text("0 of 1 acknowledged.")).to_be_visible()
    axe_check(page)
    policy.refresh_from_db()
    assert policy.next_review_on == timezone.localdate() + relativedelta(months=6)

    # The councillor is asked, reads it and acknowledges it.
    sign_in(page, "councillor@riverside.example")
    page.goto("/c/riverside/")
    expect(page.get_by_text("governance items for you")).to_be_visible()
    page.goto("/c/riverside/governance/")
    axe_check(page)
    page.get_by_role("link", name="Acknowledge Social Media Policy for Members version 2.0").click()
    expect(page.get_by_text("Use 'Cllr' in your name when you act as a councillor.")).to_be_visible()
    axe_check(page)
    screenshot(page, "governance-policy-acknowledge")
    page.get_by_role("button", name="I have read and understood version 2.0").click()
    expect(page.get_by_text("You have acknowledged Social Media Policy for Members version 2.0.")).to_be_visible()
    axe_check(page)
    ack = Acknowledgement.objects.get(version__number="2.0")
    assert ack.user.email == "councillor@riverside.example" and ack.acknowledged_at is not None

    # The owner sees who has acknowledged.
    sign_in(page, "comms@riverside.example")
    page.goto(f"/c/riverside/governance/policies/{policy.pk}/")
    expect(page.get_by_text("1 of 1 acknowledged.")).to_be_visible()
    expect(page.get_by_role("cell", name="Cllr Alan Reid")).to_be_visible()
    screenshot(page, "governance-policy-acknowledgements")


def test_import_a_pasted_action_plan_check_then_save(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Callable[..., Path]
) -> None:
    fixtures = Path(__file__).resolve().parents[1] / "governance" / "fixtures"
    text = next(fixtures.glob("003_*.txt")).read_text(encoding="utf-8")
    before = set(ActionPlan.objects.values_list("pk", flat=True))  # the demo's own plans
    sign_in(page, "comms@riverside.example")
    page.goto("/c/riverside/governance/actions/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import a committee table").click()
    axe_check(page)
    page.get_by_label("Paste the table").fill(text)
    page.get_by_label("From (task group or panel)").fill("Ad Hoc Scrutiny Panel")
    page.get_by_role("button", name="Read the table").click()
    expect(page.get_by_role("heading", name="Check the 4 recommendations before saving")).to_be_visible()
    axe_check(page)
    screenshot(page, "governance-import-check")
    assert set(ActionPlan.objects.values_list("pk", flat=True)) == before, "nothing saved before confirming"
    page.get_by_role("button", name="Save these 4 rows").click()
    expect(page.get_by_text("Imported 4 recommendations.")).to_be_visible()
    axe_check(page)
    plan = ActionPlan.objects.exclude(pk__in=before).get()
    assert list(plan.recommendations.values_list("owner_title", flat=True)) == [
        "Head of Marketing and Communications",
        "Head of Marketing and Communications; Head of Democratic Services",
        "Head of Democratic Services",
        "Head of Marketing and Communications and Head of Democratic Services",
    ]
    assert plan.recommendations.get(number="4").text.endswith("Members on the appropriate use of social media.")
