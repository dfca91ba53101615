"""Changing and deleting a published post from Townsquare, against a real Mastodon server (mastodon-mock):
the platform first, then the channel's wording, the archive (every version kept) and the audit trail."""

from __future__ import annotations

import uuid

import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from townsquare.accounts.models import User
from townsquare.archive.models import ArchiveRecord, ArchiveVersion
from townsquare.audit.models import AuditEvent
from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.bluesky.connector import BlueskyConnector
from townsquare.councils.services import membership_grant
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import PostTarget
from townsquare.publishing.published_changes import published_target_delete, published_target_edit

from .conftest import mastodon_fault
from .test_dispatch import approved


def server_status(mastodon, status_id: str) -> requests.Response:
    return requests.get(
        f"{mastodon.url}/api/v1/statuses/{status_id}", headers={"Authorization": "Bearer token0"}, timeout=10
    )


def versions(target: PostTarget) -> list[tuple[str, str]]:
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{target.pk}")
    return [(v.event, v.text) for v in record.versions.order_by("n")]


def test_an_edit_changes_the_post_on_the_server_and_the_archive_keeps_both_versions(mastodon, published, people):
    first = published.text
    new = first.replace("9am", "10am")
    published_target_edit(actor=people.comms, target=published, text=new)
    on_server = server_status(mastodon, published.external_id).json()
    assert "10am" in on_server["content"] and "9am" not in on_server["content"]
    published.refresh_from_db()
    assert published.text == new and published.edited_at is not None and published.deleted_at is None
    assert versions(published) == [
        (ArchiveVersion.Event.CAPTURED, first),
        (ArchiveVersion.Event.EDITED, new),
    ]
    event = AuditEvent.objects.get(action="post.channel_edited")
    assert event.before["text"] == first and event.after["text"] == new and event.actor_id == people.comms.pk


def test_a_delete_removes_the_post_from_the_server_and_the_archive_keeps_every_version(mastodon, published, people):
    first = published.text
    published_target_edit(actor=people.comms, target=published, text=first + " Bring your card.")
    published_target_delete(actor=people.comms, target=published, reason="Opening hours announced in error")
    assert server_status(mastodon, published.external_id).status_code == 404
    published.refresh_from_db()
    assert published.deleted_at is not None and published.status == PostTarget.Status.PUBLISHED
    kept = versions(published)
    assert [event for event, _ in kept] == ["captured", "edited", "deleted"]
    assert kept[0][1] == first and kept[1][1] == first + " Bring your card."
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{published.pk}")
    assert record.deleted_at is not None
    assert "in error" in record.versions.get(event="deleted").metadata["how"]
    assert AuditEvent.objects.get(action="post.channel_deleted").reason == "Opening hours announced in error"
    with pytest.raises(ValidationError, match="already been deleted"):
        published_target_edit(actor=people.comms, target=published, text="Anything else")


def test_a_delete_the_server_fails_on_is_not_recorded_while_the_post_is_still_there(mastodon, published, people):
    path = f"/api/v1/statuses/{published.external_id}"
    mastodon_fault(mastodon, path=path, methods=["DELETE"], effect={"type": "status", "status": 503}, count=1)
    with pytest.raises(
        ValidationError, match=r"did not delete the post: it gave no clear answer .* still on the account"
    ):
        published_target_delete(actor=people.comms, target=published, reason="Wrong date")
    assert server_status(mastodon, published.external_id).status_code == 200
    published.refresh_from_db()
    assert published.deleted_at is None
    assert [event for event, _ in versions(published)] == ["captured"]
    assert not AuditEvent.objects.filter(action="post.channel_deleted").exists()


def test_a_delete_with_no_clear_answer_is_recorded_once_the_post_is_seen_gone(
    mastodon, toot_channel, make_post, people
):
    token = {"Authorization": "Bearer token0"}
    earlier = requests.post(
        f"{mastodon.url}/api/v1/statuses", data={"status": "An earlier post"}, headers=token, timeout=10
    )
    earlier.raise_for_status()
    post = approved(make_post, people, [toot_channel], f"Road closed on Monday {uuid.uuid4().hex[:8]}")
    assert send.due_dispatch(worker="test:1") == {"published": 1}
    target = post.targets.get()
    requests.delete(f"{mastodon.url}/api/v1/statuses/{target.external_id}", headers=token, timeout=10)
    path = f"/api/v1/statuses/{target.external_id}"
    mastodon_fault(mastodon, path=path, methods=["DELETE"], effect={"type": "status", "status": 503}, count=1)
    published_target_delete(actor=people.comms, target=target, reason="Road reopened")
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{target.pk}")
    assert "confirmed from the account afterwards" in record.versions.get(event="deleted").metadata["how"]


