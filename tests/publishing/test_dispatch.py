"""Dispatch against a real Mastodon API server (mastodon-mock): claim, attempt first, once, recover."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid

from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.mastodon.connector import MastodonConnector
from townsquare.jobs.models import Job
from townsquare.notifications.models import Notification
from townsquare.publishing import selectors, services
from townsquare.publishing.dispatch import claim, recover, send
from townsquare.publishing.models import Post, PostTarget, PublishAttempt
from townsquare.publishing.services import post_approve, post_submit

from .conftest import connect_mastodon, mastodon_fault

S = PostTarget.Status


def approved(make_post, people, channels, text: str, django_capture_on_commit_callbacks=None) -> Post:
    """A post approved for a slot a moment away, then made due (as time passing would)."""
    post = make_post(text=text, channels=channels, scheduled_for=timezone.now() + dt.timedelta(minutes=1))
    post_submit(actor=people.officer, post=post)
    post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    PostTarget.objects.filter(post=post).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    return Post.objects.get(pk=post.pk)


def on_server(mastodon, text: str, account: int = 0) -> int:
    return sum(1 for s in mastodon.statuses(account) if text in str(s.get("content", "")))


def dead_worker() -> str:
    """The name a worker on this machine had, whose process has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{claim.socket.gethostname()}:{process.pid}"


def test_publishes_once_with_the_attempt_committed_before_the_call(
    mastodon, toot_channel, make_post, people, monkeypatch
):
    text = f"Library opening hours change {uuid.uuid4().hex[:8]}"
    post = approved(make_post, people, [toot_channel], text)
    target = post.targets.get()
    seen: list[tuple[str, str, str]] = []
    real = MastodonConnector.publish

    def spy(self, outbound):  # reads the database at the moment of the call, then makes the real call
        attempt = PublishAttempt.objects.get(target=target)
        seen.append((PostTarget.objects.get(pk=target.pk).status, attempt.outcome, str(attempt.idempotency_key)))
        return real(self, outbound)

    monkeypatch.setattr(MastodonConnector, "publish", spy)
    assert send.due_dispatch(worker="test:1") == {"published": 1}
    assert seen == [(S.PUBLISHING, "started", str(target.idempotency_key))]
    target.refresh_from_db()
    assert target.status == S.PUBLISHED and "/@council0/" in target.url
    assert on_server(mastodon, text) == 1
    assert send.due_dispatch(worker="test:2") == {}
    assert on_server(mastodon, text) == 1
    assert Notification.objects.filter(user=people.officer, kind="post.published").exists()
    assert selectors.post_delivery(post) == "published"


def test_two_claimers_one_wins(toot_channel, make_post, people):
    post = approved(make_post, people, [toot_channel], "Two workers, one post.")
    target = post.targets.get()
    first = claim.due_claim(worker="host-a:1")
    second = claim.due_claim(worker="host-b:2")
    assert [c.target.pk for b in first for c in b.claimed] == [target.pk] and second == []
    # The second claimer's conditional UPDATE, made as if it had read the row before the first claimed it:
    assert PostTarget.objects.filter(pk=target.pk, status=S.SCHEDULED).update(status=S.PUBLISHING) == 0
    assert PublishAttempt.objects.filter(target=target).count() == 1
    assert PostTarget.objects.get(pk=target.pk).claimed_by == "host-a:1"


def test_a_target_not_yet_due_is_not_claimed(toot_channel, make_post, people):
    post = approved(make_post, people, [toot_channel], "Not yet.")
    PostTarget.objects.filter(post=post).update(due_at=timezone.now() + dt.timedelta(hours=1))
    assert claim.due_claim(worker="w:1") == []


