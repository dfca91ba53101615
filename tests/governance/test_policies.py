"""Policies: versions, acknowledgements, reviews falling due and reminders."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.governance.models import Audience, Policy
from townsquare.governance.policy_services import (
    policies_remind_reviews,
    policy_acknowledge,
    policy_mark_reviewed,
    policy_version_publish,
)
from townsquare.governance.selectors import (
    acknowledgement_summary,
    acknowledgements_waiting_for,
    policies_overdue,
    policies_review_due,
)


@pytest.fixture
def members_policy(riverside: Council, people: SimpleNamespace) -> Policy:
    return Policy.objects.create(
        council=riverside,
        title="Social Media Policy for Members",
        kind=Policy.Kind.MEMBERS_POLICY,
        audience=Audience.MEMBERS,
        owner=people.comms,
        review_interval_months=6,
        next_review_on=dt.date(2026, 3, 1),
    )


def test_publishing_a_version_asks_the_audience_and_sets_the_next_review(
    members_policy: Policy, people: SimpleNamespace
) -> None:
    version = policy_version_publish(
        actor=people.comms,
        policy=members_policy,
        number="2.0",
        approved_by="Cabinet",
        approved_on=dt.date(2026, 2, 10),
        sections=[("Guidance for Members", Audience.MEMBERS, "Be kind.")],
    )
    members_policy.refresh_from_db()
    assert members_policy.next_review_on == dt.date(2026, 8, 10)  # six-monthly
    assert [a.user for a in version.acknowledgements.all()] == [people.councillor]
    assert version.sections.get().audience == Audience.MEMBERS
    assert AuditEvent.objects.get(action="policy.version_published").after["asked_to_acknowledge"] == 1


def test_acknowledging_is_recorded_once(members_policy: Policy, people: SimpleNamespace) -> None:
    version = policy_version_publish(actor=people.comms, policy=members_policy, number="1.0")
    council = members_policy.council
    assert len(acknowledgements_waiting_for(user=people.councillor, council=council)) == 1
    first = policy_acknowledge(actor=people.councillor, version=version)
    again = policy_acknowledge(actor=people.councillor, version=version)
    assert first.acknowledged_at == again.acknowledged_at
    summary = acknowledgement_summary(version=version)
    assert [a.user for a in summary.done] == [people.councillor] and summary.waiting == []
    assert AuditEvent.objects.filter(action="policy.acknowledged").count() == 1
    assert acknowledgements_waiting_for(user=people.councillor, council=council) == []


def test_people_outside_the_audience_cannot_acknowledge(members_policy: Policy, people: SimpleNamespace) -> None:
    version = policy_version_publish(actor=people.comms, policy=members_policy, number="1.0")
    with pytest.raises(ValidationError, match="not addressed to you"):
        policy_acknowledge(actor=people.officer, version=version)


def test_a_duplicate_version_number_changes_nothing(members_policy: Policy, people: SimpleNamespace) -> None:
    policy_version_publish(actor=people.comms, policy=members_policy, number="1.0")
    with pytest.raises(ValidationError, match="already exists"):
        policy_version_publish(actor=people.comms, policy=members_policy, number="1.0")
    assert members_policy.versions.count() == 1


def test_owner_is_reminded_once_per_review_date(
    members_policy: Policy, people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    council = members_policy.council
    assert policies_remind_reviews(council=council, today=dt.date(2026, 1, 1)) == 0  # outside the 30-day window
    with django_capture_on_commit_callbacks(execute=True):
        assert policies_remind_reviews(council=council, today=dt.date(2026, 2, 5)) == 1
    assert policies_remind_reviews(council=council, today=dt.date(2026, 2, 6)) == 0
    assert [m.to for m in mail.outbox] == [["comms@riverside.example"]]
    assert "Review of Social Media Policy for Members falls due on 1 March 2026" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="policy.review_reminder_sent").count() == 1


def test_overdue_list_and_marking_reviewed(members_policy: Policy, people: SimpleNamespace) -> None:
    council = members_policy.council
    assert policies_overdue(council=council, today=dt.date(2026, 3, 2)) == [members_policy]
    assert policies_review_due(council=council, today=dt.date(2025, 1, 1)) == []
    policy_mark_reviewed(actor=people.comms, policy=members_policy, reviewed_on=dt.date(2026, 3, 3))
    assert members_policy.next_review_on == dt.date(2026, 9, 3)
    assert policies_overdue(council=council, today=dt.date(2026, 3, 4)) == []


def test_acknowledging_clears_the_notice(members_policy: Policy, people: SimpleNamespace) -> None:
    from townsquare.notifications.models import Notification

    version = policy_version_publish(actor=people.comms, policy=members_policy, number="1.0")
    waiting = Notification.objects.filter(user=people.councillor, kind="policy.acknowledge", read_at__isnull=True)
    assert waiting.count() == 1
    policy_acknowledge(actor=people.councillor, version=version)
    assert waiting.count() == 0


def test_a_review_clears_the_review_reminder(members_policy: Policy, people: SimpleNamespace) -> None:
    from townsquare.notifications.models import Notification

    policies_remind_reviews(council=members_policy.council, today=dt.date(2026, 2, 20))
    reminders = Notification.objects.filter(user=people.comms, kind="policy.review_due", read_at__isnull=True)
    assert reminders.count() == 1
    policy_mark_reviewed(actor=people.comms, policy=members_policy, reviewed_on=dt.date(2026, 2, 21))
    assert reminders.count() == 0


def test_a_policy_for_everyone_or_officers_asks_the_information_governance_officer(
    riverside: Council, people: SimpleNamespace
) -> None:
    from townsquare.accounts.models import User
    from townsquare.councils.services import membership_grant
    from townsquare.governance.selectors import audience_people

    governance = User.objects.create_user("ig@riverside.example", "x", full_name="Information Governance")
    membership_grant(actor=None, council=riverside, user=governance, role="governance")
    everyone = set(audience_people(council=riverside, audience=Audience.EVERYONE))
    assert {governance, people.auditor, people.officer, people.councillor} <= everyone
    assert people.outsider not in everyone  # Hillcrest's officer
    officers = set(audience_people(council=riverside, audience=Audience.OFFICERS))
    assert governance in officers and people.councillor not in officers and people.auditor not in officers
    assert set(audience_people(council=riverside, audience=Audience.MEMBERS)) == {people.councillor}


def test_a_review_cannot_be_recorded_for_a_day_to_come(
    members_policy: Policy, people: SimpleNamespace, client_for: Any
) -> None:
    """The page's form refuses it with a message (9999-12-31 used to fail the page: no date a year after it)."""
    address = f"/c/riverside/governance/policies/{members_policy.pk}/reviewed/"
    before = members_policy.next_review_on
    for day in ("9999-12-31", (timezone.localdate() + dt.timedelta(days=1)).isoformat()):
        page = client_for(people.comms).post(address, {"reviewed_on": day})
        assert page.status_code == 200 and "cannot be in the future" in page.content.decode()
    members_policy.refresh_from_db()
    assert members_policy.next_review_on == before
    assert client_for(people.comms).post(address, {"reviewed_on": timezone.localdate().isoformat()}).status_code == 302