def test_a_post_already_gone_from_the_account_is_recorded_as_deleted(mastodon, published, people):
    gone = requests.delete(
        f"{mastodon.url}/api/v1/statuses/{published.external_id}",
        headers={"Authorization": "Bearer token0"},
        timeout=10,
    )
    gone.raise_for_status()
    published_target_delete(actor=people.comms, target=published, reason="Removed on the app by mistake")
    published.refresh_from_db()
    assert published.deleted_at is not None
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{published.pk}")
    assert "already gone" in record.versions.get(event="deleted").metadata["how"]


def test_an_edit_the_policy_blocks_changes_nothing_and_says_why(mastodon, published, people):
    fancy = "𝗧𝗵𝗲 𝗹𝗶𝗯𝗿𝗮𝗿𝘆 opens at 10am on Saturday"
    with pytest.raises(ValidationError, match="This change cannot be published"):
        published_target_edit(actor=people.comms, target=published, text=fancy)
    on_server = server_status(mastodon, published.external_id).json()
    assert "9am" in on_server["content"] and not on_server.get("edited_at")
    published.refresh_from_db()
    assert published.edited_at is None and not published.text_override
    assert not AuditEvent.objects.filter(action="post.channel_edited").exists()


def test_only_a_communications_officer_changes_a_published_post(published, people):
    for who in (people.officer, people.auditor, people.admin):
        with pytest.raises(PermissionDenied):
            published_target_edit(actor=who, target=published, text="Changed words for the library")
        with pytest.raises(PermissionDenied):
            published_target_delete(actor=who, target=published, reason="No")
    published.refresh_from_db()
    assert published.edited_at is None and published.deleted_at is None


def test_a_platform_without_editing_is_refused_clearly(bluesky, make_post, people):
    with pytest.raises(ConnectorError) as refused:
        BlueskyConnector().edit("at://did:plc:x/app.bsky.feed.post/1", "New words")
    assert refused.value.kind == ErrorKind.REJECTED and "Bluesky does not allow editing" in refused.value.message
    post = make_post(channels=[bluesky], author=people.comms)
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(status=PostTarget.Status.PUBLISHED, external_id="at://x/1")
    target.refresh_from_db()
    with pytest.raises(ValidationError, match="Bluesky does not allow editing"):
        published_target_edit(actor=people.comms, target=target, text="New words for the post")
    target.refresh_from_db()
    assert target.edited_at is None and not target.text_override


def change_url(target: PostTarget, slug: str = "riverside") -> str:
    return reverse("publishing:published_change", kwargs={"slug": slug, "pk": target.post_id, "target_pk": target.pk})


def test_the_page_changes_and_deletes_with_a_confirmation(mastodon, published, people, client_for):
    client = client_for(people.comms)
    detail = client.get(reverse("publishing:detail", kwargs={"slug": "riverside", "pk": published.post_id}))
    assert change_url(published) in detail.content.decode()
    page = client.get(change_url(published))
    assert page.status_code == 200 and "Change the words" in page.content.decode()
    edited = client.post(change_url(published), {"action": "edit", "text": published.text + " Free entry."})
    assert edited.status_code == 302
    unconfirmed = client.post(change_url(published), {"action": "delete", "reason": "Duplicate"})
    assert unconfirmed.status_code == 400 and "Confirm that the post" in unconfirmed.content.decode()
    assert server_status(mastodon, published.external_id).status_code == 200
    deleted = client.post(change_url(published), {"action": "delete", "reason": "Duplicate", "confirm": "yes"})
    assert deleted.status_code == 302
    assert server_status(mastodon, published.external_id).status_code == 404
    assert [event for event, _ in versions(published)] == ["captured", "edited", "deleted"]


def test_the_page_refuses_other_roles_outsiders_and_requests_without_csrf(
    mastodon, published, people, client_for, hillcrest
):
    assert client_for(people.officer).get(change_url(published)).status_code == 403
    assert client_for(people.auditor).post(change_url(published), {"action": "delete"}).status_code == 403
    assert client_for(people.outsider).get(change_url(published)).status_code == 404
    hillcrest_comms = User.objects.create_user("comms@hillcrest.example", PASSWORD, full_name="Hillcrest Comms")
    membership_grant(actor=None, council=hillcrest, user=hillcrest_comms, role="comms")
    assert client_for(hillcrest_comms).get(change_url(published, slug="hillcrest")).status_code == 404
    assert (
        client_for(hillcrest_comms).post(change_url(published, slug="hillcrest"), {"action": "edit"}).status_code == 404
    )
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(people.comms)
    answer = no_token.post(change_url(published), {"action": "delete", "reason": "x", "confirm": "yes"})
    assert answer.status_code == 403
    assert server_status(mastodon, published.external_id).status_code == 200
    published.refresh_from_db()
    assert published.deleted_at is None
