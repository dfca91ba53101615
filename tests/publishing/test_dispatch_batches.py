"""Dispatch in batches against a real Mastodon API server (mastodon-mock): a channel's due targets are claimed
together, never shared between claimers, sent once each even by racing threads, and given back unsent when the
platform's headroom runs out part-way."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connections
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.services import connector_for
from townsquare.jobs.models import Job
from townsquare.notifications.models import Notification
from townsquare.publishing.dispatch import claim, enqueue, record, recover, send
from townsquare.publishing.models import Post, PostTarget, PublishAttempt

from .conftest import connect_mastodon, start_mastodon
from .test_dispatch import approved, dead_worker, on_server

S = PostTarget.Status


def due_posts(make_post, people, channels: list[Channel], count: int, label: str) -> list[Post]:
    """``count`` approved posts on ``channels``, made due a moment ago in the order they were made."""
    posts = [approved(make_post, people, channels, f"{label} {n:02d}") for n in range(count)]
    base = timezone.now() - dt.timedelta(seconds=count + 1)
    for n, post in enumerate(posts):
        PostTarget.objects.filter(post=post).update(due_at=base + dt.timedelta(seconds=n))
    return posts


def channel_claim(worker: str) -> claim.Batch | None:
    """The claim of the one channel these tests make targets due on."""
    batches = claim.due_claim(worker=worker)
    assert len(batches) <= 1
    return batches[0] if batches else None


def test_two_claimers_never_share_a_target(toot_channel, make_post, people):
    due_posts(make_post, people, [toot_channel], claim.BATCH + 5, "Shared?")
    first = channel_claim("host-a:1")
    second = channel_claim("host-b:2")
    assert first is not None and second is not None
    mine = {c.target.pk for c in first.claimed}
    theirs = {c.target.pk for c in second.claimed}
    assert len(mine) == claim.BATCH and len(theirs) == 5 and not mine & theirs
    assert channel_claim("host-c:3") is None
    # Each claim committed its attempts with the targets, in due order, each with the target's own key.
    assert [c.target.due_at for c in first.claimed] == sorted(c.target.due_at for c in first.claimed)
    for batch, worker in ((first, "host-a:1"), (second, "host-b:2")):
        for claimed in batch.claimed:
            target = PostTarget.objects.get(pk=claimed.target.pk)
            assert (target.status, target.claimed_by) == (S.PUBLISHING, worker)
            assert list(target.attempts.values_list("outcome", "idempotency_key")) == [
                ("started", target.idempotency_key)
            ]


def test_a_platform_without_idempotency_keys_is_claimed_one_target_at_a_time(
    toot_channel, make_post, people, monkeypatch
):
    monkeypatch.setattr(type(connector_for(toot_channel)), "honours_idempotency_key", False)
    due_posts(make_post, people, [toot_channel], 3, "One at a time")
    batch = channel_claim("w:1")
    assert batch is not None and len(batch.claimed) == 1
    assert PostTarget.objects.filter(status=S.PUBLISHING).count() == 1


def test_a_channel_job_sends_every_due_target_once_in_due_order(mastodon, toot_channel, make_post, people):
    label = f"Batch {uuid.uuid4().hex[:6]}"
    posts = due_posts(make_post, people, [toot_channel], claim.BATCH + 3, label)
    counts = send.due_dispatch(worker="w:1")
    assert counts == {"published": len(posts)}
    targets = list(PostTarget.objects.filter(post__in=posts).order_by("due_at"))
    assert [t.status for t in targets] == [S.PUBLISHED] * len(posts)
    assert [t.published_at for t in targets] == sorted(t.published_at for t in targets)
    assert PublishAttempt.objects.filter(target__in=targets).count() == len(posts)
    for post in posts:
        assert on_server(mastodon, post.text) == 1
    # Each published post is audited and its author told, as a single dispatch does.
    from townsquare.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="post.channel_published", object_id__in=[str(p.pk) for p in posts]
    ).count() == len(posts)
    assert Notification.objects.filter(user=people.officer, kind="post.published").count() == len(posts)
    toot_channel.refresh_from_db()
    assert toot_channel.last_post_at == max(t.published_at for t in targets)


def test_approval_queues_one_job_per_due_time_and_the_sweep_only_what_has_none(
    toot_channel, make_post, people, django_capture_on_commit_callbacks
):
    from townsquare.publishing.services import post_approve, post_submit

    slot = (timezone.now() + dt.timedelta(minutes=5)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("First", "Second"):
            post = make_post(text=text, channels=[toot_channel], scheduled_for=slot)
            post_submit(actor=people.officer, post=post)
            post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    jobs = Job.objects.filter(kind=enqueue.JOB_KIND)
    assert [(j.payload["channel_ids"], j.run_after) for j in jobs] == [([toot_channel.pk], slot)]  # one slot: one job
    jobs.delete()
    PostTarget.objects.update(due_at=timezone.now() - dt.timedelta(seconds=1))
    assert recover.dispatch_sweep()["queued"] == 1  # the lost job comes back...
    assert recover.dispatch_sweep()["queued"] == 0  # ...once


def test_a_batch_left_by_a_dead_worker_is_sent_again_with_the_same_keys_once(mastodon, toot_channel, make_post, people):
    label = f"Died with a batch {uuid.uuid4().hex[:6]}"
    posts = due_posts(make_post, people, [toot_channel], 3, label)
    worker = dead_worker()
    batch = channel_claim(worker)
    assert batch is not None and len(batch.claimed) == 3
    # The first call reached the platform, then the worker died: two of its batch were never called.
    connector_for(toot_channel).publish(send.outbound_post(batch.claimed[0].target))
    assert recover.targets_recover() == {"resent": 3, "unconfirmed": 0}
    assert send.due_dispatch(worker="w:2") == {"published": 3}
    for post in posts:
        assert on_server(mastodon, post.text) == 1


def test_a_late_answer_does_not_overwrite_a_newer_claim(toot_channel, make_post, people):
    """Recovery gave a slow call's target to a new claim by the same worker name: the old answer is not
    recorded on it."""
    post = approved(make_post, people, [toot_channel], "Slow answer.")
    worker = claim.worker_id()
    old = channel_claim(worker)
    assert old is not None
    later = timezone.now() + claim.STALE_ATTEMPT + dt.timedelta(seconds=1)
    assert recover.targets_recover(now=later) == {"resent": 1, "unconfirmed": 0}
    PostTarget.objects.filter(post=post).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    new = channel_claim(worker)
    assert new is not None
    record.finish(old.claimed[0], PublishAttempt.Outcome.FAILED, "An old answer.")
    target = PostTarget.objects.get(post=post)
    assert (target.status, target.claimed_at) == (S.PUBLISHING, new.claimed_at)
    assert "old answer" not in target.last_error


def test_the_rest_of_a_batch_is_given_back_unsent_when_the_headroom_runs_out(
    tmp_path, riverside, people, make_post, django_capture_on_commit_callbacks, settings
):
    settings.FETCH_ALLOW_LOOPBACK = True  # mastodon-mock is on 127.0.0.1
    server = start_mastodon(tmp_path, accounts=1, rate_limit=2)
    try:
        channel = Channel.objects.create(
            council=riverside, platform="mastodon", name="Limited", handle="@council0", owner=people.comms
        )
        channel.assignees.add(people.officer)
        connect_mastodon(channel, server, "token0")
        posts = due_posts(make_post, people, [channel], 5, f"Limited {uuid.uuid4().hex[:6]}")
        with django_capture_on_commit_callbacks(execute=True):
            counts = send.due_dispatch(worker="w:1")
        assert counts == {"published": 2, "deferred": 3}
        sent = PostTarget.objects.filter(post__in=posts, status=S.PUBLISHED)
        assert len({t.external_id for t in sent}) == 2
        waiting = PostTarget.objects.filter(post__in=posts, status=S.SCHEDULED)
        assert waiting.count() == 3
        assert all(t.due_at > timezone.now() and "rate limit" in t.last_error for t in waiting)
        # Released, not refused: had they been called, the server's 429 would show as a retry.
        released = PublishAttempt.objects.filter(target__in=waiting)
        assert set(released.values_list("outcome", "error_kind")) == {(PublishAttempt.Outcome.RELEASED, "")}
        # They wait for a job of their own at the reset time.
        assert Job.objects.filter(
            kind=enqueue.JOB_KIND, payload__channel_ids=[channel.pk], status="queued", run_after=waiting.first().due_at
        ).exists()
        # Nothing more is tried before the platform's reset.
        assert send.due_dispatch(worker="w:1") == {}
    finally:
        server.process.terminate()
        server.process.wait(10)


def test_the_connector_is_kept_per_channel_and_rebuilt_on_reconnection(mastodon, toot_channel, make_post, people):
    kept = connector_for(toot_channel, reuse=True)
    assert connector_for(toot_channel, reuse=True) is kept
    assert connector_for(toot_channel) is not kept  # without reuse: a fresh one, as before
    first = approved(make_post, people, [toot_channel], f"Before reconnecting {uuid.uuid4().hex[:6]}")
    assert send.due_dispatch(worker="w:1") == {"published": 1}
    connect_mastodon(toot_channel, mastodon, "token1")  # the same channel, now another account's token
    assert connector_for(toot_channel, reuse=True) is not kept
    second = approved(make_post, people, [toot_channel], f"After reconnecting {uuid.uuid4().hex[:6]}")
    assert send.due_dispatch(worker="w:1") == {"published": 1}
    assert on_server(mastodon, first.text, account=0) == 1 and on_server(mastodon, first.text, account=1) == 0
    assert on_server(mastodon, second.text, account=1) == 1 and on_server(mastodon, second.text, account=0) == 0


@pytest.mark.sqlite_only  # threads share the test's SQLite file; PostgreSQL's locks are covered by the claim test
def test_racing_threads_send_each_post_once(transactional_db, mastodon, riverside, people, make_post):
    channels = []
    for n in (2, 3):
        channel = Channel.objects.create(
            council=riverside, platform="mastodon", name=f"Race {n}", handle=f"@council{n}", owner=people.comms
        )
        channel.assignees.add(people.officer)
        channels.append(connect_mastodon(channel, mastodon, f"token{n}"))
    label = f"Race {uuid.uuid4().hex[:6]}"
    posts = {
        channel.pk: due_posts(make_post, people, [channel], claim.BATCH + 2, f"{label} {channel.pk}")
        for channel in channels
    }
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            while send.due_dispatch(worker=name):  # each thread sends until nothing is due
                pass
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f"{claim.worker_id()}:t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    for n, channel in zip((2, 3), channels, strict=True):
        for post in posts[channel.pk]:
            target = post.targets.get()
            assert target.status == S.PUBLISHED
            assert target.attempts.count() == 1
            assert on_server(mastodon, post.text, account=n) == 1