def test_timeout_is_unconfirmed_and_never_retried_without_keys(mastodon, toot_channel, make_post, people, monkeypatch):
    monkeypatch.setattr(MastodonConnector, "honours_idempotency_key", False, raising=False)
    monkeypatch.setenv("TOWNSQUARE_MASTODON_REQUEST_TIMEOUT", "0.5")
    text = f"Slow server {uuid.uuid4().hex[:8]}"
    post = approved(make_post, people, [toot_channel], text)
    target = post.targets.get()
    mastodon_fault(
        mastodon, path="/api/v1/statuses", methods=["POST"], effect={"type": "latency", "delay_ms": 1500}, count=1
    )
    assert send.due_dispatch(worker="w:1") == {"unconfirmed": 1}
    target.refresh_from_db()
    assert target.status == S.UNCONFIRMED and "may or may not" in target.last_error
    Job.objects.all().delete()
    counts = recover.dispatch_sweep(now=timezone.now() + dt.timedelta(hours=2))
    assert counts["queued"] == 0 and not Job.objects.exists()
    assert send.due_dispatch(worker="w:2") == {}
    assert PublishAttempt.objects.filter(target=target).count() == 1
    # The author and the approver both hear of it.
    assert Notification.objects.filter(user=people.officer, kind="post.unconfirmed").exists()
    assert Notification.objects.filter(user=people.comms, kind="post.unconfirmed").exists()
    assert selectors.post_delivery(post) == "unconfirmed"
    # A person checks the account and records what they found.
    found = on_server(mastodon, text)
    services.target_resolve(
        actor=people.comms, target=target, outcome="published" if found else "failed", url=f"{mastodon.url}/@council0/1"
    )
    assert PostTarget.objects.get(pk=target.pk).status in (S.PUBLISHED, S.FAILED)


def test_dead_worker_mid_call_resends_with_the_same_key_when_the_platform_honours_keys(
    mastodon, toot_channel, make_post, people, monkeypatch
):
    monkeypatch.setattr(MastodonConnector, "honours_idempotency_key", True, raising=False)
    text = f"Worker died after sending {uuid.uuid4().hex[:8]}"
    post = approved(make_post, people, [toot_channel], text)
    target = post.targets.get()
    assert claim.due_claim(worker=dead_worker()) != []
    # The call reached the platform, then the worker died before recording the answer.
    from townsquare.connectors.services import connector_for

    connector_for(toot_channel).publish(send.outbound_post(PostTarget.objects.get(pk=target.pk)))
    assert on_server(mastodon, text) == 1
    assert recover.targets_recover() == {"resent": 1, "unconfirmed": 0}
    assert PostTarget.objects.get(pk=target.pk).status == S.SCHEDULED
    assert send.due_dispatch(worker="w:2") == {"published": 1}
    assert on_server(mastodon, text) == 1  # same key: the server answered with the first status
    assert list(PublishAttempt.objects.filter(target=target).values_list("outcome", flat=True)) == [
        "unconfirmed",
        "published",
    ]


def test_dead_worker_mid_call_is_unconfirmed_when_the_platform_has_no_keys(
    mastodon, toot_channel, make_post, people, monkeypatch
):
    monkeypatch.setattr(MastodonConnector, "honours_idempotency_key", False, raising=False)
    post = approved(make_post, people, [toot_channel], "No keys here.")
    target = post.targets.get()
    assert claim.due_claim(worker=dead_worker()) != []
    assert recover.targets_recover() == {"resent": 0, "unconfirmed": 1}
    target.refresh_from_db()
    assert target.status == S.UNCONFIRMED and "checking the account" in target.last_error
    recover.dispatch_sweep(now=timezone.now() + dt.timedelta(hours=1))
    assert PostTarget.objects.get(pk=target.pk).status == S.UNCONFIRMED


def test_a_live_worker_mid_call_is_left_alone_until_stale(toot_channel, make_post, people):
    approved(make_post, people, [toot_channel], "Still calling.")
    assert claim.due_claim(worker=claim.worker_id()) != []
    assert recover.targets_recover() == {"resent": 0, "unconfirmed": 0}
    later = timezone.now() + claim.STALE_ATTEMPT + dt.timedelta(seconds=1)
    assert sum(recover.targets_recover(now=later).values()) == 1


