"""Unconfirmed publishes resolved from the account itself: X through its recorded API exchanges (the
publish answered 503, then the account's own posts read back), and the matching rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.connectors.replay import Replayer, load, replay
from townsquare.audit.models import AuditEvent
from townsquare.connectors import http
from townsquare.connectors.base import AccountPost
from townsquare.notifications.models import Notification
from townsquare.publishing import services
from townsquare.publishing.dispatch import check, send
from townsquare.publishing.models import AccountCheck, PostTarget, PublishAttempt

from .test_dispatch import approved

S = PostTarget.Status
TEXT = "Bin collections move to Tuesday next week."  # what the recorded publish carries
LATER = dt.timedelta(minutes=2)


@pytest.fixture
def unconfirmed(x_channel, make_post, people, monkeypatch) -> PostTarget:
    """A post whose publish on X was answered 503: sent once, then unconfirmed."""
    post = approved(make_post, people, [x_channel], TEXT)
    with replay(monkeypatch, "x", "server_error_publish") as calls:
        assert send.due_dispatch(worker="w:1") == {"unconfirmed": 1}
    assert len(calls.sent) == 1
    target = post.targets.get()
    assert target.status == S.UNCONFIRMED and "checking the account" in target.last_error
    return target


def account_shows(monkeypatch: pytest.MonkeyPatch, *, ours_at: dt.datetime | None) -> Replayer:
    """The recorded read of the account's posts, with our post made at ``ours_at`` (None: it is not there)."""
    exchanges: list[dict[str, Any]] = load("x", "recent_posts")
    tweets = exchanges[0]["response"]["json"]["data"]
    if ours_at is None:
        tweets.pop(0)
    else:
        tweets[0]["created_at"] = ours_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    replayer = Replayer(exchanges)
    monkeypatch.setattr(http, "send", replayer)
    return replayer


def test_a_post_found_on_the_account_is_marked_published_with_its_link(unconfirmed, monkeypatch, people):
    called = PublishAttempt.objects.get(target=unconfirmed).started_at
    shown = account_shows(monkeypatch, ours_at=called + dt.timedelta(seconds=1))
    assert check.unconfirmed_check(now=timezone.now() + LATER)["found"] == 1
    shown.assert_done()
    target = PostTarget.objects.get(pk=unconfirmed.pk)
    assert target.status == S.PUBLISHED
    assert (target.external_id, target.url) == (
        "1800000000000000099",
        "https://x.com/RiversideDC/status/1800000000000000099",
    )
    found = AccountCheck.objects.get(target=target)
    assert (found.outcome, found.matched_by, found.posts_read) == ("found", "text and time", 2)
    event = AuditEvent.objects.get(action="post.channel_found_on_account")
    assert event.actor is None and "text and time" in event.reason
    # Nothing more to look for: the next run reads nothing.
    assert sum(check.unconfirmed_check(now=timezone.now() + LATER * 2).values()) == 0


def test_a_post_not_there_after_the_safe_interval_is_offered_to_send_again(
    unconfirmed, monkeypatch, people, django_capture_on_commit_callbacks
):
    account_shows(monkeypatch, ours_at=None)
    assert check.unconfirmed_check(now=timezone.now())["not_yet"] == 0  # too soon to look at all
    assert check.unconfirmed_check(now=timezone.now() + LATER)["not_yet"] == 1
    assert PostTarget.objects.get(pk=unconfirmed.pk).status == S.UNCONFIRMED
    assert not Notification.objects.filter(kind="post.send_again").exists()
    account_shows(monkeypatch, ours_at=None)
    later = timezone.now() + check.ABSENT_AFTER + LATER
    assert check.unconfirmed_check(now=later)["absent"] == 1
    target = PostTarget.objects.get(pk=unconfirmed.pk)
    assert target.status == S.UNCONFIRMED and "Not on the account" in target.last_error
    absent = AccountCheck.objects.filter(target=target).first()
    assert absent is not None and absent.outcome == "absent"
    assert [seen["text"] for seen in absent.evidence] == ["Library hours change in May."]
    assert AuditEvent.objects.filter(action="post.channel_not_on_account").count() == 1
    # The communications officers are asked; the author may not send it again themselves.
    assert Notification.objects.filter(kind="post.send_again", user=people.comms).exists()
    assert not Notification.objects.filter(kind="post.send_again", user=people.officer).exists()
    # Once offered, the account is not read again for it (a person decides).
    assert sum(check.unconfirmed_check(now=later + LATER).values()) == 0
    with pytest.raises(PermissionDenied):
        services.target_resolve(actor=people.officer, target=target, outcome="retry")
    with django_capture_on_commit_callbacks(execute=True):
        services.target_resolve(actor=people.comms, target=target, outcome="retry")
    assert PostTarget.objects.get(pk=target.pk).status == S.SCHEDULED
    assert AuditEvent.objects.filter(action="post.channel_resolved_retry", actor=people.comms).exists()
    # Sent again and again in doubt: the account is looked at afresh for the new call. (The looks above were
    # made at times to come; they are put back before this call, where they belong.)
    AccountCheck.objects.filter(target=target).update(checked_at=timezone.now() - dt.timedelta(minutes=30))
    with replay(monkeypatch, "x", "server_error_publish"):
        assert send.due_dispatch(worker="w:2") == {"unconfirmed": 1}
    account_shows(monkeypatch, ours_at=None)
    assert check.unconfirmed_check(now=timezone.now() + LATER)["not_yet"] == 1


def test_the_page_shows_what_the_account_showed(unconfirmed, monkeypatch, people, client_for):
    account_shows(monkeypatch, ours_at=None)
    check.unconfirmed_check(now=timezone.now() + check.ABSENT_AFTER + LATER)
    url = f"/c/riverside/posts/{unconfirmed.post_id}/"
    page = client_for(people.comms).get(url).content.decode()
    assert "Not on the account" in page and "Library hours change in May." in page
    assert 'value="retry"' in page
    own = client_for(people.officer).get(url).content.decode()
    assert "Library hours change in May." in own and 'value="retry"' not in own


def test_a_marker_decides_where_the_platform_keeps_one() -> None:
    now = timezone.now()
    ours = AccountPost(external_id="a", text="Parking charges change.", created_at=now, marker="3lkey")
    copy = AccountPost(external_id="b", text="Parking charges change.", created_at=now, marker="other")
    assert check.post_match([copy, ours], marker="3lkey", text="x", since=now, until=now) == (ours, "marker")
    assert check.post_match([copy], marker="3lkey", text="Parking charges change.", since=now, until=now) is None


def test_words_match_as_platforms_give_them_back_within_the_time_of_the_calls() -> None:
    now = timezone.now()
    html_eaten = AccountPost(
        external_id="a", text="Roadworks on Mill Lane.https://riverside.example/roads", created_at=now
    )
    sent = "Roadworks on Mill Lane.\n\nhttps://riverside.example/roads"
    assert check.post_match([html_eaten], marker="", text="Roadworks on Mill Lane.", since=now, until=now)
    assert check.post_match([html_eaten], marker="", text=sent, since=now, until=now)
    old = AccountPost(external_id="b", text="Roadworks on Mill Lane.", created_at=now - dt.timedelta(days=1))
    assert check.post_match([old], marker="", text="Roadworks on Mill Lane.", since=now, until=now) is None
