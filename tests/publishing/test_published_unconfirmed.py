"""A change to a published post that the platform answers with a 5xx: settled from the platform itself (the post
read by its id, else the account's recent posts), at once where it shows what happened, else kept as unconfirmed
until the archive's re-read (or a person's "check again") sees it. Against a real Mastodon server (mastodon-mock)
with faults injected."""

from __future__ import annotations

import uuid

import pytest
import requests
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.connectors.replay import replay
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.reread import channel_reread
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, AccountPost, Credentials
from townsquare.connectors.services import connection_connect
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.published_changes import published_target_delete, published_target_edit
from townsquare.publishing.published_unconfirmed import judged

from .conftest import mastodon_fault
from .test_dispatch import approved
from .test_published_changes import server_status, versions

TOKEN = {"Authorization": "Bearer token0"}
Outcome = UnconfirmedChange.Outcome


def server_edit(mastodon, target: PostTarget, text: str) -> None:
    """The platform makes the change itself (as a server that applied an edit before failing would have)."""
    requests.put(
        f"{mastodon.url}/api/v1/statuses/{target.external_id}", data={"status": text}, headers=TOKEN, timeout=10
    ).raise_for_status()


def edit_fails(mastodon, target: PostTarget) -> None:
    path = f"/api/v1/statuses/{target.external_id}"
    mastodon_fault(mastodon, path=path, methods=["PUT"], effect={"type": "status", "status": 503}, count=1)


def account_unreadable(mastodon, target: PostTarget) -> None:
    """The reads straight after (the post by its id, then the account's recent posts) are refused with a long
    rate-limit wait: nothing can be told."""
    for path in (f"/api/v1/statuses/{target.external_id}", "/api/v1/accounts/verify_credentials"):
        mastodon_fault(mastodon, path=path, methods=["GET"], effect={"type": "ratelimit"}, count=1)


def test_an_edit_answered_503_but_made_is_recorded_from_the_account(mastodon, published, people):
    first, new = published.text, published.text.replace("9am", "10am")
    server_edit(mastodon, published, new)
    edit_fails(mastodon, published)
    done = published_target_edit(actor=people.comms, target=published, text=new)
    assert done.unconfirmed is None and "Changed on" in done.message
    published.refresh_from_db()
    assert published.text == new and published.edited_at is not None
    assert versions(published) == [("captured", first), ("edited", new)]
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{published.pk}")
    assert "confirmed from the account afterwards" in record.versions.get(event="edited").metadata["how"]
    event = AuditEvent.objects.get(action="post.channel_edited")
    assert event.after["text"] == new and event.actor_id == people.comms.pk
    assert not UnconfirmedChange.objects.exists()


def test_an_edit_answered_503_and_not_made_is_reported_not_made(mastodon, published, people):
    first = published.text
    edit_fails(mastodon, published)
    with pytest.raises(ValidationError, match=r"did not take the change: .* still shows the earlier words"):
        published_target_edit(actor=people.comms, target=published, text=first + " Free entry.")
    published.refresh_from_db()
    assert published.text == first and published.edited_at is None
    assert versions(published) == [("captured", first)]
    assert not AuditEvent.objects.filter(action__startswith="post.channel_edit").exists()
    assert not UnconfirmedChange.objects.exists()


def test_an_edit_that_cannot_be_told_stays_unconfirmed_until_the_reread_sees_it_made(mastodon, published, people):
    first, new = published.text, published.text + " Bring your card."
    edit_fails(mastodon, published)
    account_unreadable(mastodon, published)
    done = published_target_edit(actor=people.comms, target=published, text=new)
    assert done.unconfirmed is not None and done.message.startswith("Unconfirmed:")
    change = UnconfirmedChange.objects.get()
    assert (change.kind, change.outcome, change.text, change.requested_by) == ("edit", "pending", new, people.comms)
    assert AuditEvent.objects.filter(action="post.channel_edit_unconfirmed").count() == 1
    published.refresh_from_db()
    assert published.text == first and published.edited_at is None
    assert versions(published) == [("captured", first)]
    server_edit(mastodon, published, new)  # what the platform had done all along
    result = channel_reread(channel=published.channel)
    assert (result.settled, result.edits) == (1, 0)
    change.refresh_from_db()
    assert change.outcome == Outcome.MADE and "new words" in change.settled_how
    published.refresh_from_db()
    assert published.text == new and published.edited_at is not None
    assert versions(published) == [("captured", first), ("edited", new)]  # once, as Townsquare's own edit
    event = AuditEvent.objects.get(action="post.channel_edited")
    assert event.actor_id == people.comms.pk and event.after["text"] == new
    assert channel_reread(channel=published.channel).settled == 0