def test_refused_credentials_mark_the_channel_and_fail_with_a_plain_reason(mastodon, riverside, people, make_post):
    channel = Channel.objects.create(
        council=riverside, platform="mastodon", name="Old account", handle="@old", owner=people.comms
    )
    channel.assignees.add(people.officer)
    connect_mastodon(channel, mastodon, "revoked-token")
    post = approved(make_post, people, [channel], "Token revoked.")
    target = post.targets.get()
    assert send.due_dispatch(worker="w:1") == {"failed": 1}
    target.refresh_from_db()
    channel.refresh_from_db()
    assert target.status == S.FAILED and "reconnect" in target.last_error
    assert channel.connection_state == Channel.Connection.NEEDS_RECONNECTING
    assert Notification.objects.filter(user=people.comms, kind__startswith="connection.").exists()


def test_retry_failed_channels_only(mastodon, riverside, people, make_post, toot_channel):
    broken = Channel.objects.create(
        council=riverside, platform="mastodon", name="Second account", handle="@council1", owner=people.comms
    )
    broken.assignees.add(people.officer)
    connect_mastodon(broken, mastodon, "wrong-token")
    text = f"Partial failure {uuid.uuid4().hex[:8]}"
    post = approved(make_post, people, [toot_channel, broken], text)
    assert send.due_dispatch(worker="w:1") == {"published": 1, "failed": 1}
    assert selectors.post_delivery(post) == "partial"
    # The approver hears of the failure too, not only the author.
    assert Notification.objects.filter(user=people.comms, kind="post.failed").exists()
    assert Notification.objects.filter(user=people.officer, kind="post.failed").exists()
    connect_mastodon(broken, mastodon, "token1")
    assert services.post_retry_failed(actor=people.officer, post=post) == 1
    assert [t.channel_id for t in post.targets.filter(status=S.SCHEDULED)] == [broken.pk]
    assert send.due_dispatch(worker="w:2") == {"published": 1}
    assert selectors.post_delivery(post) == "published"
    assert on_server(mastodon, text, account=0) == 1 and on_server(mastodon, text, account=1) == 1


def test_rate_limit_defers_instead_of_calling(mastodon, toot_channel, make_post, people, settings):
    settings.PUBLISHING_RATE_LIMIT_PER_HOUR = 1
    first = approved(make_post, people, [toot_channel], f"First {uuid.uuid4().hex[:6]}").targets.get()
    second = approved(make_post, people, [toot_channel], f"Second {uuid.uuid4().hex[:6]}").targets.get()
    assert send.due_dispatch(worker="w:1") == {"published": 1}
    assert PostTarget.objects.get(pk=first.pk).status == S.PUBLISHED
    second.refresh_from_db()
    assert second.status == S.SCHEDULED and second.due_at > timezone.now() + dt.timedelta(minutes=59)
    assert "allowance" in second.last_error
    assert not PublishAttempt.objects.filter(target=second).exists()


def test_headroom_reported_by_the_platform_defers(toot_channel, make_post, people):
    from townsquare.connectors.models import Connection

    resets = timezone.now() + dt.timedelta(minutes=5)
    Connection.objects.filter(channel=toot_channel).update(rate_remaining=0, rate_resets_at=resets)
    target = approved(make_post, people, [toot_channel], "No headroom.").targets.get()
    assert send.due_dispatch(worker="w:1") == {}
    assert PostTarget.objects.get(pk=target.pk).due_at == resets


def test_a_server_error_where_the_platform_honours_keys_is_sent_again_with_the_same_key(
    mastodon, toot_channel, make_post, people
):
    text = f"Answered 503 {uuid.uuid4().hex[:8]}"
    target = approved(make_post, people, [toot_channel], text).targets.get()
    mastodon_fault(
        mastodon, path="/api/v1/statuses", methods=["POST"], effect={"type": "status", "status": 503}, count=1
    )
    assert send.due_dispatch(worker="w:1") == {"deferred": 1}
    target.refresh_from_db()
    assert target.status == S.SCHEDULED and "same idempotency key" in target.last_error
    PostTarget.objects.filter(pk=target.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    assert send.due_dispatch(worker="w:2") == {"published": 1}
    assert on_server(mastodon, text) == 1
    attempts = PublishAttempt.objects.filter(target=target)
    assert list(attempts.values_list("outcome", "idempotency_key")) == [
        ("unconfirmed", target.idempotency_key),
        ("published", target.idempotency_key),
    ]
