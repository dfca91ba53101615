"""Saving drafts: a stale save never overwrites a newer one, empty drafts and past times are refused at save."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from townsquare.publishing.models import Post
from townsquare.publishing.services import DraftConflict, post_create_draft, post_submit, post_update_draft


def url(name: str, post: Post) -> str:
    return reverse(f"publishing:{name}", kwargs={"slug": "riverside", "pk": post.pk})


def test_an_autosave_overtaken_by_save_draft_changes_nothing(client_for, people, make_post, channel, riverside):
    post = make_post(scheduled_for=None)
    service = riverside.services.create(name="Waste and Recycling")
    client = client_for(people.officer)
    stale = {"text": "Bins are collected on Friday", "channels": [channel.pk], "version": post.version}
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    saved = client.post(url("edit", post), {**stale, "scheduled_for": when, "service": service.pk, "action": "save"})
    assert saved.status_code == 302
    late = client.post(url("autosave", post), stale)  # sent before the date was set, arriving after
    assert late.status_code == 409
    assert "was not saved" in late.content.decode()
    post.refresh_from_db()
    assert post.scheduled_for is not None and post.service == service


def test_the_answer_to_an_autosave_carries_the_new_version(client_for, people, make_post, channel):
    post = make_post()
    answer = client_for(people.officer).post(
        url("autosave", post), {"text": "New words", "channels": [channel.pk], "version": post.version}
    )
    assert answer.status_code == 200
    assert f'value="{post.version + 1}"' in answer.content.decode() and 'hx-swap-oob="true"' in answer.content.decode()


def test_a_save_that_names_no_version_is_refused(client_for, people, make_post, channel):
    post = make_post()
    answer = client_for(people.officer).post(url("autosave", post), {"text": "Other words", "channels": [channel.pk]})
    assert answer.status_code == 409
    assert Post.objects.get().text == post.text


def test_a_save_after_submission_is_refused(people, make_post, channel):
    post = make_post()
    version = post.version
    post_submit(actor=people.officer, post=post, acknowledge_warnings=True)
    with pytest.raises(ValidationError):
        post_update_draft(
            actor=people.officer, post=post, text="x", channels=[channel], scheduled_for=None, version=version
        )


def test_a_stale_version_is_a_conflict_in_the_service(people, make_post, channel):
    post = make_post()
    post_update_draft(
        actor=people.officer, post=post, text="First", channels=[channel], scheduled_for=None, version=post.version
    )
    with pytest.raises(DraftConflict):
        post_update_draft(
            actor=people.officer, post=post, text="Second", channels=[channel], scheduled_for=None, version=post.version
        )
    assert Post.objects.get().text == "First"


def test_an_empty_draft_is_refused(client_for, people, riverside, channel):
    with pytest.raises(ValidationError, match="needs some words"):
        post_create_draft(author=people.officer, council=riverside, text="  ", channels=[channel], scheduled_for=None)
    answer = client_for(people.officer).post(
        reverse("publishing:new", kwargs={"slug": "riverside"}),
        {"text": "", "channels": [channel.pk], "action": "save"},
    )
    assert answer.status_code == 200 and "needs some words" in answer.content.decode()
    assert not Post.objects.exists()


def test_a_channel_variant_alone_is_not_empty(people, riverside, channel):
    post = post_create_draft(
        author=people.officer,
        council=riverside,
        text="",
        channels=[channel],
        scheduled_for=None,
        variants={channel.pk: "Only on Facebook"},
    )
    assert post.targets.get().text_override == "Only on Facebook"


def test_a_past_time_is_refused_at_save(client_for, people, make_post, channel):
    post = make_post()
    past = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client_for(people.officer).post(
        url("edit", post),
        {"text": "Bins", "channels": [channel.pk], "scheduled_for": past, "version": post.version, "action": "save"},
    )
    assert answer.status_code == 200 and "Choose a time in the future" in answer.content.decode()
    assert Post.objects.get().scheduled_for == post.scheduled_for


# --- deleting a draft ------------------------------------------------------------------------------


def test_the_author_deletes_a_draft_after_confirming(client_for, people, make_post):
    from townsquare.audit.models import AuditEvent

    post = make_post()
    client = client_for(people.officer)
    confirm = client.get(url("delete", post))
    assert confirm.status_code == 200 and "Yes, delete the draft" in confirm.content.decode()
    assert Post.objects.filter(pk=post.pk).exists()
    done = client.post(url("delete", post), {"reason": "Written twice"})
    assert done.status_code == 302 and not Post.objects.filter(pk=post.pk).exists()
    event = AuditEvent.objects.get(action="post.deleted")
    assert event.actor == people.officer and event.reason == "Written twice"
    assert "Bins are collected" in str(event.before)


@pytest.mark.parametrize("who", ["comms", "admin"])
def test_a_communications_officer_or_administrator_may_delete_a_draft(client_for, people, make_post, who):
    post = make_post()
    assert client_for(getattr(people, who)).post(url("delete", post)).status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()


def test_delete_refuses_outsiders_roles_too_low_and_other_officers(client_for, people, make_post, riverside):
    from townsquare.accounts.models import User
    from townsquare.councils.services import membership_grant

    post = make_post()
    other = User.objects.create_user("officer2@riverside.example", "x" * 20)
    membership_grant(actor=None, council=riverside, user=other, role="officer")
    assert client_for(people.outsider).post(url("delete", post)).status_code == 404
    assert client_for(people.auditor).post(url("delete", post)).status_code == 403
    assert client_for(people.councillor).get(url("delete", post)).status_code == 403
    assert client_for(other).post(url("delete", post)).status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()


def test_only_drafts_are_deleted(client_for, people, make_post):
    post = make_post()
    post_submit(actor=people.officer, post=post)
    answer = client_for(people.comms).post(url("delete", post))
    assert answer.status_code == 302 and Post.objects.filter(pk=post.pk).exists()


def test_a_stale_save_draft_says_it_was_not_saved(client_for, people, make_post, channel):
    post = make_post()
    client = client_for(people.officer)
    first = {"text": "First words", "channels": [channel.pk], "version": post.version, "action": "save"}
    assert client.post(url("edit", post), first).status_code == 302
    again = client.post(url("edit", post), {**first, "text": "Words from an older window"})
    assert again.status_code == 409 and "This draft was not saved" in again.content.decode()
    assert Post.objects.get().text == "First words"
