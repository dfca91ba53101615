"""Maker-checker rules: who may submit, approve and reject, and what each step records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.jobs.models import Job
from townsquare.notifications.models import Notification
from townsquare.policy.catalogue import ListKind
from townsquare.policy.services import word_list_update
from townsquare.publishing.models import Campaign, Post, PostTarget
from townsquare.publishing.services import (
    channel_publishing_set,
    post_add_image,
    post_approve,
    post_create_draft,
    post_reject,
    post_set_alt_text,
    post_submit,
    posts_bulk_approve,
)

from .conftest import PNG

pytestmark = pytest.mark.django_db(transaction=False)


def actions(post: Post) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="publishing.post", object_id=str(post.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_officer_submits_and_another_person_approves(people, make_post, django_capture_on_commit_callbacks):
    post = make_post()
    post_submit(actor=people.officer, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.AWAITING_APPROVAL
    assert set(post.targets.values_list("status", flat=True)) == {PostTarget.Status.AWAITING_APPROVAL}
    with django_capture_on_commit_callbacks(execute=True):
        post_approve(actor=people.comms, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED and post.approved_by == people.comms
    target = post.targets.get()
    assert target.status == PostTarget.Status.SCHEDULED and target.due_at == post.scheduled_for
    job = Job.objects.get(kind="publishing.dispatch")
    assert job.run_after == post.scheduled_for and job.payload["channel_ids"] == [target.channel_id]
    assert actions(post) == ["post.created", "post.submitted", "post.approved"]
    assert Notification.objects.filter(user=people.officer, kind="post.approved").exists()
    assert Notification.objects.filter(user=people.comms, kind="post.awaiting_approval").exists()


def test_nobody_approves_their_own_post(people, make_post, comms2, channel):
    post = make_post(author=people.comms)
    word_list_update(actor=None, council=post.council, kind=ListKind.BLOCKED, words="bins")
    post_submit(actor=people.comms, post=post)  # a blocked word: approval forced, even for comms
    post.refresh_from_db()
    assert post.status == Post.Status.AWAITING_APPROVAL and post.forces_approval
    with pytest.raises(PermissionDenied):
        post_approve(actor=people.comms, post=post)
    post_approve(actor=comms2, post=post, acknowledge_warnings=True)
    assert Post.objects.get(pk=post.pk).status == Post.Status.APPROVED


def test_comms_officer_publishes_directly_without_blocked_words(people, make_post):
    post = make_post(author=people.comms)
    post_submit(actor=people.comms, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED and post.approved_by == people.comms
    assert actions(post)[-1] == "post.published_directly"


def test_approval_after_the_slot_returns_the_post_to_its_author(people, make_post):
    post = make_post(scheduled_for=timezone.now() + dt.timedelta(minutes=5))
    post_submit(actor=people.officer, post=post)
    Post.objects.filter(pk=post.pk).update(scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    post.refresh_from_db()
    post_approve(actor=people.comms, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.RETURNED
    assert set(post.targets.values_list("status", flat=True)) == {PostTarget.Status.DRAFT}
    assert not Job.objects.filter(kind__startswith="publishing.dispatch").exists()
    assert Notification.objects.filter(user=people.officer, kind="post.returned").exists()
    assert "post.returned_late" in actions(post)


def test_second_approval_for_a_chosen_channel_needs_a_different_person(people, make_post, channel, comms2):
    channel_publishing_set(actor=people.comms, channel=channel, second_approval=True)
    post = make_post()
    post_submit(actor=people.officer, post=post)
    post_approve(actor=people.comms, post=Post.objects.get(pk=post.pk))
    post.refresh_from_db()
    assert post.status == Post.Status.AWAITING_SECOND
    with pytest.raises(PermissionDenied):
        post_approve(actor=people.comms, post=post)
    post_approve(actor=comms2, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED and post.second_approved_by == comms2
    assert actions(post)[-2:] == ["post.approved_first", "post.approved_second"]


def test_second_approval_for_a_campaign(people, make_post, riverside, comms2):
    campaign = Campaign.objects.create(council=riverside, name="Budget consultation", second_approval=True)
    post = make_post(campaign=campaign)
    post_submit(actor=people.officer, post=post)
    post_approve(actor=people.comms, post=Post.objects.get(pk=post.pk))
    assert Post.objects.get(pk=post.pk).status == Post.Status.AWAITING_SECOND


def test_image_without_alt_text_cannot_be_submitted(people, make_post):
    post = make_post()
    image = post_add_image(actor=people.officer, post=post, content=PNG, filename="map.png")
    with pytest.raises(ValidationError, match="alt text"):
        post_submit(actor=people.officer, post=post)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT
    post_set_alt_text(actor=people.officer, image=image, alt_text="Map of the new collection rounds by street")
    post_submit(actor=people.officer, post=post)
    assert Post.objects.get(pk=post.pk).status == Post.Status.AWAITING_APPROVAL


def test_a_file_that_is_not_an_image_is_refused(people, make_post):
    post = make_post()
    with pytest.raises(ValidationError, match="PNG, JPEG"):
        post_add_image(actor=people.officer, post=post, content=b"%PDF-1.4 not a picture", filename="x.png")
    assert not post.images.exists()


def test_reject_needs_a_reason_and_tells_the_author(people, make_post):
    post = make_post()
    post_submit(actor=people.officer, post=post)
    with pytest.raises(ValidationError):
        post_reject(actor=people.comms, post=post, reason="  ")
    post_reject(actor=people.comms, post=post, reason="Please add alt text that describes the map")
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED
    assert Notification.objects.filter(
        user=people.officer, kind="post.rejected", message__contains="describes the map"
    ).exists()
    assert AuditEvent.objects.filter(action="post.rejected", reason__contains="describes the map").exists()


def test_officer_cannot_draft_for_a_channel_not_assigned(people, riverside, bluesky, later):
    with pytest.raises(ValidationError):
        post_create_draft(
            author=people.officer, council=riverside, text="Hello", channels=[bluesky], scheduled_for=later
        )


def test_warnings_must_be_acknowledged_by_the_approver(people, make_post):
    post = make_post(text="Bins are collected on Friday #binday")
    post_submit(actor=people.officer, post=post)
    post.refresh_from_db()
    assert any(f["severity"] == "warn" for f in post.findings)
    with pytest.raises(ValidationError, match="Acknowledge"):
        post_approve(actor=people.comms, post=post)
    post_approve(actor=people.comms, post=post, acknowledge_warnings=True)
    assert Post.objects.get(pk=post.pk).status == Post.Status.APPROVED


def test_bulk_approval_approves_each_and_reports_refusals(people, make_post):
    posts = [make_post(text=f"What's on this weekend, part {n}.") for n in range(3)]
    own = make_post(author=people.comms, text="Our own weekly round-up.")
    word_list_update(actor=None, council=own.council, kind=ListKind.BLOCKED, words="round-up")
    for post in posts:
        post_submit(actor=people.officer, post=post)
    post_submit(actor=people.comms, post=own)
    approved, refused = posts_bulk_approve(
        actor=people.comms,
        posts=Post.objects.filter(status=Post.Status.AWAITING_APPROVAL).order_by("pk"),
        acknowledge_warnings=True,
    )
    assert {p.pk for p in approved} == {p.pk for p in posts}
    assert [p.pk for p, _ in refused] == [own.pk]
    assert "own post" in refused[0][1]


def test_governance_refusal_stops_submission(people, make_post, monkeypatch):
    import townsquare.publishing.approval as approval

    monkeypatch.setattr(approval, "publishing_refusal", lambda **_: "Your social media training has lapsed.")
    post = make_post()
    with pytest.raises(ValidationError, match="training has lapsed"):
        post_submit(actor=people.officer, post=post)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT
