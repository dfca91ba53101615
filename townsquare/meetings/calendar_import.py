"""Importing the meeting calendar (a file or the council's feed): meetings added, changed or cancelled.

A changed meeting has its unsent promotional drafts brought up to date; a cancelled one has them
cancelled; a new one gets drafts at the council's offsets. Each change to a meeting is audited in
the same transaction. A feed that cannot be read or parsed is recorded on the settings, never raised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.meetings import promotion
from townsquare.meetings.calendar_io import ParseResult, parse_ics
from townsquare.meetings.feeds import feed_fetch
from townsquare.meetings.models import Meeting, MeetingSettings
from townsquare.meetings.selectors import meeting_matching
from townsquare.meetings.services import (
    feed_url_check,
    meeting_promotions_draft,
    meeting_settings_get,
    promotion_author,
    promotion_drafts_refresh,
    promotions_cancel,
)
from townsquare.publishing.models import PostTarget
from townsquare.web.importing import problem_text

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MEETING_AUDITED = ["committee", "starts_at", "ends_at", "venue", "agenda_url", "cancelled", "uid", "source"]


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    drafts: int = 0
    drafts_cancelled: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"{self.created} added", f"{self.updated} changed", f"{self.unchanged} unchanged"]
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        posts = "post" if self.drafts == 1 else "posts"
        text = f"Meetings imported: {', '.join(parts)}. {self.drafts} promotional {posts} drafted"
        if self.drafts_cancelled:
            text += f", {self.drafts_cancelled} cancelled"
        return text + "."


def meetings_import(
    *,
    actor: User | None,
    council: Council,
    parsed: ParseResult,
    source: str,
    now: dt.datetime | None = None,
    keep_feed_url: str = "",
) -> ImportOutcome:
    """Save every parsed meeting (matched by UID, or committee and date), or none when any row is bad.

    Then drafts the missing promotional posts (by the importer if they may draft, else the first
    communications officer) and cancels those of meetings the calendar marks cancelled. With
    ``keep_feed_url`` the feed is also stored, to be read every hour from then on.
    """
    if not parsed.ok:
        raise ValidationError([problem_text(row, problem) for row, problem in parsed.errors])
    if keep_feed_url:
        feed_url_check(keep_feed_url)
    now = now or timezone.now()
    outcome = ImportOutcome()
    newly_cancelled: list[Meeting] = []
    changed: list[Meeting] = []
    reinstated: list[Meeting] = []
    with transaction.atomic():
        for row in parsed.meetings:
            meeting = meeting_matching(council=council, parsed=row)
            # In UTC, as the database gives them back, so an unchanged meeting compares equal.
            fields: dict[str, Any] = {
                "committee": row.committee,
                "starts_at": row.starts_at.astimezone(dt.UTC),
                "ends_at": row.ends_at.astimezone(dt.UTC) if row.ends_at else None,
                "venue": row.venue,
                "agenda_url": row.agenda_url,
                "cancelled": row.cancelled,
            }
            if row.uid:
                fields["uid"] = row.uid
            if meeting is None:
                meeting = Meeting.objects.create(council=council, source=source, imported_by=actor, **fields)
                audit_record(
                    actor=actor,
                    council=council,
                    action="meeting.created",
                    obj=meeting,
                    after=snapshot(meeting, MEETING_AUDITED),
                    reason=f"Imported from {source}",
                )
                outcome.created += 1
                outcome.cancelled += int(meeting.cancelled)
                continue
            before = snapshot(meeting, MEETING_AUDITED)
            was_cancelled = meeting.cancelled
            for name, value in fields.items():
                setattr(meeting, name, value)
            after = snapshot(meeting, MEETING_AUDITED)
            if after == before:
                outcome.unchanged += 1
                continue
            meeting.save()
            if row.cancelled and not was_cancelled:
                action = "meeting.cancelled"
                newly_cancelled.append(meeting)
            elif was_cancelled and not row.cancelled:
                action = "meeting.reinstated"
                reinstated.append(meeting)
            else:
                action = "meeting.updated"
                changed.append(meeting)
            audit_record(
                actor=actor,
                council=council,
                action=action,
                obj=meeting,
                before=before,
                after=after,
                reason=f"Imported from {source}",
            )
            outcome.updated += 1
        outcome.cancelled += len(newly_cancelled)
        audit_record(
            actor=actor,
            council=council,
            action="meetings.imported",
            object_type="meetings.import",
            after={
                "source": source,
                "rows": len(parsed.meetings),
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )
        if keep_feed_url:
            settings_row = MeetingSettings.objects.select_for_update().get(pk=meeting_settings_get(council=council).pk)
            if settings_row.feed_url != keep_feed_url:
                audit_record(
                    actor=actor,
                    council=council,
                    action="meetings.settings_changed",
                    obj=settings_row,
                    before={"feed_url": settings_row.feed_url},
                    after={"feed_url": keep_feed_url},
                )
                settings_row.feed_url = keep_feed_url
            settings_row.feed_ok_at = settings_row.feed_checked_at = now
            settings_row.feed_error = ""
            settings_row.save()
        for meeting in reinstated:
            # The calendar has it back on: its cancelled drafts no longer stand for it, so it is promoted afresh.
            live = [s for s in PostTarget.Status.values if s != PostTarget.Status.CANCELLED]
            meeting.promotions.exclude(post__targets__status__in=live).delete()
    for meeting in newly_cancelled:
        outcome.drafts_cancelled += promotions_cancel(
            meeting, actor, f"{meeting.committee} on {promotion.date_label(meeting.starts_at)} was cancelled."
        )
    for meeting in changed:
        outcome.notes += promotion_drafts_refresh(meeting, now)
    author = promotion_author(council=council, actor=actor)
    upcoming = Meeting.objects.filter(council=council, cancelled=False, starts_at__gt=now).select_related("council")
    seen_notes: set[str] = set()
    for meeting in upcoming:
        drafted = meeting_promotions_draft(meeting=meeting, author=author, now=now)
        outcome.drafts += len(drafted.created)
        for note in drafted.notes:
            if note not in seen_notes:
                seen_notes.add(note)
                outcome.notes.append(note)
    return outcome


def meetings_feed_refresh(*, council: Council, now: dt.datetime | None = None) -> ImportOutcome | None:
    """Fetch the council's feed and import it; a bad feed is recorded on the settings, never raised."""
    settings_row = meeting_settings_get(council=council)
    if not settings_row.feed_url:
        return None
    now = now or timezone.now()
    fetched = feed_fetch(settings_row.feed_url)
    error = fetched.error
    outcome = None
    if fetched.content is not None:
        parsed = parse_ics(fetched.content)
        if parsed.ok:
            outcome = meetings_import(actor=None, council=council, parsed=parsed, source=Meeting.Source.FEED, now=now)
        else:
            # Whole-file problems may quote what the server sent: named, never repeated.
            shown = "; ".join(
                f"row {row}: {problem}" if row else problem.split(":")[0] + "." for row, problem in parsed.errors[:5]
            )
            more = len(parsed.errors) - 5
            error = f"The feed was not imported: {shown}{f' (and {more} more)' if more > 0 else ''}"
    MeetingSettings.objects.filter(pk=settings_row.pk).update(
        feed_checked_at=now, feed_error=error[:2000], **({"feed_ok_at": now} if outcome is not None else {})
    )
    return outcome
