"""Reopening a resolved item starts its clocks again in working time; the finished clocks keep their outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.inbox.following import stored_and_followed
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget, TargetMiss
from townsquare.inbox.service_levels import clocks_check, clocks_for_items
from townsquare.inbox.services import item_status_set

from .conftest import MONDAY_10

H = dt.timedelta(hours=1)
RESOLVED, NEW = ReceivedItem.Status.RESOLVED, ReceivedItem.Status.NEW


@pytest.fixture(autouse=True)
def _monday(clock) -> None:
    clock.at(MONDAY_10)


def _open(item) -> dict[str, ItemTarget]:
    return {c.kind: c for c in ItemTarget.objects.filter(item=item, finished_at__isnull=True)}


def test_reopening_starts_next_response_and_resolution_clocks_from_then(accounts, inbound, targets, people, clock):
    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("a1")])[0]
    clock.at(MONDAY_10 + H)
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    assert not _open(item)
    # Reopened on Friday at 16:00: the four working hours of the next response run to Monday 12:00.
    friday_16 = dt.datetime(2026, 12, 11, 16, tzinfo=dt.UTC)
    clock.at(friday_16)
    item_status_set(actor=people.comms, item=item, status=NEW)
    started = _open(item)
    assert set(started) == {"next_response", "resolution"}
    assert started["next_response"].started_at == friday_16
    assert started["next_response"].due_at == dt.datetime(2026, 12, 14, 12, tzinfo=dt.UTC)
    assert started["next_response"].warn_at == dt.datetime(2026, 12, 14, 11, tzinfo=dt.UTC)
    assert started["resolution"].due_at == dt.datetime(2026, 12, 18, 16, tzinfo=dt.UTC)
    # The clocks of the first time round are still there, met.
    finished = ItemTarget.objects.filter(item=item, finished_at__isnull=False)
    assert sorted((c.kind, c.state) for c in finished) == [("first_response", "met"), ("resolution", "met")]
    texts = [v.text for v in clocks_for_items(item.council, [item.pk], now=friday_16)[item.pk]]
    assert texts == ["due in 4 working hours", "due in 40 working hours", "met", "met"]


def test_a_reopened_clock_can_be_missed_again_and_the_old_miss_is_kept(accounts, inbound, targets, people, clock):
    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("a1")])[0]
    assert clocks_check(now=MONDAY_10 + 3 * H, warn=False) == (1, 0)  # the first response missed
    clock.at(MONDAY_10 + 4 * H)
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    clock.at(MONDAY_10 + 5 * H)
    item_status_set(actor=people.comms, item=item, status=ReceivedItem.Status.ASSIGNED)
    # The new next-response clock (four working hours from 15:00 on Monday) is due on Tuesday at 11:00.
    assert _open(item)["next_response"].due_at == MONDAY_10 + dt.timedelta(hours=25)
    assert clocks_check(now=MONDAY_10 + dt.timedelta(hours=26), warn=False) == (1, 0)
    assert sorted(TargetMiss.objects.filter(item=item).values_list("kind", flat=True)) == [
        "first_response",
        "next_response",
    ]
    # Resolving again stops the new clocks; the item can be reopened again.
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    item_status_set(actor=people.comms, item=item, status=NEW)
    assert ItemTarget.objects.filter(item=item, kind="resolution").count() == 3
    assert set(_open(item)) == {"next_response", "resolution"}


def test_reopening_to_awaiting_resident_starts_only_the_resolution_clock(accounts, inbound, targets, people):
    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("a1")])[0]
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    item_status_set(actor=people.comms, item=item, status=ReceivedItem.Status.AWAITING_RESIDENT)
    assert set(_open(item)) == {"resolution"}


def test_changes_between_open_statuses_start_nothing(accounts, inbound, targets, people):
    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("a1")])[0]
    item_status_set(actor=people.comms, item=item, status=ReceivedItem.Status.AWAITING_REPLY)
    item_status_set(actor=people.comms, item=item, status=NEW)
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    item_status_set(actor=people.comms, item=item, status=RESOLVED)  # resolving twice reopens nothing
    assert ItemTarget.objects.filter(item=item).count() == 2 and not _open(item)


def test_reopening_without_targets_starts_nothing(accounts, inbound, people):
    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("a1")])[0]
    item_status_set(actor=people.comms, item=item, status=RESOLVED)
    item_status_set(actor=people.comms, item=item, status=NEW)
    assert not ItemTarget.objects.filter(item=item).exists()


def test_a_reply_the_platform_took_stops_the_response_clock_when_it_was_sent(accounts, inbound, targets, people, clock):
    from townsquare.inbox.work_models import InboxReply
    from townsquare.publishing.models import Post, PostTarget
    from townsquare.publishing.signals import targets_published

    [item] = stored_and_followed(channel=accounts.toot, items=[inbound("r1")])[0]
    assert set(_open(item)) == {"first_response", "resolution"}
    post = Post.objects.create(council=item.council, author=people.comms, text="We are on it.", is_reply=True)
    InboxReply.objects.create(item=item, post=post, author=people.comms)
    sent = MONDAY_10 + H
    target = PostTarget.objects.create(
        post=post, channel=accounts.toot, status=PostTarget.Status.PUBLISHED, published_at=sent
    )
    clock.at(MONDAY_10 + 5 * H)  # the confirmation is recorded later than the platform took it
    targets_published.send(sender=PostTarget, targets=[target])
    item.refresh_from_db()
    assert item.status == ReceivedItem.Status.AWAITING_RESIDENT
    answered = ItemTarget.objects.get(item=item, kind="first_response")
    assert answered.finished_at == sent and answered.state == "met"  # one hour, inside the two hours
    assert set(_open(item)) == {"resolution"}  # resolving is still to come
    # An out-of-hours auto-reply is not an answer: its item's clock keeps running.
    [other] = stored_and_followed(channel=accounts.toot, items=[inbound("r2")])[0]
    auto = Post.objects.create(council=item.council, author=people.comms, text="We are closed.", is_reply=True)
    InboxReply.objects.create(item=other, post=auto, kind=InboxReply.Kind.AUTO)
    auto_target = PostTarget.objects.create(
        post=auto, channel=accounts.toot, status=PostTarget.Status.PUBLISHED, published_at=sent
    )
    targets_published.send(sender=PostTarget, targets=[auto_target])
    assert "first_response" in _open(other)
