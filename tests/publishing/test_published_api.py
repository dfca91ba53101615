"""The API for changing and deleting a published post, against a real Mastodon server (mastodon-mock): the page's
rules (role, council, two-factor, CSRF for sessions), clear 400s, and 202 for a change the platform left unclear."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tests.foundation.test_api import _api, _token
from tests.foundation.test_sign_in import _sign_in
from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.services import membership_grant
from townsquare.publishing.models import PostTarget, UnconfirmedChange

from .conftest import mastodon_fault
from .test_published_changes import server_status, versions
from .test_published_unconfirmed import account_unreadable


def url(target: PostTarget, what: str, slug: str = "riverside") -> str:
    return f"/api/councils/{slug}/posts/{target.post_id}/channels/{target.pk}/{what}/"


def send(client: Client, target: PostTarget, what: str, body: dict[str, object], slug: str = "riverside"):  # type: ignore[no-untyped-def]
    return client.post(url(target, what, slug), json.dumps(body), content_type="application/json")


def pending(mastodon, published: PostTarget, people) -> UnconfirmedChange:  # type: ignore[no-untyped-def]
    """An edit answered 503 that nothing read straight after could tell: kept as unconfirmed (202)."""
    path = f"/api/v1/statuses/{published.external_id}"
    mastodon_fault(mastodon, path=path, methods=["PUT"], effect={"type": "status", "status": 503}, count=1)
    account_unreadable(mastodon, published)
    answer = send(_api(_token(people.comms.email)), published, "edit", {"text": published.text + " Free entry."})
    assert answer.status_code == 202, answer.content
    return UnconfirmedChange.objects.get(target=published, outcome="pending")


@pytest.fixture
def hillcrest_comms(hillcrest) -> User:  # type: ignore[no-untyped-def]
    """A communications officer of another council."""
    user = User.objects.create_user("comms@hillcrest.example", PASSWORD, full_name="Hillcrest Comms")
    membership_grant(actor=None, council=hillcrest, user=user, role="comms")
    return user


def test_an_officer_edits_then_deletes_through_the_api(mastodon, published, people):
    client = _api(_token(people.comms.email))
    first, new = published.text, published.text.replace("9am", "10am")
    edited = send(client, published, "edit", {"text": new})
    assert edited.status_code == 200, edited.content
    body = edited.json()
    assert body["state"] == "made" and body["unconfirmed"] is None
    assert body["target"]["text"] == new and body["target"]["edited_at"]
    assert "10am" in server_status(mastodon, published.external_id).json()["content"]
    deleted = send(client, published, "delete", {"reason": "Opening hours announced in error", "confirm": True})
    assert deleted.status_code == 200 and deleted.json()["target"]["deleted_at"]
    assert server_status(mastodon, published.external_id).status_code == 404
    assert versions(published) == [("captured", first), ("edited", new), ("deleted", "")]
    assert AuditEvent.objects.get(action="post.channel_deleted").reason == "Opening hours announced in error"


def test_bad_input_is_a_clear_400_and_changes_nothing(mastodon, published, people):
    client = _api(_token(people.comms.email))
    cases = [
        ("edit", {}, "text", "required"),
        ("edit", {"text": "   "}, "text", "blank"),
        ("edit", {"text": published.text}, "detail", "already published"),
        ("edit", {"text": "x" * 10_001}, "text", "no more than"),
        ("edit", {"text": "x" * 600}, "detail", "cannot be published"),
        ("delete", {"reason": "Duplicate"}, "confirm", "required"),
        ("delete", {"reason": "Duplicate", "confirm": False}, "confirm", "confirm: true"),
        ("delete", {"reason": "", "confirm": True}, "reason", "blank"),
        ("delete", {"reason": "x" * 501, "confirm": True}, "reason", "no more than"),
    ]
    for what, body, field, says in cases:
        answer = send(client, published, what, body)
        assert answer.status_code == 400, (what, body, answer.status_code)
        assert says in json.dumps(answer.json()[field]), (what, body, answer.json())
    assert server_status(mastodon, published.external_id).status_code == 200
    published.refresh_from_db()
    assert published.edited_at is None and published.deleted_at is None
    assert not AuditEvent.objects.filter(action__in=["post.channel_edited", "post.channel_deleted"]).exists()


def test_a_change_the_platform_left_unclear_answers_202(mastodon, published, people):
    path = f"/api/v1/statuses/{published.external_id}"
    mastodon_fault(mastodon, path=path, methods=["PUT"], effect={"type": "status", "status": 503}, count=1)
    account_unreadable(mastodon, published)
    answer = send(_api(_token(people.comms.email)), published, "edit", {"text": published.text + " Free entry."})
    assert answer.status_code == 202
    body = answer.json()
    assert body["state"] == "unconfirmed" and body["unconfirmed"]["kind"] == "edit"
    assert body["unconfirmed"]["outcome"] == "pending" and body["message"].startswith("Unconfirmed:")
    assert UnconfirmedChange.objects.filter(target=published, outcome="pending").count() == 1


def test_other_roles_get_403_and_outsiders_404(mastodon, published, people, hillcrest):
    for who in (people.officer, people.auditor):
        client = _api(_token(who.email))
        assert send(client, published, "edit", {"text": "Other words"}).status_code == 403
        assert send(client, published, "delete", {"reason": "No", "confirm": True}).status_code == 403
    outsider = _api(_token(people.outsider.email))
    assert send(outsider, published, "delete", {"reason": "No", "confirm": True}).status_code == 404
    hillcrest_comms = User.objects.create_user("comms@hillcrest.example", PASSWORD, full_name="Hillcrest Comms")
    membership_grant(actor=None, council=hillcrest, user=hillcrest_comms, role="comms")
    theirs = _api(_token(hillcrest_comms.email))
    # Their own council's address, another council's post: not found, never changed.
    assert send(theirs, published, "delete", {"reason": "No", "confirm": True}, slug="hillcrest").status_code == 404
    assert send(theirs, published, "edit", {"text": "Other words"}, slug="hillcrest").status_code == 404
    assert send(_api("tsq_not-a-token"), published, "edit", {"text": "Other words"}).status_code == 401
    assert server_status(mastodon, published.external_id).status_code == 200
    published.refresh_from_db()
    assert published.edited_at is None and published.deleted_at is None


def test_sessions_need_two_factor_and_csrf(mastodon, published, people):
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    password_only = Client()
    _sign_in(password_only, people.comms.email)
    answer = send(password_only, published, "delete", {"reason": "Duplicate", "confirm": True})
    assert answer.status_code == 401 and "/sign-in/code/" in answer.json()["detail"]
    TOTPDevice.objects.filter(user=people.comms).delete()
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(people.comms)
    answer = send(no_token, published, "delete", {"reason": "Duplicate", "confirm": True})
    assert answer.status_code == 403 and "CSRF" in answer.json()["detail"]
    assert server_status(mastodon, published.external_id).status_code == 200


def test_an_unconfirmed_change_is_checked_again_through_the_api(mastodon, published, people, hillcrest_comms):
    pending(mastodon, published, people)
    comms = _api(_token(people.comms.email))
    # Other roles and other councils' officers cannot check it; it stays pending.
    assert send(_api(_token(people.officer.email)), published, "check", {}).status_code == 403
    assert send(_api(_token(people.outsider.email)), published, "check", {}).status_code == 404
    assert send(_api(_token(hillcrest_comms.email)), published, "check", {}, slug="hillcrest").status_code == 404
    assert UnconfirmedChange.objects.get(target=published).outcome == "pending"
    # The account is readable now and still shows the earlier words: not made, settled once.
    answer = send(comms, published, "check", {})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == "not_made" and body["unconfirmed"] is None
    assert body["target"]["text"] == published.text and body["target"]["edited_at"] is None
    assert UnconfirmedChange.objects.get(target=published).outcome == "not_made"
    again = send(comms, published, "check", {})
    assert again.status_code == 400 and "no unconfirmed change" in again.json()["detail"]


def test_an_officer_records_what_they_found_through_the_api(mastodon, published, people):
    change = pending(mastodon, published, people)
    comms = _api(_token(people.comms.email))
    answer = send(comms, published, "settle", {"made": True, "note": "Mastodon shows Free entry."})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == "made" and body["unconfirmed"] is None
    assert body["message"].startswith("Recorded: the change was made on Mastodon.")
    assert body["target"]["text"].endswith(" Free entry.") and body["target"]["edited_at"]
    change.refresh_from_db()
    assert change.outcome == "made" and "Mastodon shows Free entry." in change.settled_how
    event = AuditEvent.objects.get(action="post.channel_edit_settled")
    assert event.actor_id == people.comms.pk and event.reason == "Mastodon shows Free entry."
    again = send(comms, published, "settle", {"made": False, "note": "Seen"})
    assert again.status_code == 400 and "no unconfirmed change" in again.json()["detail"]


def test_recording_not_made_through_the_api_changes_nothing(mastodon, published, people):
    first = published.text
    pending(mastodon, published, people)
    answer = send(
        _api(_token(people.comms.email)), published, "settle", {"made": False, "note": "Still the old words."}
    )
    assert answer.status_code == 200 and answer.json()["state"] == "not_made"
    assert answer.json()["target"]["text"] == first and answer.json()["target"]["edited_at"] is None
    assert versions(published) == [("captured", first)]


def test_recording_bad_input_is_a_clear_400_and_records_nothing(mastodon, published, people):
    comms = _api(_token(people.comms.email))
    assert send(comms, published, "settle", {"made": True, "note": "Seen"}).status_code == 400  # nothing pending
    pending(mastodon, published, people)
    cases = [
        ({"note": "Seen"}, "made", "required"),
        ({"made": "perhaps", "note": "Seen"}, "made", "valid boolean"),
        ({"made": True}, "note", "required"),
        ({"made": True, "note": "  "}, "note", "blank"),
        ({"made": True, "note": "x" * 501}, "note", "no more than"),
    ]
    for body, field, says in cases:
        answer = send(comms, published, "settle", body)
        assert answer.status_code == 400, (body, answer.status_code)
        assert says in json.dumps(answer.json()[field]), (body, answer.json())
    form = comms.post(url(published, "settle"), {"note": "Seen"})  # a form leaving "made" out has not said no
    assert form.status_code == 400 and "required" in json.dumps(form.json()["made"])
    assert UnconfirmedChange.objects.get(target=published).outcome == "pending"
    assert not AuditEvent.objects.filter(action="post.channel_edit_settled").exists()


def test_recording_is_refused_to_other_roles_outsiders_and_other_councils(mastodon, published, people, hillcrest_comms):
    pending(mastodon, published, people)
    found = {"made": True, "note": "Seen"}
    for who in (people.officer, people.auditor):
        assert send(_api(_token(who.email)), published, "settle", found).status_code == 403
    assert send(_api(_token(people.outsider.email)), published, "settle", found).status_code == 404
    assert send(_api(_token(hillcrest_comms.email)), published, "settle", found, slug="hillcrest").status_code == 404
    assert send(_api("tsq_not-a-token"), published, "settle", found).status_code == 401
    assert UnconfirmedChange.objects.get(target=published).outcome == "pending"


def test_recording_by_session_needs_two_factor_and_csrf(mastodon, published, people):
    pending(mastodon, published, people)
    found = {"made": True, "note": "Seen"}
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    password_only = Client()
    _sign_in(password_only, people.comms.email)
    answer = send(password_only, published, "settle", found)
    assert answer.status_code == 401 and "/sign-in/code/" in answer.json()["detail"]
    TOTPDevice.objects.filter(user=people.comms).delete()
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(people.comms)
    answer = send(no_token, published, "settle", found)
    assert answer.status_code == 403 and "CSRF" in answer.json()["detail"]
    assert UnconfirmedChange.objects.get(target=published).outcome == "pending"