def test_an_unconfirmed_edit_the_reread_sees_not_made_changes_nothing(mastodon, published, people):
    first = published.text
    edit_fails(mastodon, published)
    account_unreadable(mastodon, published)
    published_target_edit(actor=people.comms, target=published, text=first + " Bring your card.")
    assert channel_reread(channel=published.channel).settled == 1
    change = UnconfirmedChange.objects.get()
    assert change.outcome == Outcome.NOT_MADE and "earlier words" in change.settled_how
    published.refresh_from_db()
    assert published.text == first and published.edited_at is None
    assert versions(published) == [("captured", first)]
    assert AuditEvent.objects.get(action="post.channel_edit_settled").after["outcome"] == "not_made"


def test_an_unconfirmed_delete_is_recorded_once_the_reread_sees_the_post_gone(
    mastodon, toot_channel, make_post, people
):
    requests.post(f"{mastodon.url}/api/v1/statuses", data={"status": "An earlier post"}, headers=TOKEN, timeout=10)
    post = approved(make_post, people, [toot_channel], f"Road closed on Monday {uuid.uuid4().hex[:8]}")
    assert send.due_dispatch(worker="test:1") == {"published": 1}
    target = post.targets.get()
    path = f"/api/v1/statuses/{target.external_id}"
    mastodon_fault(mastodon, path=path, methods=["DELETE"], effect={"type": "status", "status": 503}, count=1)
    account_unreadable(mastodon, target)
    done = published_target_delete(actor=people.comms, target=target, reason="Road reopened")
    assert done.unconfirmed is not None and "whether the post was deleted" in done.message
    target.refresh_from_db()
    assert target.deleted_at is None
    assert AuditEvent.objects.get(action="post.channel_delete_unconfirmed").reason == "Road reopened"
    requests.delete(f"{mastodon.url}{path}", headers=TOKEN, timeout=10).raise_for_status()
    assert channel_reread(channel=toot_channel).settled == 1
    target.refresh_from_db()
    assert target.deleted_at is not None
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{target.pk}")
    assert (
        "confirmed when the account was read again: Road reopened"
        in record.versions.get(event="deleted").metadata["how"]
    )
    assert AuditEvent.objects.get(action="post.channel_deleted").actor_id == people.comms.pk


def change_url(target: PostTarget) -> str:
    return reverse(
        "publishing:published_change", kwargs={"slug": "riverside", "pk": target.post_id, "target_pk": target.pk}
    )


def test_the_page_shows_an_unconfirmed_edit_and_checks_it_again(mastodon, published, people, client_for):
    client = client_for(people.comms)
    new = published.text + " Free parking."
    edit_fails(mastodon, published)
    account_unreadable(mastodon, published)
    answered = client.post(change_url(published), {"action": "edit", "text": new}, follow=True)
    page = answered.content.decode()
    assert answered.redirect_chain[-1][0] == change_url(published)
    assert "Unconfirmed:" in page and "Not confirmed" in page and "Check Mastodon again now" in page
    detail = client.get(reverse("publishing:detail", kwargs={"slug": "riverside", "pk": published.post_id}))
    assert "Change of words not confirmed yet" in detail.content.decode()
    checked = client.post(change_url(published), {"action": "check"}, follow=True)
    assert "still shows the earlier words" in checked.content.decode()
    assert UnconfirmedChange.objects.get().outcome == Outcome.NOT_MADE
    assert "Not confirmed" not in client.get(change_url(published)).content.decode()
    nothing = client.post(change_url(published), {"action": "check"})
    assert nothing.status_code == 400 and "no unconfirmed change" in nothing.content.decode()


