"""Importing the calendar: all or nothing, re-imports update instead of duplicating, cancellations stop drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from townsquare.audit.models import AuditEvent
from townsquare.meetings.calendar_import import meetings_import
from townsquare.meetings.calendar_io import parse_csv, parse_ics
from townsquare.meetings.models import Meeting
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_submit

from .conftest import LONDON, moderngov_ics

UTC = dt.UTC
NOW = dt.datetime(2031, 3, 1, 12, tzinfo=UTC)
DATES = {"full_council": dt.date(2031, 4, 2), "cabinet": dt.date(2031, 3, 25), "planning": dt.date(2031, 4, 10)}


def _run(actor, council, ics: bytes, now=NOW):
    return meetings_import(actor=actor, council=council, parsed=parse_ics(ics), source=Meeting.Source.FEED, now=now)


def test_a_bad_row_saves_nothing(riverside, people, promo_channels):
    csv = b"committee,date,start_time\nCabinet,2031-03-25,18:30\nFull Council,2031-04-02,nine\n"
    parsed = parse_csv(csv)
    with pytest.raises(ValidationError) as raised:
        meetings_import(actor=people.comms, council=riverside, parsed=parsed, source=Meeting.Source.CSV, now=NOW)
    assert raised.value.messages[0].startswith("Row 3: start_time")
    assert not Meeting.objects.exists() and not Post.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["meeting.created", "meetings.imported"]).exists()


def test_reimporting_the_feed_updates_by_uid_instead_of_duplicating(riverside, people, promo_channels):
    _run(people.comms, riverside, moderngov_ics(**DATES))
    assert Meeting.objects.count() == 3
    moved = (
        moderngov_ics(**DATES)
        .decode()
        .replace("T190000", "T183000")
        .replace("Council Chamber\\, Riverside House\\, High Street", "Main Hall\\, Riverside Leisure Centre", 1)
    )
    outcome = _run(people.comms, riverside, moved.encode())
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 2)
    assert Meeting.objects.count() == 3
    full = Meeting.objects.get(committee="Full Council")
    assert full.starts_at == dt.datetime(2031, 4, 2, 18, 30, tzinfo=LONDON)
    assert full.venue == "Main Hall, Riverside Leisure Centre"
    # Its drafts nobody had submitted yet now say so, still one per offset.
    posts = Post.objects.filter(source=f"meeting:{full.pk}")
    assert posts.count() == 2
    assert all("6:30pm" in p.text and "Main Hall" in p.text for p in posts)
    event = AuditEvent.objects.get(action="meeting.updated", object_id=str(full.pk))
    assert event.before["venue"].startswith("Council Chamber") and event.after["venue"].startswith("Main Hall")


def test_csv_reimport_matches_by_committee_and_date(riverside, people, promo_channels):
    csv = b"committee,date,start_time,venue\nCabinet,2031-03-25,18:30,Room 1\nLicensing,2031-03-27,10:00,Room 2\n"
    meetings_import(actor=people.comms, council=riverside, parsed=parse_csv(csv), source=Meeting.Source.CSV, now=NOW)
    again = csv.replace(b"Room 1", b"Room 3").replace(b"Cabinet", b"CABINET")
    outcome = meetings_import(
        actor=people.comms, council=riverside, parsed=parse_csv(again), source=Meeting.Source.CSV, now=NOW
    )
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert list(Meeting.objects.order_by("starts_at").values_list("venue", flat=True)) == ["Room 3", "Room 2"]
    # The feed later brings the same Cabinet with its UID: the CSV meeting adopts it rather than doubling.
    _run(people.comms, riverside, moderngov_ics(**DATES))
    assert Meeting.objects.filter(committee__iexact="cabinet").count() == 1
    assert Meeting.objects.get(committee="Cabinet").uid == "riverside-mgMeeting-4102@democracy.riverside.example"


def test_a_cancelled_meeting_has_its_unpublished_drafts_cancelled(riverside, people, promo_channels):
    _run(people.comms, riverside, moderngov_ics(**DATES))
    full = Meeting.objects.get(committee="Full Council")
    drafts = list(Post.objects.filter(source=f"meeting:{full.pk}").order_by("scheduled_for"))
    # One is still a draft; the other its author (a communications officer) published directly, so it is
    # approved and scheduled on both channels.
    post_submit(actor=people.comms, post=drafts[1], acknowledge_warnings=True)
    assert Post.objects.get(pk=drafts[1].pk).status == Post.Status.APPROVED
    assert drafts[1].targets.filter(status=PostTarget.Status.SCHEDULED).count() == 2
    cancelled = (
        moderngov_ics(**DATES).decode().replace("SUMMARY:Full Council", "SUMMARY:Full Council\r\nSTATUS:CANCELLED", 1)
    )
    outcome = _run(None, riverside, cancelled.encode())
    assert outcome.cancelled == 1 and outcome.drafts_cancelled == 2
    full.refresh_from_db()
    assert full.cancelled
    assert Post.objects.get(pk=drafts[0].pk).status == Post.Status.CANCELLED
    # The approved one keeps its approval on record; every channel it had not gone out on is stopped.
    assert set(PostTarget.objects.filter(post__in=drafts).values_list("status", flat=True)) == {"cancelled"}
    assert AuditEvent.objects.filter(action="meeting.cancelled", object_id=str(full.pk), actor=None).exists()
    assert AuditEvent.objects.filter(action="post.cancelled", object_id=str(drafts[0].pk)).exists()
    # Re-importing the cancelled calendar changes nothing further.
    assert _run(None, riverside, cancelled.encode()).drafts_cancelled == 0


def test_a_reinstated_meeting_is_promoted_afresh(riverside, people, promo_channels):
    cancelled = (
        moderngov_ics(**DATES).decode().replace("SUMMARY:Full Council", "SUMMARY:Full Council\r\nSTATUS:CANCELLED", 1)
    )
    _run(people.comms, riverside, moderngov_ics(**DATES))
    _run(people.comms, riverside, cancelled.encode())
    full = Meeting.objects.get(committee="Full Council")
    assert not full.promotions.exclude(post__status="cancelled").exists()
    _run(people.comms, riverside, moderngov_ics(**DATES))
    full.refresh_from_db()
    assert not full.cancelled
    assert full.promotions.count() == 2
    assert set(full.promotions.values_list("post__status", flat=True)) == {"draft"}
    assert AuditEvent.objects.filter(action="meeting.reinstated").exists()


def test_a_submitted_draft_is_flagged_not_rewritten_when_the_meeting_changes(riverside, people, promo_channels):
    from townsquare.meetings.selectors import meeting_with_related, promotion_rows

    _run(people.comms, riverside, moderngov_ics(**DATES))
    full = Meeting.objects.get(committee="Full Council")
    first = full.promotions.get(offset__days_before=7).post
    post_submit(actor=people.comms, post=first, acknowledge_warnings=True)
    text_before = Post.objects.get(pk=first.pk).text
    moved = moderngov_ics(**DATES).decode().replace("T190000", "T200000")
    _run(people.comms, riverside, moved.encode())
    assert Post.objects.get(pk=first.pk).text == text_before
    rows = {r.post.pk: r.changed_since for r in promotion_rows(meeting_with_related(council=riverside, pk=full.pk))}
    assert rows[first.pk] is True
    assert list(rows.values()).count(False) == 1


def test_the_import_is_audited(riverside, people, promo_channels):
    _run(people.comms, riverside, moderngov_ics(**DATES))
    assert AuditEvent.objects.filter(action="meeting.created", council=riverside).count() == 3
    summary = AuditEvent.objects.get(action="meetings.imported")
    assert summary.after == {"source": "feed", "rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert summary.actor == people.comms
    assert AuditEvent.objects.filter(action="post.created").count() == 4
