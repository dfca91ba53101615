"""What goes into the archive, from where: published posts and replies with their approval history,
received items, and internal notes. Each ``*_captures`` reads Townsquare's own rows into ``Capture``s;
the ``archive_*`` services store them (once per source, so running any of them again is harmless).

Capturing never stands in the way of the work it records: the hooks run after that work commits,
and what a failed hook missed is caught by ``archive_backfill``, which the hourly re-read runs too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from townsquare.archive.models import ArchiveRecord, Kind
from townsquare.archive.services import Capture, archive_capture
from townsquare.audit.models import AuditEvent
from townsquare.inbox.models import ItemNote, ReceivedItem
from townsquare.publishing.models import PostTarget

if TYPE_CHECKING:
    from townsquare.councils.models import Council

log = logging.getLogger(__name__)

# The audit actions that make up a post's approval history.
APPROVAL_ACTIONS = (
    "post.submitted",
    "post.awaiting_approval",
    "post.approved",
    "post.approved_first",
    "post.approved_second",
    "post.rejected",
    "post.returned",
    "post.returned_late",
    "post.cancelled",
    "post.published_directly",
)
BATCH = 2000


def post_thread(post_id: int) -> str:
    """The thread key that joins a post's approval history to the post on every channel."""
    return f"publishing.post:{post_id}"


def target_captures(targets: Iterable[PostTarget]) -> list[Capture]:
    made = []
    for target in targets:
        post = target.post
        made.append(
            Capture(
                council_id=post.council_id,
                source=f"publishing.posttarget:{target.pk}",
                kind=Kind.REPLY if post.is_reply else Kind.POST,
                channel_id=target.channel_id,
                platform=target.channel.platform,
                external_id=target.external_id,
                url=target.url,
                author=target.channel.handle,
                thread_key=target.external_id,
                occurred_at=target.published_at or target.updated_at,
                text=target.text,
                metadata={
                    "post": post.pk,
                    "approval_thread": post_thread(post.pk),
                    "drafted_by": post.author.email,
                    "approved_by": post.approved_by.email if post.approved_by else "",
                    "link": post.link,
                    "language": post.language,
                    "images": [{"alt": i.alt_text, "mime_type": i.mime_type} for i in post.images.all()],
                },
            )
        )
    return made


def approval_captures(events: Iterable[AuditEvent]) -> list[Capture]:
    return [
        Capture(
            council_id=event.council_id or 0,
            source=f"audit.auditevent:{event.pk}",
            kind=Kind.APPROVAL,
            author=event.actor_label,
            thread_key=post_thread(int(event.object_id)),
            occurred_at=event.created_at,
            text=f"{event.action.removeprefix('post.').replace('_', ' ').capitalize()}"
            + (f": {event.reason}" if event.reason else ""),
            metadata={
                "action": event.action,
                "post": int(event.object_id),
                "audit_seq": event.seq,
                "after": event.after,
            },
        )
        for event in events
        if event.council_id and event.object_id.isdigit()
    ]


def received_kind(kind: str) -> str:
    return Kind.DIRECT_MESSAGE if kind in ("direct_message", "message", "dm") else Kind.RECEIVED


def received_captures(items: Iterable[ReceivedItem], platform: str) -> list[Capture]:
    return [
        Capture(
            council_id=item.council_id,
            source=f"inbox.receiveditem:{item.pk}",
            kind=received_kind(item.kind),
            channel_id=item.channel_id,
            platform=platform,
            external_id=item.external_id,
            url=item.url,
            author=" ".join(p for p in (item.author_handle, item.author_name) if p),
            thread_key=item.thread_key,
            occurred_at=item.created_at or item.received_at,
            text=item.text,
            metadata={"kind": item.kind, "in_reply_to": item.in_reply_to_external_id, "raw": item.raw},
        )
        for item in items
        if item.pk is not None
    ]


