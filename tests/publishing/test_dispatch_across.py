"""Dispatch across channels against a real Mastodon API server (mastodon-mock): the earliest due targets of
every channel are claimed together, each channel within its own allowance, sent once each, and recorded
together; a claim that comes back full shares the rest with drain jobs; one job serves every channel due at
the same time."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connector_for
from townsquare.jobs.models import Job
from townsquare.notifications.models import Notification
from townsquare.publishing.dispatch import claim, enqueue, send
from townsquare.publishing.models import PostTarget, PublishAttempt

from .conftest import connect_mastodon
from .test_dispatch import approved, on_server
from .test_dispatch_batches import due_posts

S = PostTarget.Status


def second_channel(riverside, people, mastodon) -> Channel:
    made = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside Libraries", handle="@council1", owner=people.comms
    )
    made.assignees.add(people.officer)
    return connect_mastodon(made, mastodon, "token1")


def test_one_claim_takes_the_earliest_due_targets_of_several_channels(
    mastodon, toot_channel, riverside, people, make_post
):
    other = second_channel(riverside, people, mastodon)
    label = f"Across {uuid.uuid4().hex[:6]}"
    due_posts(make_post, people, [toot_channel], 3, f"{label} A")
    due_posts(make_post, people, [other], 2, f"{label} B")
    batches = claim.due_claim(worker="w:1", limit=4)
    claimed = [c.target for b in batches for c in b.claimed]
    assert len(claimed) == 4
    assert {b.channel.pk for b in batches} == {toot_channel.pk, other.pk}
    # The four earliest across both channels, each batch in due order, every one with its attempt committed.
    everything = list(PostTarget.objects.order_by("due_at", "pk"))
    assert {t.pk for t in claimed} == {t.pk for t in everything[:4]}
    for batch in batches:
        assert [c.target.due_at for c in batch.claimed] == sorted(c.target.due_at for c in batch.claimed)
        for item in batch.claimed:
            assert item.attempt.outcome == PublishAttempt.Outcome.STARTED
            assert PostTarget.objects.get(pk=item.target.pk).status == S.PUBLISHING
    # The fifth is left for the next claim, and nobody takes a claimed one twice.
    rest = claim.due_claim(worker="w:2", limit=4)
    assert [c.target.pk for b in rest for c in b.claimed] == [everything[4].pk]
    assert claim.due_claim(worker="w:3") == []


def test_a_platform_without_idempotency_keys_gives_one_target_per_claim(toot_channel, make_post, people, monkeypatch):
    monkeypatch.setattr(type(connector_for(toot_channel)), "honours_idempotency_key", False)
    due_posts(make_post, people, [toot_channel], 3, "One each")
    batches = claim.due_claim(worker="w:1")
    assert [len(b.claimed) for b in batches] == [1]


def test_a_channel_past_its_allowance_waits_while_the_others_go(
    mastodon, toot_channel, riverside, people, make_post, settings, django_capture_on_commit_callbacks
):
    other = second_channel(riverside, people, mastodon)
    settings.PUBLISHING_RATE_LIMIT_PER_HOUR = 2
    label = f"Allowance {uuid.uuid4().hex[:6]}"
    busy = due_posts(make_post, people, [toot_channel], 3, f"{label} busy")
    quiet = due_posts(make_post, people, [other], 1, f"{label} quiet")
    now = timezone.now()
    # Two calls on the busy channel within the hour already.
    first = PostTarget.objects.get(post=busy[0])
    PublishAttempt.objects.bulk_create(
        [
            PublishAttempt(
                target=first,
                channel=toot_channel,
                worker="earlier:1",
                idempotency_key=uuid.uuid4(),
                started_at=now - dt.timedelta(minutes=m),
                outcome=PublishAttempt.Outcome.PUBLISHED,
            )
            for m in (10, 20)
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        batches = claim.due_claim(worker="w:1")
    assert [(b.channel.pk, len(b.claimed)) for b in batches] == [(other.pk, 1)]
    assert PostTarget.objects.get(post=quiet[0]).status == S.PUBLISHING
    waiting = PostTarget.objects.filter(post__in=busy)
    assert all(t.status == S.SCHEDULED and t.due_at > now and "allowance of 2" in t.last_error for t in waiting)
    # They wait for a job at the time the allowance frees up (the older call leaves the hour).
    assert Job.objects.filter(kind=enqueue.JOB_KIND, run_after=waiting.first().due_at).exists()


def test_due_dispatch_sends_each_once_and_records_them_as_one_dispatch_would(
    mastodon, toot_channel, riverside, people, make_post
):
    other = second_channel(riverside, people, mastodon)
    label = f"Sent across {uuid.uuid4().hex[:6]}"
    posts = due_posts(make_post, people, [toot_channel], 4, f"{label} A") + due_posts(
        make_post, people, [other], 3, f"{label} B"
    )
    assert send.due_dispatch(worker="w:1") == {"published": 7}
    targets = list(PostTarget.objects.filter(post__in=posts))
    assert {t.status for t in targets} == {S.PUBLISHED}
    assert all(t.url and t.external_id for t in targets)
    for post in posts:
        assert on_server(mastodon, post.text, account=0 if " A " in post.text else 1) == 1
    assert (
        AuditEvent.objects.filter(action="post.channel_published", object_id__in=[str(p.pk) for p in posts]).count()
        == 7
    )
    assert Notification.objects.filter(user=people.officer, kind="post.published").count() == 7
    for channel in (toot_channel, other):
        channel.refresh_from_db()
        assert channel.last_post_at == max(t.published_at for t in targets if t.channel_id == channel.pk)
        connection = Connection.objects.get(channel=channel)
        assert connection.last_success_at is not None and connection.last_success_at >= channel.last_post_at
    # Sending again finds nothing: nothing is published twice.
    assert send.due_dispatch(worker="w:2") == {}


def test_a_full_claim_queues_drain_jobs_to_share_the_rest(
    mastodon, toot_channel, make_post, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(send, "ACROSS", 2)
    monkeypatch.setattr(enqueue, "PARALLEL", 3)
    due_posts(make_post, people, [toot_channel], 5, f"Drain {uuid.uuid4().hex[:6]}")
    Job.objects.all().delete()
    assert send.due_dispatch(worker="w:1", max_targets=2) == {"published": 2}
    drains = Job.objects.filter(kind=enqueue.JOB_KIND, status="queued")
    assert sorted(j.payload["drain"] for j in drains) == [0, 1, 2]
    # While they are pending, asking again adds none.
    assert enqueue.drain_enqueue() == 0
    assert send.due_dispatch(worker="w:2") == {"published": 3}


def test_posts_due_at_the_same_time_on_many_channels_share_one_job(
    mastodon, toot_channel, riverside, people, make_post, later, django_capture_on_commit_callbacks
):
    from townsquare.publishing.services import post_approve, post_submit

    other = second_channel(riverside, people, mastodon)
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        for channels in ([toot_channel], [other], [toot_channel, other]):
            post = make_post(
                text=f"Same slot {len(channels)} {uuid.uuid4().hex[:4]}", channels=channels, scheduled_for=later
            )
            post_submit(actor=people.officer, post=post)
            post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    jobs = list(Job.objects.filter(kind=enqueue.JOB_KIND))
    assert [(j.run_after, j.payload["channel_ids"]) for j in jobs] == [(later, [toot_channel.pk])]


def test_queued_jobs_of_the_first_dispatch_kind_become_the_one_kind(toot_channel, make_post, people):
    from importlib import import_module

    from django.apps import apps

    legacy = import_module("townsquare.publishing.migrations.0005_legacy_dispatch_jobs")
    target = approved(make_post, people, [toot_channel], "Queued long ago.").targets.get()
    at, other = timezone.now(), timezone.now() + dt.timedelta(minutes=5)
    by_target = Job.objects.create(kind=legacy.LEGACY, payload={"target_id": target.pk}, run_after=at)
    by_channel = Job.objects.create(kind=legacy.LEGACY, payload={"channel_id": toot_channel.pk}, run_after=other)
    enqueue.channels_enqueue(channel_ids=[toot_channel.pk], due_at=other)  # that time has its job already
    legacy.convert(apps, None)
    assert not Job.objects.filter(kind=legacy.LEGACY).exists()
    converted = Job.objects.get(pk=by_target.pk)
    assert (converted.kind, converted.payload["channel_ids"]) == (enqueue.JOB_KIND, [toot_channel.pk])
    assert not Job.objects.filter(pk=by_channel.pk).exists()
    assert Job.objects.filter(kind=enqueue.JOB_KIND, run_after=other).count() == 1
