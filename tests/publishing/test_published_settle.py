"""Every unconfirmed change can be settled: a post older than the account's recent posts is read again by its id
(the archive's hourly re-read), and a communications officer can record what they found on the platform, settled
exactly as a reading would settle it and audited as theirs. Against a real Mastodon server (mastodon-mock)."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from townsquare.accounts.models import User
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.reread import WINDOW, archive_reread
from townsquare.audit.models import AuditEvent
from townsquare.connectors.services import connector_for
from townsquare.councils.services import membership_grant
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.published_changes import published_target_delete, published_target_edit
from townsquare.publishing.published_settle import unconfirmed_record
from townsquare.publishing.published_unconfirmed import judged

from .conftest import mastodon_fault
from .test_published_changes import change_url, server_status, versions
from .test_published_unconfirmed import TOKEN, account_unreadable, edit_fails, server_edit

Outcome = UnconfirmedChange.Outcome
NEW = " Bring your library card."


@pytest.fixture
def pending_edit(mastodon, published: PostTarget, people) -> UnconfirmedChange:  # type: ignore[no-untyped-def]
    """An edit the platform answered 503, and that nothing read straight after could tell."""
    edit_fails(mastodon, published)
    account_unreadable(mastodon, published)
    done = published_target_edit(actor=people.comms, target=published, text=published.text + NEW)
    assert done.unconfirmed is not None
    return done.unconfirmed


@pytest.fixture
def pending_delete(mastodon, published: PostTarget, people) -> UnconfirmedChange:  # type: ignore[no-untyped-def]
    path = f"/api/v1/statuses/{published.external_id}"
    mastodon_fault(mastodon, path=path, methods=["DELETE"], effect={"type": "status", "status": 503}, count=1)
    account_unreadable(mastodon, published)
    done = published_target_delete(actor=people.comms, target=published, reason="Wrong opening hours")
    assert done.unconfirmed is not None
    return done.unconfirmed


# --- a post older than the account's recent posts -----------------------------------------------------------


def test_an_edit_of_a_post_older_than_the_recent_posts_is_settled_by_reading_the_post(
    mastodon, published, people, pending_edit
):
    first, new = published.text, published.text + NEW
    server_edit(mastodon, published, new)  # what the platform had done all along
    later = timezone.now() + dt.timedelta(days=30)  # the post is long past the recent posts the re-read reads
    page = connector_for(published.channel).recent_posts(since=later - WINDOW)
    assert judged(pending_edit, page) is None  # the page alone could never settle it
    results = archive_reread(now=later)  # the channel has no post in the window: read for its pending change
    assert [r.settled for r in results if r.channel_id == published.channel_id] == [1]
    pending_edit.refresh_from_db()
    assert pending_edit.outcome == Outcome.MADE and "new words" in pending_edit.settled_how
    published.refresh_from_db()
    assert published.text == new and published.edited_at == later
    assert versions(published) == [("captured", first), ("edited", new)]
    assert AuditEvent.objects.get(action="post.channel_edited").actor_id == people.comms.pk


def test_a_delete_of_a_post_older_than_the_recent_posts_is_settled_by_reading_the_post(
    mastodon, published, people, pending_delete
):
    requests.delete(f"{mastodon.url}/api/v1/statuses/{published.external_id}", headers=TOKEN, timeout=10)
    later = timezone.now() + dt.timedelta(days=30)
    assert judged(pending_delete, connector_for(published.channel).recent_posts(since=later - WINDOW)) is None
    assert [r.settled for r in archive_reread(now=later)] == [1]
    published.refresh_from_db()
    assert published.deleted_at == later
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{published.pk}")
    how = record.versions.get(event="deleted").metadata["how"]
    assert "confirmed when the account was read again: Wrong opening hours" in how
    assert UnconfirmedChange.objects.get(pk=pending_delete.pk).outcome == Outcome.MADE


# --- a person records what they found -------------------------------------------------------------------------


def test_an_officer_records_an_edit_made_and_it_is_recorded_as_a_reading_would(published, people, comms2, pending_edit):
    """Another communications officer looked on Mastodon: the channel's words, the archive's version and the
    requester's edit event, as an automatic settle writes them, and an event of their own with their note."""
    first, new = published.text, published.text + NEW
    said = unconfirmed_record(actor=comms2, change=pending_edit, made=True, note="Mastodon shows the new words.")
    assert said == "Recorded: the change was made on Mastodon. The archive keeps both versions."
    pending_edit.refresh_from_db()
    assert pending_edit.outcome == Outcome.MADE
    assert comms2.email in pending_edit.settled_how and "Mastodon shows the new words." in pending_edit.settled_how
    published.refresh_from_db()
    assert published.text == new and published.edited_at == pending_edit.settled_at
    assert versions(published) == [("captured", first), ("edited", new)]
    edited = AuditEvent.objects.get(action="post.channel_edited")
    assert edited.actor_id == people.comms.pk and edited.after["text"] == new
    settled = AuditEvent.objects.get(action="post.channel_edit_settled")
    assert settled.actor_id == comms2.pk and settled.reason == "Mastodon shows the new words."
    assert settled.after == {"channel": published.channel_id, "outcome": "made", "checked_by_person": True}


