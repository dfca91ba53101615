"""Service-level clocks: started on arrival in working time, met or missed when answered or resolved, missed
by the scheduled check (a miss recorded once), a warning before a miss, and the most specific target."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.inbox.following import stored_and_followed
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, ServiceTarget, TargetMiss
from townsquare.inbox.service_levels import clocks_check, clocks_for_items, target_for
from townsquare.inbox.services import item_assign, item_status_set
from townsquare.notifications.models import Notification

from .conftest import MONDAY_10

H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _monday(clock) -> None:
    clock.at(MONDAY_10)


def arrive(channel, inbound, *items):
    return stored_and_followed(channel=channel, items=list(items))[0]


def clocks(item) -> dict[str, ItemTarget]:
    return {c.kind: c for c in ItemTarget.objects.filter(item=item)}


def test_clocks_start_on_arrival_in_working_time(accounts, inbound, targets) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1", "My bin was not collected"))
    found = clocks(item)
    assert set(found) == {"first_response", "resolution"}
    assert found["first_response"].due_at == MONDAY_10 + 2 * H
    assert found["first_response"].warn_at == MONDAY_10 + H
    # Five working days of eight hours: the next Monday, 10:00.
    assert found["resolution"].due_at == MONDAY_10 + dt.timedelta(days=7)
    assert found["first_response"].state == ItemTarget.State.RUNNING


def test_no_targets_no_clocks(accounts, inbound) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1"))
    assert not ItemTarget.objects.filter(item=item).exists()


def test_answered_in_time_is_met_and_resolving_late_is_missed(accounts, inbound, targets, people, clock) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1"))
    clock.at(MONDAY_10 + H)
    item_status_set(actor=people.comms, item=item, status=ReceivedItem.Status.AWAITING_RESIDENT)
    assert clocks(item)["first_response"].state == ItemTarget.State.MET
    assert clocks(item)["resolution"].state == ItemTarget.State.RUNNING
    clock.at(MONDAY_10 + dt.timedelta(days=8))
    item_status_set(actor=people.comms, item=item, status=ReceivedItem.Status.RESOLVED)
    resolution = clocks(item)["resolution"]
    assert resolution.state == ItemTarget.State.MISSED and resolution.finished_at is not None
    miss = TargetMiss.objects.get()
    assert (miss.kind, miss.item_id, miss.due_at) == ("resolution", item.pk, MONDAY_10 + dt.timedelta(days=7))


def test_the_check_marks_a_miss_once_and_the_clock_keeps_counting(accounts, inbound, targets, people, clock) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1"))
    item_assign(actor=people.comms, item=item, person=people.officer)
    assert clocks_check(now=MONDAY_10 + H - dt.timedelta(minutes=1)) == (0, 0)
    assert clocks_check(now=MONDAY_10 + 2 * H + dt.timedelta(minutes=1)) == (1, 0)  # warned too late to matter
    assert clocks_check(now=MONDAY_10 + 3 * H) == (0, 0)
    miss = TargetMiss.objects.get()
    assert miss.kind == "first_response" and miss.assignee == people.officer
    view = clocks_for_items(item.council, [item.pk], now=MONDAY_10 + 3 * H)[item.pk][0]
    assert (view.kind, view.text, view.overdue) == ("first_response", "overdue by 1 working hour", True)
    # Answered late: the clock stops, still missed, and the miss is not recorded twice.
    clock.at(MONDAY_10 + 4 * H)
    item_status_set(actor=people.officer, item=item, status=ReceivedItem.Status.AWAITING_RESIDENT)
    first = clocks(item)["first_response"]
    assert first.state == ItemTarget.State.MISSED and first.finished_at == MONDAY_10 + 4 * H
    assert TargetMiss.objects.count() == 1


def test_the_assignee_is_warned_before_a_miss_once(accounts, inbound, targets, people) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1"))
    item_assign(actor=people.comms, item=item, person=people.officer)
    assert clocks_check(now=MONDAY_10 + H + dt.timedelta(minutes=5)) == (0, 1)
    assert clocks_check(now=MONDAY_10 + H + dt.timedelta(minutes=10)) == (0, 0)
    note = Notification.objects.get(kind="inbox.service_level_warning")
    assert note.user == people.officer
    assert "First response due in 55 working minutes" in note.message
    assert note.url == f"/c/riverside/inbox/{item.pk}/"


def test_due_counts_working_hours_only(accounts, inbound, targets) -> None:
    [item] = arrive(accounts.toot, inbound, inbound("a1"))
    friday_16 = dt.datetime(2026, 12, 4, 16, tzinfo=dt.UTC)
    ItemTarget.objects.filter(item=item, kind="first_response").update(
        started_at=friday_16, due_at=friday_16 + 2 * H + dt.timedelta(days=2, hours=16)
    )
    # Due Monday 10:00; on Friday 16:00 that is two working hours away, not two days.
    view = clocks_for_items(item.council, [item.pk], now=friday_16)[item.pk][0]
    assert view.text == "due in 2 working hours"


def test_a_follow_up_after_an_answer_gets_a_next_response_clock(accounts, inbound, targets, people) -> None:
    [first] = arrive(accounts.toot, inbound, inbound("a1"))
    item_status_set(actor=people.comms, item=first, status=ReceivedItem.Status.AWAITING_RESIDENT)
    [again] = arrive(accounts.toot, inbound, inbound("a2", "Still not collected", in_reply_to_external_id="a1"))
    assert set(clocks(again)) == {"next_response", "resolution"}
    assert clocks(again)["next_response"].due_at == MONDAY_10 + 4 * H
    # A follow-up before any answer is still waiting for its first response.
    [other] = arrive(accounts.x, inbound, inbound("b1"))
    [more] = arrive(accounts.x, inbound, inbound("b2", "Hello?", in_reply_to_external_id="b1"))
    assert "first_response" in clocks(more) and other.pk != more.pk


def test_the_most_specific_target_applies(riverside, accounts, inbound, targets) -> None:
    by_account = ServiceTarget.objects.create(
        council=riverside, kind="first_response", minutes=60, channel=accounts.toot
    )
    by_category = ServiceTarget.objects.create(
        council=riverside, kind="first_response", minutes=30, category="complaint"
    )
    both = ServiceTarget.objects.create(
        council=riverside, kind="first_response", minutes=90, channel=accounts.toot, category="complaint"
    )
    everything = list(ServiceTarget.objects.all())
    item = ReceivedItem(channel=accounts.toot, categories=["complaint"])
    assert target_for(everything, "first_response", item) == both
    assert target_for(everything, "first_response", ReceivedItem(channel=accounts.toot, categories=[])) == by_account
    assert target_for(everything, "first_response", ReceivedItem(channel=accounts.x, categories=["complaint"])) == (
        by_category
    )
    assert target_for(everything, "first_response", ReceivedItem(channel=accounts.x, categories=[])) == targets.first


def test_the_check_runs_as_a_scheduled_job(accounts, inbound, targets, clock) -> None:
    from townsquare.inbox.sla_jobs import CHECK_JOB
    from townsquare.jobs.models import Job
    from townsquare.jobs.schedule import PERIODIC, scheduler_tick
    from townsquare.jobs.services import job_claim_next, job_run

    assert CHECK_JOB in PERIODIC
    arrive(accounts.toot, inbound, inbound("a1"))
    clock.at(MONDAY_10 + 3 * H)
    assert CHECK_JOB in scheduler_tick(name="test")
    while (job := job_claim_next(worker="test", kinds=[CHECK_JOB])) is not None:
        assert job_run(job)
    assert Job.objects.get(kind=CHECK_JOB).status == Job.Status.DONE
    assert TargetMiss.objects.get().kind == "first_response"
