"""Promotional drafts: at each offset in UK time (across the clocks changing), once each, never in the past."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from townsquare.audit.models import AuditEvent
from townsquare.meetings import promotion
from townsquare.meetings.calendar_import import meetings_import
from townsquare.meetings.calendar_io import parse_ics
from townsquare.meetings.models import Meeting, Promotion, PromotionOffset
from townsquare.meetings.services import (
    meeting_promotions_draft,
    promotion_author,
    promotion_offset_save,
)
from townsquare.publishing.models import Post

from .conftest import LONDON, moderngov_ics

UTC = dt.UTC
BEFORE_BST = dt.datetime(2031, 3, 1, 12, tzinfo=UTC)
DATES = {"full_council": dt.date(2031, 4, 2), "cabinet": dt.date(2031, 3, 25), "planning": dt.date(2031, 4, 10)}


def _import(actor, council, now=BEFORE_BST):
    return meetings_import(
        actor=actor, council=council, parsed=parse_ics(moderngov_ics(**DATES)), source=Meeting.Source.ICS, now=now
    )


def test_offsets_are_local_wall_clock_times_across_the_start_of_bst(riverside, people, promo_channels):
    outcome = _import(people.comms, riverside)
    full = Meeting.objects.get(committee="Full Council")
    slots = sorted(p.post.scheduled_for for p in full.promotions.select_related("post"))
    # Wednesday 2 April 2031 19:00 BST. A week before is 26 March, still GMT: 10:00 local is 10:00 UTC.
    # On the day, 09:00 BST is 08:00 UTC. Counting 7 x 24 hours back would have given 09:00 local instead.
    assert slots == [dt.datetime(2031, 3, 26, 10, tzinfo=UTC), dt.datetime(2031, 4, 2, 8, tzinfo=UTC)]
    assert [s.astimezone(LONDON).hour for s in slots] == [10, 9]
    # Full Council and Cabinet get two each; the cancelled Planning Committee none.
    assert outcome.drafts == 4
    assert not Meeting.objects.get(committee="Planning Committee").promotions.exists()


def test_drafts_carry_the_meeting_in_their_words_and_go_to_the_default_channels(riverside, people, promo_channels):
    _import(people.comms, riverside)
    post = Meeting.objects.get(committee="Full Council").promotions.get(offset__days_before=7).post
    assert post.status == Post.Status.DRAFT and post.author == people.comms
    assert post.text.startswith("Full Council meets on Wednesday 2 April at 7pm at Council Chamber, Riverside House")
    assert post.text.endswith("https://democracy.riverside.example/ieListDocuments.aspx?CId=130&MId=4101")
    assert post.link == "https://democracy.riverside.example/ieListDocuments.aspx?CId=130&MId=4101"
    assert sorted(post.targets.values_list("channel_id", flat=True)) == sorted(c.pk for c in promo_channels)
    assert post.source.startswith("meeting:")
    cabinet = Meeting.objects.get(committee="Cabinet").promotions.get(offset__days_before=0).post
    assert "today at 6:30pm" in cabinet.text


def test_drafting_is_idempotent_never_two_drafts_for_one_meeting_and_offset(riverside, people, promo_channels):
    first = _import(people.comms, riverside)
    again = _import(people.comms, riverside)
    assert (first.drafts, again.drafts) == (4, 0)
    assert again.unchanged == 3 and again.created == again.updated == 0
    full = Meeting.objects.get(committee="Full Council")
    assert meeting_promotions_draft(meeting=full, author=people.comms, now=BEFORE_BST).created == []
    assert Post.objects.filter(source=f"meeting:{full.pk}").count() == 2
    assert Promotion.objects.filter(meeting=full).count() == 2
    # The database refuses a second promotion for the same pair even if two runs race past the check.
    existing = Promotion.objects.filter(meeting=full).first()
    spare = Post.objects.create(council=riverside, author=people.comms, text="spare")
    with pytest.raises(IntegrityError):
        Promotion.objects.create(meeting=full, offset=existing.offset, post=spare)


def test_drafts_whose_slot_has_passed_are_not_created(riverside, people, promo_channels):
    # Four days before Full Council: the week-before slot (26 March) has passed; the on-the-day one is to come.
    now = dt.datetime(2031, 3, 29, 12, tzinfo=UTC)
    outcome = _import(people.comms, riverside, now=now)
    full = Meeting.objects.get(committee="Full Council")
    assert [p.offset.days_before for p in full.promotions.all()] == [0]
    assert not Meeting.objects.get(committee="Cabinet").promotions.exists()  # already took place
    assert outcome.drafts == 1


def test_an_offset_after_the_meeting_starts_gets_no_draft(riverside, people, promo_channels):
    promotion_offset_save(
        actor=people.comms,
        council=riverside,
        days_before=0,
        at_time=dt.time(20, 0),
        template="{committee} is meeting now.",
    )
    _import(people.comms, riverside)
    assert not Promotion.objects.filter(offset__at_time=dt.time(20, 0)).exists()


def test_a_new_offset_is_drafted_for_meetings_already_imported(riverside, people, promo_channels):
    _import(people.comms, riverside)
    offset = promotion_offset_save(
        actor=people.comms,
        council=riverside,
        days_before=1,
        at_time=dt.time(12, 0),
        template="Tomorrow: {committee} at {time}, {venue}.",
    )
    full = Meeting.objects.get(committee="Full Council")
    made = meeting_promotions_draft(meeting=full, author=people.comms, now=BEFORE_BST).created
    assert [p.text for p in made] == ["Tomorrow: Full Council at 7pm, Council Chamber, Riverside House, High Street."]
    assert full.promotions.get(offset=offset).post.scheduled_for == dt.datetime(2031, 4, 1, 11, tzinfo=UTC)
    assert AuditEvent.objects.filter(action="meetings.offset_added", council=riverside).exists()


def test_no_default_channels_means_no_drafts_and_says_so(riverside, people, channel):
    outcome = _import(people.comms, riverside)
    assert outcome.drafts == 0 and not Post.objects.exists()
    assert any("default channels" in note for note in outcome.notes)


def test_author_is_the_importer_if_they_draft_else_the_first_communications_officer(
    riverside, people, comms2, promo_channels
):
    assert promotion_author(council=riverside, actor=people.comms) == people.comms
    assert promotion_author(council=riverside, actor=comms2) == comms2
    # The administrator may import but does not draft posts; nor does the feed job (no person).
    assert promotion_author(council=riverside, actor=people.admin) == people.comms
    assert promotion_author(council=riverside, actor=None) == people.comms
    _import(people.admin, riverside)
    assert set(Post.objects.values_list("author", flat=True)) == {people.comms.pk}


def test_templates_accept_only_the_listed_placeholders():
    assert promotion.template_problems("{committee} on {date} at {time}, {venue}: {agenda_link}") == []
    assert promotion.template_problems("{committee.__class__}")
    assert promotion.template_problems("{date:>999999999}")
    assert promotion.template_problems("{nonsense}")
    assert promotion.template_problems("{committee")
    assert promotion.template_problems("   ")


def test_offsets_are_validated(riverside, people):
    with pytest.raises(ValidationError) as raised:
        promotion_offset_save(
            actor=people.comms,
            council=riverside,
            days_before=61,
            at_time=dt.time(9),
            template="{councillor} says hello",
        )
    assert len(raised.value.messages) == 2
    promotion_offset_save(actor=people.comms, council=riverside, days_before=3, at_time=dt.time(9), template="x")
    with pytest.raises(ValidationError, match="already"):
        promotion_offset_save(actor=people.comms, council=riverside, days_before=3, at_time=dt.time(9), template="y")
    assert PromotionOffset.objects.filter(council=riverside, days_before=3).count() == 1


def test_time_labels_follow_gov_uk_style():
    at = lambda h, m: dt.datetime(2031, 1, 1, h, m, tzinfo=LONDON)  # noqa: E731
    assert [
        promotion.time_label(at(19, 0)),
        promotion.time_label(at(18, 30)),
        promotion.time_label(at(12, 0)),
        promotion.time_label(at(9, 5)),
    ] == ["7pm", "6:30pm", "midday", "9:05am"]
