"""Messages to partner councils: one post per council, each under its own council's rules; account reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.partners.models import ChannelReview, PostGroup, PostGroupMember
from townsquare.partners.services import channel_review_record, post_group_create, post_group_submit
from townsquare.policy.services import election_save, word_list_update
from townsquare.publishing.models import Post, PostTarget

pytestmark = pytest.mark.django_db
TEXT = "Council tax bills for next year are on their way this week."


def test_one_message_becomes_one_post_per_council(shared, channel, hill_channel, later) -> None:
    group = post_group_create(
        author=shared, title="Council tax bills", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
    )
    posts = {m.council.slug: m.post for m in group.members.select_related("council", "post")}
    assert set(posts) == {"riverside", "hillcrest"}
    assert [t.channel_id for t in posts["riverside"].targets.all()] == [channel.pk]
    assert [t.channel_id for t in posts["hillcrest"].targets.all()] == [hill_channel.pk]
    assert {p.text for p in posts.values()} == {TEXT}
    assert AuditEvent.objects.filter(action="post_group.created").count() == 2
    assert set(AuditEvent.objects.filter(action="post.created").values_list("council__slug", flat=True)) == {
        "riverside",
        "hillcrest",
    }


def test_each_council_applies_its_own_rules_on_submit(shared, riverside, channel, hill_channel, later) -> None:
    # Riverside forces approval for a word Hillcrest does not mind.
    word_list_update(actor=shared, council=riverside, kind="blocked_words", words="council tax")
    group = post_group_create(
        author=shared, title="Bills", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
    )
    outcomes = {o.post.council.slug: o for o in post_group_submit(actor=shared, group=group)}
    assert outcomes["riverside"].post.status == Post.Status.AWAITING_APPROVAL
    assert outcomes["hillcrest"].post.status == Post.Status.APPROVED
    assert outcomes["hillcrest"].post.targets.get().status == PostTarget.Status.SCHEDULED


def test_an_election_at_one_council_blocks_only_its_post(shared, riverside, channel, hill_channel, later) -> None:
    today = timezone.localdate()
    election_save(
        actor=shared,
        council=riverside,
        data={
            "title": "Mill ward by-election",
            "election_type": "local",
            "notice_date": today - dt.timedelta(days=3),
            "poll_date": today + dt.timedelta(days=20),
            "area": "Mill ward",
            "wards": "Mill",
            "candidates": "Rachel Obi, @RachelObiMill",
        },
    )
    text = "Rachel Obi opened the new community garden today."
    group = post_group_create(
        author=shared, title="Garden", text=text, channels=[channel, hill_channel], scheduled_for=later
    )
    outcomes = {o.post.council.slug: o for o in post_group_submit(actor=shared, group=group)}
    assert not outcomes["riverside"].ok
    assert outcomes["riverside"].post.status == Post.Status.DRAFT
    assert outcomes["hillcrest"].ok
    assert Post.objects.get(pk=outcomes["hillcrest"].post.pk).status == Post.Status.APPROVED


def test_a_person_who_only_drafts_sends_each_post_for_that_councils_approval(
    people, riverside, hillcrest, channel, hill_channel, later
) -> None:
    from townsquare.councils.services import membership_grant

    membership_grant(actor=None, council=hillcrest, user=people.officer, role="officer")
    hill_channel.assignees.add(people.officer)
    group = post_group_create(
        author=people.officer, title="Bins", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
    )
    outcomes = post_group_submit(actor=people.officer, group=group)
    assert {o.post.status for o in outcomes} == {Post.Status.AWAITING_APPROVAL}


def test_channels_of_one_council_are_an_ordinary_post(shared, channel, later) -> None:
    with pytest.raises(ValidationError, match="at least two councils"):
        post_group_create(author=shared, title="One", text=TEXT, channels=[channel], scheduled_for=later)
    assert not PostGroup.objects.exists()


def test_a_channel_the_person_may_not_draft_for_changes_nothing(mixed, channel, hill_channel, later) -> None:
    """Councillor at Hillcrest: no drafting there, so no group, no post at either council."""
    with pytest.raises(ValidationError, match="Hillcrest"):
        post_group_create(author=mixed, title="Bills", text=TEXT, channels=[channel, hill_channel], scheduled_for=later)
    assert not PostGroup.objects.exists() and not Post.objects.exists()


def test_a_closed_channel_rolls_back_every_council(shared, channel, hill_channel, later) -> None:
    Channel.objects.filter(pk=hill_channel.pk).update(status=Channel.Status.CLOSED)
    hill_channel.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        post_group_create(
            author=shared, title="Bills", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
        )
    assert not Post.objects.exists() and not PostGroupMember.objects.exists()


def test_only_the_author_submits_and_twice_is_refused(shared, people, channel, hill_channel, later) -> None:
    group = post_group_create(
        author=shared, title="Bills", text=TEXT, channels=[channel, hill_channel], scheduled_for=later
    )
    with pytest.raises(PermissionDenied):
        post_group_submit(actor=people.comms, group=group)
    post_group_submit(actor=shared, group=group)
    with pytest.raises(ValidationError, match="Nothing is left"):
        post_group_submit(actor=shared, group=group)


def test_review_recorded_and_audited(shared, hill_channel) -> None:
    review = channel_review_record(actor=shared, channel=hill_channel, reviewed_on=timezone.localdate(), note="OK")
    event = AuditEvent.objects.get(action="channel.reviewed")
    assert event.council_id == hill_channel.council_id and event.after["note"] == "OK"
    assert ChannelReview.objects.get() == review


def test_review_refused_for_role_too_low_future_date_or_closed(mixed, shared, hill_channel, channel) -> None:
    with pytest.raises(PermissionDenied):
        channel_review_record(actor=mixed, channel=hill_channel, reviewed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="future"):
        channel_review_record(actor=shared, channel=channel, reviewed_on=timezone.localdate() + dt.timedelta(days=1))
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.CLOSED)
    channel.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        channel_review_record(actor=shared, channel=channel, reviewed_on=timezone.localdate())
    assert not ChannelReview.objects.exists() and not AuditEvent.objects.filter(action="channel.reviewed").exists()
