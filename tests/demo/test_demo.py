"""The demo loader: every capability's demo data, made through its services, loaded once, audited in a
valid chain, and every role's pages answering with something on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.audit.services import audit_verify_chain
from townsquare.councils.models import Council
from townsquare.demo import data
from townsquare.demo.governance_training import next_month_due
from townsquare.demo.policy import by_election_dates
from townsquare.demo.publishing import demo_history_record
from townsquare.demo.services import demo_load
from townsquare.governance.models import (
    ActionPlan,
    ActionStatus,
    Breach,
    Policy,
    PolicyVersion,
    StrategyPhase,
    TrainingModule,
)
from townsquare.governance.selectors import (
    acknowledgements_waiting_for,
    attendance_report,
    can_see_breaches,
    policies_review_due,
    training_states,
)
from townsquare.notifications.models import Notification
from townsquare.policy.models import Election, EmergencyOverride
from townsquare.policy.services import check_draft, election_window_for
from townsquare.publishing.checks import post_check
from townsquare.publishing.models import Post, PostingSlot, PostTarget, PublishAttempt

RIVERSIDE = "/c/riverside"
HILLCREST = "/c/hillcrest"


def person(email: str) -> User:
    return User.objects.get(email=email)


def client_of(email: str) -> Client:
    client = Client()
    client.force_login(person(email))
    return client


def test_loads_once_and_changes_nothing_the_second_time(demo_councils: dict[str, Council]) -> None:
    counts = (
        Post.objects.count(),
        Policy.objects.count(),
        ActionPlan.objects.count(),
        AuditEvent.objects.count(),
        Election.objects.count(),
        TrainingModule.objects.count(),
    )
    assert demo_load() is False
    assert (
        Post.objects.count(),
        Policy.objects.count(),
        ActionPlan.objects.count(),
        AuditEvent.objects.count(),
        Election.objects.count(),
        TrainingModule.objects.count(),
    ) == counts


def test_audit_chain_is_valid_and_shows_each_capability(demo_councils: dict[str, Council]) -> None:
    checked, problems = audit_verify_chain()
    assert problems == []
    assert checked == AuditEvent.objects.count() > 100
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "policy.version_published",
        "policy.acknowledged",
        "policy.review_reminder_sent",
        "action_plan.imported",
        "strategy_timetable.imported",
        "recommendation.progress_updated",
        "training.attendance_recorded",
        "training.completed",
        "breach.created",
        "publishing_rights.granted",
        "policy.election_recorded",
        "policy.word_list_changed",
        "policy.override_recorded",
        "post.created",
        "post.submitted",
        "post.approved",
        "post.approved_first",
        "post.rejected",
        "post.cancelled",
        "post.published_directly",
        "channel.slots_added",
        "demo.history_recorded",
    } <= actions


def test_governance_registers(demo_councils: dict[str, Council]) -> None:
    riverside, hillcrest = demo_councils["riverside"], demo_councils["hillcrest"]
    today = timezone.localdate()
    comms, councillor = person("comms@riverside.example"), person("councillor@riverside.example")

    main = Policy.objects.get(council=riverside, title="Social Media Policy")
    assert main.current_version is not None and main.current_version.approved_by == "Policy Committee"
    assert {s.audience for s in main.current_version.sections.all()} == {"everyone", "officers", "members"}
    assert main.review_interval_months == 12 and main.next_review_on is not None
    assert today < main.next_review_on <= today + dt.timedelta(days=30)
    assert main in policies_review_due(council=riverside)
    assert main.reminded_for == main.next_review_on  # the owner has been reminded, once
    assert Notification.objects.filter(user=comms, kind="policy.review_due").count() == 1

    members = Policy.objects.get(council=riverside, kind=Policy.Kind.MEMBERS_POLICY)
    waiting = acknowledgements_waiting_for(user=councillor, council=riverside)
    assert [(a.version.policy, a.version.number) for a in waiting] == [(members, "1.1")]
    # The governance browser test publishes its own version 2.0 and looks its acknowledgement up by number.
    assert not PolicyVersion.objects.filter(number="2.0").exists()

    plans = {p.source_body: p for p in ActionPlan.objects.filter(council=riverside)}
    assert set(plans) == {"Social Media Task Group", "Ad Hoc Scrutiny Panel"}
    cabinet = plans["Social Media Task Group"].recommendations.all()
    assert [r.number for r in cabinet] == ["1", "2", "3", "4", "5"]
    assert all(r.decision == "agreed" and r.decided_by == "Cabinet" for r in cabinet)
    assert cabinet.get(number="4").status == ActionStatus.DELAYED
    scrutiny = plans["Ad Hoc Scrutiny Panel"]
    assert scrutiny.meeting_on == dt.date(2021, 9, 7) and scrutiny.recommendations.count() == 4
    assert scrutiny.recommendations.get(number="4").owner_title == (
        "Head of Marketing and Communications and Head of Democratic Services"
    )

    phases = StrategyPhase.objects.filter(council=riverside)
    assert phases.count() == 5
    assert {p.strategy.title for p in phases if p.strategy} == {"Social Media Strategy"}
    assert {p.status for p in phases} == {ActionStatus.COMPLETE}

    assert set(TrainingModule.objects.filter(council=riverside).values_list("kind", flat=True)) == {
        "induction",
        "annual",
        "elearning",
    }
    sessions, threshold = attendance_report(council=riverside)
    poor = [s for s in sessions if s.percent is not None and s.percent < threshold]
    assert len(poor) == 1 and (poor[0].invited, poor[0].attended) == (4, 1)
    states = {s.requirement.module.kind: s for s in training_states(user=councillor, council=riverside)}
    annual = states["annual"]
    assert annual.state == "due_soon" and annual.expires_on == next_month_due(today)
    assert annual.expires_on is not None and annual.expires_on > today
    assert states["induction"].state == "current"

    breach = Breach.objects.get(council=riverside)
    assert breach.status == Breach.Status.INVESTIGATING
    assert can_see_breaches(user=person("admin@riverside.example"), council=riverside)
    assert not can_see_breaches(user=comms, council=riverside)

    smaller = Policy.objects.get(council=hillcrest)
    assert smaller.review_interval_months == 6 and smaller.next_review_on is not None
    assert smaller.next_review_on > today


def test_next_month_due_is_next_month_and_within_the_due_soon_window() -> None:
    for today in (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 11, 21),
        dt.date(2026, 12, 31),
    ):
        due = next_month_due(today)
        assert (due.year, due.month) == ((today.year, today.month + 1) if today.month < 12 else (today.year + 1, 1))
        assert 0 < (due - today).days <= 31


def test_posts_in_every_state_nothing_due_and_history_recorded_as_such(demo_councils: dict[str, Council]) -> None:
    riverside = demo_councils["riverside"]
    now = timezone.now()
    posts = Post.objects.filter(council=riverside)
    assert set(posts.values_list("status", flat=True)) == {
        "draft",
        "awaiting_approval",
        "awaiting_second",
        "approved",
        "rejected",
        "cancelled",
    }

    christmas = posts.get(text__startswith="Christmas collection days change")
    assert christmas.status == Post.Status.DRAFT and christmas.author.email == "officer@riverside.example"
    assert [i.alt_text for i in christmas.images.all()] == [""]
    assert christmas.images.get().file.read(8) == b"\x89PNG\r\n\x1a\n"
    rules = {(f.rule, f.severity) for f in post_check(post=christmas).findings}
    assert {("AX-01", "block"), ("AX-03", "warn")} <= rules

    waiting = posts.filter(status=Post.Status.AWAITING_APPROVAL)
    assert any(f["rule"] == "AX-03" and f["severity"] == "warn" for p in waiting for f in p.findings)
    assert posts.get(status=Post.Status.REJECTED).decision_reason.startswith("Please add alt text")

    scheduled = PostTarget.objects.filter(post__council=riverside, status=PostTarget.Status.SCHEDULED)
    assert scheduled.count() >= 6
    for target in scheduled.select_related("post"):
        assert target.due_at is not None and now < target.due_at <= now + dt.timedelta(days=15)
    # Comms' and the officer's approved posts sit on their channels' posting slots.
    slotted = scheduled.exclude(post__text__startswith="Flood warning")
    for target in slotted:
        local = timezone.localtime(target.due_at)
        assert PostingSlot.objects.filter(channel=target.channel, weekday=local.weekday(), time=local.time()).exists()
    assert not PostTarget.objects.filter(status=PostTarget.Status.SCHEDULED, due_at__lte=now).exists()

    sent = {t.status for t in PostTarget.objects.filter(post__council=riverside, due_at__lt=now)}
    assert sent == {"published", "failed", "unconfirmed"}
    history = Post.objects.filter(targets__status__in=["published", "failed", "unconfirmed"]).distinct()
    recorded = set(AuditEvent.objects.filter(action="demo.history_recorded").values_list("object_id", flat=True))
    assert {str(p.pk) for p in history} == recorded
    assert not PublishAttempt.objects.exists()  # nothing was sent to any platform

    # Hillcrest's own three, besides its posts of the messages to both councils (tests/partners/test_demo.py).
    assert Post.objects.filter(council=demo_councils["hillcrest"], source="").count() == 3


def test_history_records_only_outcomes_of_a_send(demo_councils: dict[str, Council]) -> None:
    post = Post.objects.filter(status=Post.Status.DRAFT, council=demo_councils["riverside"]).first()
    assert post is not None
    target = post.targets.first()
    assert target is not None
    with pytest.raises(ValueError):
        demo_history_record(
            post=post,
            approver=person("comms@riverside.example"),
            at=timezone.now(),
            outcomes={target.channel: (PostTarget.Status.SCHEDULED, "")},
        )
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


def test_by_election_blocks_quoting_the_leader_and_the_flood_override(demo_councils: dict[str, Council]) -> None:
    riverside = demo_councils["riverside"]
    today = timezone.localdate()
    election = Election.objects.get(council=riverside)
    assert election.election_type == Election.Type.BY_ELECTION
    assert election.notice_date < today < election.poll_date and election.poll_date.weekday() == 3
    assert len(election.candidates.splitlines()) == len(data.CANDIDATES)
    assert election_window_for(riverside) is not None and election_window_for(demo_councils["hillcrest"]) is None

    quote = f"The Leader of the Council, {data.LEADER}, said: “We kept our promise to Mill.”"
    result = check_draft(council=riverside, text=quote, channels=["facebook"])
    assert result.blocked and {"PUB-04", "PUB-05"} <= {f.rule for f in result.findings}
    # A by-election binds only what concerns its ward: the same quote about another part of the district does not.
    elsewhere = check_draft(council=riverside, text=quote.replace("Mill", "Riverside Park"), channels=["facebook"])
    assert not {"PUB-04", "PUB-05"} & {f.rule for f in elsewhere.findings}
    leader = Post.objects.get(council=riverside, text__startswith="The Leader of the Council")
    assert leader.status == Post.Status.DRAFT
    assert {"PUB-04", "PUB-05"} <= {f.rule for f in post_check(post=leader).blocking}

    override = EmergencyOverride.objects.get(council=riverside)
    assert override.reason.startswith("Flood warning")
    flood = Post.objects.get(council=riverside, text__startswith="Flood warning")
    assert override.draft_ref == flood.draft_ref and flood.status == Post.Status.APPROVED
    assert flood.override_reason == override.reason
    assert all(f["severity"] != "block" for f in flood.findings)


def test_by_election_dates() -> None:
    for today in (dt.date(2026, 11, 21), dt.date(2026, 11, 26), dt.date(2027, 4, 1)):
        notice, poll = by_election_dates(today)
        assert poll.weekday() == 3 and 21 <= (poll - today).days < 28 and notice < today


def test_every_role_finds_its_pages_with_something_on_them(demo_councils: dict[str, Council]) -> None:
    riverside = demo_councils["riverside"]
    plan = ActionPlan.objects.get(council=riverside, source_body="Social Media Task Group")
    members = Policy.objects.get(council=riverside, kind=Policy.Kind.MEMBERS_POLICY)
    module = TrainingModule.objects.get(council=riverside, kind="annual")
    session = module.sessions.order_by("held_on").last()
    assert session is not None
    christmas = Post.objects.get(text__startswith="Christmas collection days change")
    flood = Post.objects.get(text__startswith="Flood warning")
    g, p = f"{RIVERSIDE}/governance", f"{RIVERSIDE}/policy"
    # Each role: (page, text it must show), then pages its role may not open and the answer.
    pages: dict[str, tuple[list[tuple[str, str]], list[tuple[str, int]]]] = {
        "admin@riverside.example": (
            [
                (f"{RIVERSIDE}/", "governance items for you"),
                (f"{g}/", "Social Media Policy"),
                (f"{g}/breaches/", "A Mill ward councillor"),
                (f"{g}/settings/", "Monitoring officer"),
                (f"{g}/policies/", "Members&#x27; Social Media Policy"),
                (f"{g}/training/", "Poorly attended"),
                (f"{p}/elections/", "Mill ward by-election"),
                (f"{p}/overrides/", "Flood warning"),
                (f"{RIVERSIDE}/audit/", "demo.history_recorded"),
                (f"{RIVERSIDE}/meetings/", "Full Council"),
            ],
            [(f"{RIVERSIDE}/posts/", 403)],
        ),
        "comms@riverside.example": (
            [
                (f"{RIVERSIDE}/", "posts waiting for approval"),
                (f"{RIVERSIDE}/posts/", "The Leader of the Council"),
                (f"{RIVERSIDE}/posts/approvals/", "Missed your bin?"),
                (f"{RIVERSIDE}/posts/?show=trouble", "council tax"),
                (f"{RIVERSIDE}/calendar/", "Published"),
                (f"{RIVERSIDE}/calendar/?view=list", "Scheduled"),
                (f"{RIVERSIDE}/posts/{flood.pk}/", "Flood warning: the Environment Agency"),
                (f"{RIVERSIDE}/posts/settings/", "Riverside Council"),
                (f"{g}/", "Policy reviews falling due"),
                (f"{g}/actions/", "Cabinet Response"),
                (f"{g}/actions/{plan.pk}/", "Measures Dashboard"),
                (f"{g}/strategy/", "Rationalisation and basic"),
                (f"{g}/training/modules/{module.pk}/", "Annual social media training"),
                (f"{g}/training/sessions/{session.pk}/", "Cllr Alan Reid"),
                (f"{g}/publishing-rights/", "Jess Morgan"),
                (f"{p}/", "pre-election period for Mill ward by-election"),
                (f"{p}/try/", "Try a draft"),
                (f"{HILLCREST}/posts/approvals/", "Hillcrest Leisure gym"),
                (f"{HILLCREST}/governance/policies/", "Social Media Policy and Guidance"),
            ],
            [(f"{g}/breaches/", 403), (f"{RIVERSIDE}/audit/", 403)],
        ),
        "officer@riverside.example": (
            [
                (f"{RIVERSIDE}/", "posts failed or unconfirmed"),
                (f"{RIVERSIDE}/posts/", "Christmas collection days"),
                (f"{RIVERSIDE}/posts/{christmas.pk}/", "no alt text"),
                (f"{RIVERSIDE}/posts/{christmas.pk}/edit/", "#binday"),
                (f"{RIVERSIDE}/calendar/", "Awaiting approval"),
                (f"{g}/training/mine/", "Social media e-learning module"),
                (f"{g}/", "Acknowledge Social Media Policy version 1.1"),
                (f"{p}/try/", "Try a draft"),
            ],
            [(f"{g}/training/", 403), (f"{RIVERSIDE}/posts/approvals/", 403), (f"{HILLCREST}/", 404)],
        ),
        "councillor@riverside.example": (
            [
                (f"{RIVERSIDE}/", "governance items for you"),
                (f"{g}/", "Acknowledge Members&#x27; Social Media Policy version 1.1"),
                (f"{g}/policies/{members.pk}/", "Constitution and Members"),
                (f"{g}/training/mine/", "Due soon"),
                (f"{g}/actions/", "Ad Hoc Scrutiny Panel"),
                (f"{g}/strategy/", "Social Media Strategy"),
                (f"{p}/elections/", "Mill ward by-election"),
                (f"{RIVERSIDE}/meetings/", "Full Council"),
            ],
            [(f"{RIVERSIDE}/posts/", 403), (f"{g}/training/", 403), (f"{g}/breaches/", 403)],
        ),
        "auditor@riverside.example": (
            [
                (f"{RIVERSIDE}/audit/", "policy.override_recorded"),
                (f"{g}/training/", "Poorly attended"),
                (f"{g}/actions/", "Cabinet Response"),
                (f"{g}/publishing-rights/", "Tom Okafor"),
                (f"{p}/", "Policy rules"),
            ],
            [(f"{g}/breaches/", 403), (f"{RIVERSIDE}/posts/", 403)],
        ),
        "officer@hillcrest.example": (
            [
                (f"{HILLCREST}/", "posts failed or unconfirmed"),
                (f"{HILLCREST}/posts/", "Half-term at Hillcrest Leisure"),
                (f"{HILLCREST}/governance/policies/", "Social Media Policy and Guidance"),
                (f"{HILLCREST}/calendar/", "Hillcrest Leisure"),
            ],
            [(f"{RIVERSIDE}/", 404), (f"{RIVERSIDE}/governance/", 404)],
        ),
    }
    problems = []
    for email, (allowed, denied) in pages.items():
        client = client_of(email)
        for path, text in allowed:
            response = client.get(path)
            if response.status_code != 200:
                problems.append(f"{email} {path}: {response.status_code}")
            elif text not in response.content.decode():
                problems.append(f"{email} {path}: no {text!r}")
        for path, status in denied:
            response = client.get(path)
            if response.status_code != status:
                problems.append(f"{email} {path}: {response.status_code}, expected {status}")
    assert problems == []


def test_try_a_draft_shows_the_pre_election_block(demo_councils: dict[str, Council]) -> None:
    response = client_of("officer@riverside.example").post(
        f"{RIVERSIDE}/policy/try/", {"text": f"{data.LEADER}, Leader of the Council, said the bins in Mill are fine."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "PUB-05" in body and "Mill ward by-election" in body