def note_captures(notes: Iterable[ItemNote]) -> list[Capture]:
    return [
        Capture(
            council_id=note.item.council_id,
            source=f"inbox.itemnote:{note.pk}",
            kind=Kind.NOTE,
            channel_id=note.item.channel_id,
            platform=note.item.channel.platform,
            author=note.author.email if note.author else "",
            thread_key=note.item.thread_key,
            occurred_at=note.created_at,
            text=note.text,
            metadata={"item": note.item_id},
        )
        for note in notes
    ]


def _targets(ids: Sequence[int] | None = None) -> QuerySet[PostTarget]:
    targets = (
        PostTarget.objects.filter(status=PostTarget.Status.PUBLISHED)
        .select_related("post", "post__author", "post__approved_by", "channel")
        .prefetch_related("post__images")
    )
    return targets.filter(pk__in=ids) if ids is not None else targets


def _approvals(post_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="publishing.post", object_id__in=[str(p) for p in post_ids], action__in=APPROVAL_ACTIONS
    )


def archive_posts_published(*, target_ids: Sequence[int]) -> list[ArchiveRecord]:
    """Archive posts as published on their channels, each with its post's approval history so far."""
    targets = list(_targets(target_ids))
    captures = target_captures(targets) + approval_captures(_approvals({t.post_id for t in targets}))
    return archive_capture(captures=captures)


def archive_received(*, items: Sequence[ReceivedItem]) -> list[ArchiveRecord]:
    """Archive a batch of received items of one channel (one insert of records and one of versions)."""
    if not items:
        return []
    return archive_capture(captures=received_captures(items, items[0].channel.platform))


def archive_note(*, note: ItemNote) -> list[ArchiveRecord]:
    return archive_capture(captures=note_captures([note]))


def after_commit(work: Any, **kwargs: Any) -> None:
    """Run a capture once the caller's transaction commits; a failure is logged, never raised into the
    work being recorded (``archive_backfill`` archives it on its next run)."""

    def run() -> None:
        try:
            work(**kwargs)
        except Exception:
            log.exception("archive capture %s failed; the next backfill will archive it", work.__name__)

    transaction.on_commit(run)


def _missing(rows: QuerySet[Any], prefix: str, council_id: int | None) -> Iterable[list[Any]]:
    """Rows, in batches, with no record of source ``prefix:<pk>`` yet."""
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        archived = ArchiveRecord.objects.filter(source__in=[f"{prefix}:{r.pk}" for r in batch])
        if council_id is not None:
            archived = archived.filter(council_id=council_id)
        known = set(archived.values_list("source", flat=True))
        missing = [r for r in batch if f"{prefix}:{r.pk}" not in known]
        if missing:
            yield missing


def archive_backfill(*, council: Council | None = None) -> dict[str, int]:
    """Archive everything Townsquare holds that is not in the archive yet; returns how many of each."""
    council_id = council.pk if council is not None else None
    done = {"posts": 0, "approvals": 0, "received": 0, "notes": 0}
    targets = _targets()
    items = ReceivedItem.objects.select_related("channel")
    notes = ItemNote.objects.select_related("item", "item__channel", "author")
    events = AuditEvent.objects.filter(object_type="publishing.post", action__in=APPROVAL_ACTIONS)
    if council_id is not None:
        targets, items = targets.filter(post__council_id=council_id), items.filter(council_id=council_id)
        notes, events = notes.filter(item__council_id=council_id), events.filter(council_id=council_id)
    for batch in _missing(targets, "publishing.posttarget", council_id):
        done["posts"] += len(archive_capture(captures=target_captures(batch)))
    for batch in _missing(events, "audit.auditevent", council_id):
        done["approvals"] += len(archive_capture(captures=approval_captures(batch)))
    for batch in _missing(items, "inbox.receiveditem", council_id):
        for channel_id in {i.channel_id for i in batch}:
            mine = [i for i in batch if i.channel_id == channel_id]
            done["received"] += len(archive_capture(captures=received_captures(mine, mine[0].channel.platform)))
    for batch in _missing(notes, "inbox.itemnote", council_id):
        done["notes"] += len(archive_capture(captures=note_captures(batch)))
    return done