def test_a_later_change_overtakes_an_unconfirmed_one(mastodon, published, people):
    edit_fails(mastodon, published)
    account_unreadable(mastodon, published)
    published_target_edit(actor=people.comms, target=published, text=published.text + " Bring your card.")
    published_target_edit(actor=people.comms, target=published, text=published.text + " Free entry.")
    change = UnconfirmedChange.objects.get()
    assert change.outcome == Outcome.OVERTAKEN and "changed again" in change.settled_how
    assert "Free entry." in server_status(mastodon, published.external_id).json()["content"]


@pytest.mark.parametrize(
    "reads",
    [
        ["read_post"],  # the post read by its id shows the new words
        ["read_post_rate_limited", "recent_posts_after_edit"],  # that read tells nothing: the Page's recent posts do
    ],
)
def test_a_facebook_edit_answered_503_is_recorded_once_the_page_shows_it(
    monkeypatch, riverside, make_post, people, reads
) -> None:
    """The same settling for a platform without a local server: recorded Graph exchanges, sent once."""
    channel = Channel.objects.create(council=riverside, platform="facebook", name="Riverside on Facebook", handle="rdc")
    connection_connect(
        actor=None,
        channel=channel,
        credentials=Credentials({"page_id": "1122334455", "page_token": "page-token", "user_token": "user"}),
        account=AccountInfo(external_id="1122334455", handle="rdc"),
    )
    post = make_post(text="Bin collections move to Tuesday next week.", channels=[channel], author=people.comms)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        status=PostTarget.Status.PUBLISHED, external_id="1122334455_987654321", published_at=timezone.now()
    )
    target.refresh_from_db()
    new = "Bin collections move to Wednesday next week."
    with replay(monkeypatch, "facebook", "edit_server_error", *reads):
        done = published_target_edit(actor=people.comms, target=target, text=new)
    assert done.unconfirmed is None
    target.refresh_from_db()
    assert target.text == new and target.edited_at is not None
    assert [event for event, _ in versions(target)] == ["captured", "edited"]
    assert AuditEvent.objects.get(action="post.channel_edited").after["text"] == new


def test_words_that_differ_only_in_case_spacing_or_links_cannot_be_told_apart(published):
    change = UnconfirmedChange(target=published, kind="edit", sent="Pool OPENS at 9am", previous="pool opens at 9am")
    shown = [AccountPost(external_id=published.external_id, text="Pool OPENS at 9am", created_at=None)]
    assert judged(change, shown) is None
    change.previous = "Pool opens at 10am"
    assert judged(change, shown) == (Outcome.MADE, "the account shows the new words")
    assert judged(change, None) is None  # the account could not be read


def test_a_linkedin_post_already_gone_is_recorded_as_deleted(monkeypatch, riverside, make_post, people) -> None:
    """LinkedIn answers a post deleted elsewhere with 404 and its own code: the deletion is recorded, not refused."""
    channel = Channel.objects.create(council=riverside, platform="linkedin", name="Riverside on LinkedIn", handle="rdc")
    connection_connect(
        actor=None,
        channel=channel,
        credentials=Credentials({"access_token": "li-access-1", "organization_id": "2414183"}),
        account=AccountInfo(external_id="2414183", handle="rdc"),
    )
    post = make_post(text="Bin collections move to Tuesday next week.", channels=[channel], author=people.comms)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        status=PostTarget.Status.PUBLISHED, external_id="urn:li:share:7300000000000000001", published_at=timezone.now()
    )
    target.refresh_from_db()
    with replay(monkeypatch, "linkedin", "delete_gone"):
        published_target_delete(actor=people.comms, target=target, reason="Wrong date")
    assert [event for event, _ in versions(target)] == ["captured", "deleted"]
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{target.pk}")
    assert "already gone from LinkedIn" in record.versions.get(event="deleted").metadata["how"]


def test_a_platforms_message_reads_as_a_sentence_in_what_the_officer_is_told() -> None:
    from townsquare.publishing.published_changes import sentence

    assert sentence("Post urn:li:share:1 does not exist") == "Post urn:li:share:1 does not exist."
    assert sentence("The Mastodon server had an error (503). ") == "The Mastodon server had an error (503)."
