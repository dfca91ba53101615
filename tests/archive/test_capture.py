"""Capture: posts as published (with their approval history), received items and notes, and the backfill."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.inbox.following import stored_and_followed
from townsquare.archive.capture import archive_backfill
from townsquare.archive.models import ArchiveRecord, ArchiveVersion
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_search, record_thread
from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council
from townsquare.inbox.services import item_note_add
from townsquare.publishing.dispatch.record import set_target
from townsquare.publishing.models import Post, PostTarget

pytestmark = pytest.mark.django_db


def published(channel: Channel, people: SimpleNamespace, text: str) -> PostTarget:
    post = Post.objects.create(
        council=channel.council, author=people.officer, text=text, status=Post.Status.APPROVED, approved_by=people.comms
    )
    audit_record(actor=people.officer, council=channel.council, action="post.submitted", obj=post)
    audit_record(actor=people.comms, council=channel.council, action="post.approved", obj=post, reason="Checked")
    return PostTarget.objects.create(post=post, channel=channel, status=PostTarget.Status.PUBLISHING)


def test_a_published_post_is_archived_with_its_approval_history(
    riverside: Council, channel: Channel, people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    target = published(channel, people, "The leisure centre pool reopens on Monday.")
    with django_capture_on_commit_callbacks(execute=True):
        set_target(target, PostTarget.Status.PUBLISHED, "", "fb-1", "https://facebook.example/fb-1", timezone.now())
    post = ArchiveRecord.objects.get(kind="post")
    assert (post.external_id, post.channel_id, post.author) == ("fb-1", channel.pk, "RiversideBins")
    assert post.versions.get().text == "The leisure centre pool reopens on Monday."
    approvals = ArchiveRecord.objects.filter(kind="approval").order_by("occurred_at")
    assert [r.versions.get().text for r in approvals] == ["Submitted", "Approved: Checked"]
    thread = record_thread(record=approvals[0], user=people.auditor)
    assert {r.kind for r in thread} == {"approval"}
    assert archive_backfill() == {"posts": 0, "approvals": 0, "received": 0, "notes": 0}


def test_received_items_are_archived_in_one_batch_and_notes_too(
    riverside: Council, channel: Channel, people: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    items = [
        InboundItem(
            external_id=f"c{n}",
            kind="comment",
            author_handle=f"resident{n}",
            author_name="A Resident",
            text=f"Why is the leisure centre closing? ({n})",
            created_at=now - dt.timedelta(minutes=n),
        )
        for n in range(30)
    ] + [
        InboundItem(
            external_id="dm1",
            kind="direct_message",
            author_handle="jo",
            author_name="Jo",
            text="My address is 1 Mill Lane",
            created_at=now,
        )
    ]
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        new, _ = stored_and_followed(channel=channel, items=items)
    # One statement for the batch (an executemany is logged as "31 times: INSERT ...").
    inserts = [q["sql"] for q in queries.captured_queries if 'INSERT INTO "archive_archiverecord"' in q["sql"]]
    assert len(inserts) == 1 and not inserts[0].startswith("1 times")
    assert ArchiveRecord.objects.filter(kind="received").count() == 30
    assert ArchiveRecord.objects.filter(kind="direct_message").count() == 1
    assert ArchiveVersion.objects.count() == 31
    with django_capture_on_commit_callbacks(execute=True):
        item_note_add(actor=people.comms, item=new[0], text="Passed to the leisure team")
    note = ArchiveRecord.objects.get(kind="note")
    assert note.author == people.comms.email and note.thread_key == new[0].thread_key
    found = archive_search(council=riverside, user=people.comms, query=ArchiveQuery(q="leisure", kinds=("received",)))
    assert len(found.records) == 30


def test_backfill_archives_what_was_there_before(riverside: Council, channel: Channel, people: SimpleNamespace) -> None:
    target = published(channel, people, "Bins go out on Tuesday this week.")
    PostTarget.objects.filter(pk=target.pk).update(
        status=PostTarget.Status.PUBLISHED, external_id="fb-9", published_at=timezone.now()
    )
    call_command("archive_backfill", "--council", "riverside", "--reindex")
    assert ArchiveRecord.objects.filter(kind="post", external_id="fb-9").exists()
    assert ArchiveRecord.objects.filter(kind="approval").count() == 2
    page = archive_search(council=riverside, user=people.auditor, query=ArchiveQuery(q="Tuesday"))
    assert [r.external_id for r in page.records] == ["fb-9"]
