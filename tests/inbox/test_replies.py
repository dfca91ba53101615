"""Replying from the inbox against a real Mastodon server (mastodon-mock): policy, approval, dispatch once,
in the thread, and the item's status."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.publishing.conftest import connect_mastodon, mastodon  # noqa: F401  (the session's server)
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.inbox.models import InboxReply, ReceivedItem
from townsquare.inbox.replies import reply_send
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_approve

from .replying import council_statuses, ingest, resident_says


@pytest.fixture
def toot(riverside, people, mastodon):  # noqa: F811
    made = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside on Mastodon", handle="@council0", owner=people.comms
    )
    made.assignees.add(people.officer)
    return connect_mastodon(made, mastodon, "token0")


@pytest.fixture
def asked(toot, mastodon):  # noqa: F811
    status = resident_says(mastodon.url, f"When is my bin collected? {uuid.uuid4().hex[:6]}")
    return ingest(toot, status)


def replies_on_server(server_url: str, text: str) -> list[dict[str, object]]:
    return [s for s in council_statuses(server_url) if text in str(s.get("content", ""))]


def test_an_officers_reply_is_approved_then_sent_once_in_the_thread(asked, people, mastodon) -> None:  # noqa: F811
    text = f"@council1 Your bins go on Friday. {uuid.uuid4().hex[:6]}"
    reply = reply_send(actor=people.officer, item=asked, text=text)
    assert reply.post.status == Post.Status.AWAITING_APPROVAL and reply.post.is_reply
    assert send.due_dispatch(worker="t:0") == {}  # nothing goes out before approval
    post_approve(actor=people.comms, post=reply.post)
    assert send.due_dispatch(worker="t:1") == {"published": 1}
    assert send.due_dispatch(worker="t:2") == {}
    sent = replies_on_server(mastodon.url, text.split(". ")[1])
    assert len(sent) == 1 and str(sent[0]["in_reply_to_id"]) == asked.external_id
    assert sent[0]["visibility"] == "public"
    asked.refresh_from_db()
    assert asked.status == ReceivedItem.Status.AWAITING_RESIDENT
    assert AuditEvent.objects.filter(action="inbox.reply_sent", object_id=str(asked.pk)).exists()


def test_a_reply_giving_a_home_address_in_public_is_blocked_and_nothing_is_kept(asked, people) -> None:
    with pytest.raises(ValidationError) as refused:
        reply_send(actor=people.comms, item=asked, text="We will come to 12 Mill Lane on Friday.")
    assert "This reply cannot be sent" in refused.value.messages[0] and "home address" in refused.value.messages[0]
    assert not Post.objects.exists() and not InboxReply.objects.exists()


def test_a_communications_officer_replies_unapproved_and_the_checks_still_run(asked, people, mastodon) -> None:  # noqa: F811
    marker = uuid.uuid4().hex[:6]
    reply = reply_send(actor=people.comms, item=asked, text=f"Thanks, we are on it {marker}")
    assert reply.post.status == Post.Status.APPROVED
    assert reply.post.targets.get().status == PostTarget.Status.SCHEDULED
    assert send.due_dispatch(worker="t:1") == {"published": 1}
    assert len(replies_on_server(mastodon.url, marker)) == 1


def test_a_private_message_on_mastodon_is_a_direct_status_to_the_resident(asked, people, mastodon) -> None:  # noqa: F811
    marker = uuid.uuid4().hex[:6]
    reply = reply_send(actor=people.comms, item=asked, text=f"Please send us your address {marker}", private=True)
    assert reply.kind == InboxReply.Kind.PRIVATE and reply.post.private_to == asked.author_handle
    assert send.due_dispatch(worker="t:1") == {"published": 1}
    answer = mastodon_status(mastodon.url, reply.post.targets.get().external_id)
    assert answer["visibility"] == "direct" and "@council1" in str(answer["content"])
    assert str(answer["in_reply_to_id"]) == asked.external_id


def mastodon_status(server_url: str, status_id: str) -> dict[str, object]:
    import requests

    answer = requests.get(
        f"{server_url}/api/v1/statuses/{status_id}", headers={"Authorization": "Bearer token0"}, timeout=10
    )
    answer.raise_for_status()
    return dict(answer.json())


def test_who_may_reply(asked, people) -> None:
    for person in (people.councillor, people.auditor, people.admin):
        with pytest.raises(PermissionDenied):
            reply_send(actor=person, item=asked, text="Hello")
    with pytest.raises(ValidationError, match="Write the reply"):
        reply_send(actor=people.comms, item=asked, text="  ")
    assert not Post.objects.exists()