def test_an_officer_records_an_edit_not_made_and_nothing_changes(mastodon, published, people, pending_edit):
    first = published.text
    said = unconfirmed_record(actor=people.comms, change=pending_edit, made=False, note="Still says 9am.")
    assert said.startswith("Recorded: the change was not made on Mastodon.")
    assert UnconfirmedChange.objects.get(pk=pending_edit.pk).outcome == Outcome.NOT_MADE
    published.refresh_from_db()
    assert published.text == first and published.edited_at is None
    assert versions(published) == [("captured", first)]
    assert not AuditEvent.objects.filter(action="post.channel_edited").exists()
    settled = AuditEvent.objects.get(action="post.channel_edit_settled")
    assert (settled.actor_id, settled.reason, settled.after["outcome"]) == (
        people.comms.pk,
        "Still says 9am.",
        "not_made",
    )
    assert "9am" in server_status(mastodon, published.external_id).json()["content"]  # nothing sent to Mastodon


def test_an_officer_records_a_delete_made(published, people, comms2, pending_delete):
    unconfirmed_record(actor=comms2, change=pending_delete, made=True, note="The address says the post is gone.")
    published.refresh_from_db()
    assert published.deleted_at is not None
    record = ArchiveRecord.objects.get(source=f"publishing.posttarget:{published.pk}")
    how = record.versions.get(event="deleted").metadata["how"]
    assert f"Deleted from Townsquare by {people.comms.email}, confirmed by {comms2.email}: Wrong opening hours" == how
    assert AuditEvent.objects.get(action="post.channel_deleted").actor_id == people.comms.pk
    assert AuditEvent.objects.get(action="post.channel_delete_settled").actor_id == comms2.pk


def test_a_record_needs_a_note_the_right_role_and_a_change_still_pending(published, people, pending_edit):
    for note, says in [("   ", "Say what you saw"), ("x" * 501, "500 characters or fewer")]:
        with pytest.raises(ValidationError, match=says):
            unconfirmed_record(actor=people.comms, change=pending_edit, made=True, note=note)
    for who in (people.officer, people.auditor, people.admin):
        with pytest.raises(PermissionDenied):
            unconfirmed_record(actor=who, change=pending_edit, made=True, note="Seen")
    assert UnconfirmedChange.objects.get(pk=pending_edit.pk).outcome == Outcome.PENDING
    assert not AuditEvent.objects.filter(action__in=["post.channel_edited", "post.channel_edit_settled"]).exists()
    unconfirmed_record(actor=people.comms, change=pending_edit, made=False, note="Seen")
    with pytest.raises(ValidationError, match="no unconfirmed change"):
        unconfirmed_record(actor=people.comms, change=pending_edit, made=True, note="Seen again")
    stale = UnconfirmedChange.objects.get(pk=pending_edit.pk)
    stale.outcome = Outcome.PENDING  # as another officer's page still holds it
    with pytest.raises(ValidationError, match="settled meanwhile"):
        unconfirmed_record(actor=people.comms, change=stale, made=True, note="Seen again")
    assert UnconfirmedChange.objects.get(pk=pending_edit.pk).outcome == Outcome.NOT_MADE
    assert AuditEvent.objects.filter(action="post.channel_edit_settled").count() == 1


def test_the_page_records_what_was_found_beside_check_again(published, people, client_for, pending_edit):
    client = client_for(people.comms)
    page = client.get(change_url(published)).content.decode()
    assert "Check Mastodon again now" in page and "Record what I found" in page
    assert "I checked on Mastodon: the change was made" in page
    missing = client.post(change_url(published), {"action": "settle", "note": "Seen"})
    assert missing.status_code == 400 and "Say whether you found the change made" in missing.content.decode()
    no_note = client.post(change_url(published), {"action": "settle", "made": "yes", "note": ""})
    assert no_note.status_code == 400 and "Say what you saw" in no_note.content.decode()
    assert UnconfirmedChange.objects.get(pk=pending_edit.pk).outcome == Outcome.PENDING
    done = client.post(change_url(published), {"action": "settle", "made": "yes", "note": "It shows the new words."})
    assert done.status_code == 302
    followed = client.get(done["Location"]).content.decode()
    assert "Recorded: the change was made on Mastodon." in followed and "Record what I found" not in followed
    published.refresh_from_db()
    assert published.text.endswith(NEW)
    again = client.post(change_url(published), {"action": "settle", "made": "yes", "note": "Seen"})
    assert again.status_code == 400 and "no unconfirmed change" in again.content.decode()


def test_the_page_refuses_other_roles_outsiders_other_councils_and_no_csrf(
    published, people, client_for, hillcrest, pending_edit
):
    found = {"action": "settle", "made": "yes", "note": "Seen"}
    assert client_for(people.officer).post(change_url(published), found).status_code == 403
    assert client_for(people.outsider).post(change_url(published), found).status_code == 404
    hillcrest_comms = User.objects.create_user("comms@hillcrest.example", PASSWORD, full_name="Hillcrest Comms")
    membership_grant(actor=None, council=hillcrest, user=hillcrest_comms, role="comms")
    assert client_for(hillcrest_comms).post(change_url(published, slug="hillcrest"), found).status_code == 404
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(people.comms)
    assert no_token.post(change_url(published), found).status_code == 403
    assert UnconfirmedChange.objects.get(pk=pending_edit.pk).outcome == Outcome.PENDING
    assert not AuditEvent.objects.filter(action="post.channel_edit_settled").exists()
