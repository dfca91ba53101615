"""Writes: importing the meeting calendar, drafting promotional posts, live streams and their figures.

Every change a governance reader cares about is audited in the same transaction. Promotional and
announcement posts are made with ``post_create_draft`` and then follow the normal approval flow;
this package never approves or publishes anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.councils.access import perms_in
from townsquare.councils.models import Membership
from townsquare.councils.roles import Perm, Role
from townsquare.meetings import promotion
from townsquare.meetings.calendar_io import ParseResult, parse_ics
from townsquare.meetings.feeds import feed_address_check, feed_fetch
from townsquare.meetings.models import (
    Meeting,
    MeetingSettings,
    Promotion,
    PromotionOffset,
)
from townsquare.meetings.selectors import meeting_matching
from townsquare.net.fetch import AddressRefused
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_cancel, post_create_draft, post_update_draft
from townsquare.web.importing import problem_text

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MEETING_AUDITED = ["committee", "starts_at", "ends_at", "venue", "agenda_url", "cancelled", "uid", "source"]
STREAM_AUDITED = [
    "agenda_item",
    "platform",
    "channel_id",
    "stream_url",
    "status",
    "agreed_by_id",
    "agreed_by_name",
    "agreed_by_role",
    "agreed_on",
    "notes",
]
UNSENT = [PostTarget.Status.DRAFT, PostTarget.Status.AWAITING_APPROVAL, PostTarget.Status.SCHEDULED]


# --- settings and offsets -------------------------------------------------------------------------------


def meeting_settings_get(*, council: Council) -> MeetingSettings:
    """The council's meeting settings, made on first use with the two usual offsets (a week before, on the day)."""
    found = MeetingSettings.objects.filter(council=council).first()
    if found is not None:
        return found
    with transaction.atomic():
        made, created = MeetingSettings.objects.get_or_create(council=council)
        if created and not PromotionOffset.objects.filter(council=council).exists():
            for days, at, template in promotion.DEFAULT_OFFSETS:
                PromotionOffset.objects.create(council=council, days_before=days, at_time=at, template=template)
    return made


def meeting_settings_update(
    *, actor: User, council: Council, feed_url: str, default_channels: Iterable[Channel]
) -> MeetingSettings:
    chosen = list(default_channels)
    for channel in chosen:
        if channel.council_id != council.pk:
            raise ValidationError("Choose channels of this council.")
        if channel.status == Channel.Status.CLOSED:
            raise ValidationError(f"{channel.name} is closed.")
    if feed_url.strip():
        _feed_check(feed_url)
    with transaction.atomic():
        settings_row = MeetingSettings.objects.select_for_update().get(pk=meeting_settings_get(council=council).pk)
        before = {
            "feed_url": settings_row.feed_url,
            "default_channels": sorted(settings_row.default_channels.values_list("pk", flat=True)),
        }
        settings_row.feed_url = feed_url.strip()
        if settings_row.feed_url != before["feed_url"]:
            settings_row.feed_error = ""
        settings_row.save()
        settings_row.default_channels.set(chosen)
        after = {"feed_url": settings_row.feed_url, "default_channels": sorted(c.pk for c in chosen)}
        if after != before:
            audit_record(
                actor=actor,
                council=council,
                action="meetings.settings_changed",
                obj=settings_row,
                before=before,
                after=after,
            )
    return settings_row


def _feed_check(feed_url: str) -> None:
    """A feed is read every hour from the server: https and a public host only (see townsquare.net.fetch)."""
    try:
        feed_address_check(feed_url)
    except AddressRefused as exc:
        raise ValidationError(exc.message) from exc


def _offset_check(
    council: Council, days_before: int, at_time: dt.time, template: str, offset: PromotionOffset | None
) -> None:
    problems = promotion.template_problems(template)
    if not 0 <= days_before <= 60:
        problems.append("Choose between 0 (on the day) and 60 days before.")
    clash = PromotionOffset.objects.filter(council=council, days_before=days_before, at_time=at_time)
    if offset is not None:
        clash = clash.exclude(pk=offset.pk)
    if clash.exists():
        problems.append("There is already a promotional post at that time.")
    if problems:
        raise ValidationError(problems)


def promotion_offset_save(
    *,
    actor: User,
    council: Council,
    days_before: int,
    at_time: dt.time,
    template: str,
    offset: PromotionOffset | None = None,
) -> PromotionOffset:
    """Add or change an offset. Drafts already made stay as they are: changing an offset never duplicates them."""
    if offset is not None and offset.council_id != council.pk:
        raise ValidationError("That offset belongs to another council.")
    template = template.strip()
    _offset_check(council, days_before, at_time, template, offset)
    meeting_settings_get(council=council)
    with transaction.atomic():
        before = None if offset is None else snapshot(offset, ["days_before", "at_time", "template"])
        if offset is None:
            offset = PromotionOffset(council=council)
        offset.days_before, offset.at_time, offset.template = days_before, at_time, template
        offset.save()
        audit_record(
            actor=actor,
            council=council,
            action="meetings.offset_added" if before is None else "meetings.offset_changed",
            obj=offset,
            before=before,
            after=snapshot(offset, ["days_before", "at_time", "template"]),
        )
    return offset


def promotion_offset_remove(*, actor: User, offset: PromotionOffset) -> None:
    """Stop drafting at this offset; posts already drafted for it are kept."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=offset.council,
            action="meetings.offset_removed",
            obj=offset,
            before=snapshot(offset, ["days_before", "at_time", "template"]),
        )
        offset.delete()


# --- promotional drafts ----------------------------------------------------------------------------------


def promotion_author(*, council: Council, actor: User | None) -> User | None:
    """Who the drafts are written as: the person acting if they may draft, else the first communications officer."""
    if actor is not None and Perm.DRAFT_POSTS in perms_in(actor, council):
        return actor
    first = (
        Membership.objects.filter(council=council, role=Role.COMMS, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return first.user if first is not None else None


@dataclass
class DraftOutcome:
    created: list[Post] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def meeting_promotions_draft(*, meeting: Meeting, author: User | None, now: dt.datetime | None = None) -> DraftOutcome:
    """Draft the meeting's promotional posts that are still missing; safe to run again (idempotent).

    One draft per meeting and offset, ever: the unique ``Promotion`` row is created in the same
    transaction as its post, so two runs at once cannot both succeed. Offsets whose slot has passed,
    or falls after the meeting starts, get no draft; nor does a cancelled meeting.
    """
    outcome = DraftOutcome()
    council = meeting.council
    now = now or timezone.now()
    if meeting.cancelled or meeting.starts_at <= now:
        return outcome
    settings_row = meeting_settings_get(council=council)  # first use brings the usual offsets
    offsets = list(PromotionOffset.objects.filter(council=council).exclude(promotions__meeting=meeting))
    if not offsets:
        return outcome
    channels = list(settings_row.default_channels.exclude(status=Channel.Status.CLOSED).order_by("platform", "name"))
    if not channels:
        outcome.notes.append("No promotional posts were drafted: choose the default channels in the meeting settings.")
        return outcome
    if author is None:
        outcome.notes.append("No promotional posts were drafted: the council has no communications officer.")
        return outcome
    for offset in offsets:
        slot = promotion.promotion_slot(offset, meeting)
        if slot <= now or slot >= meeting.starts_at:
            continue
        try:
            with transaction.atomic():
                post = post_create_draft(
                    author=author,
                    council=council,
                    text=promotion.promotion_text(offset, meeting),
                    channels=channels,
                    scheduled_for=slot,
                    source=f"meeting:{meeting.pk}",
                    link=meeting.agenda_url,
                )
                Promotion.objects.create(
                    meeting=meeting, offset=offset, post=post, drafted_for=promotion.meeting_fingerprint(meeting)
                )
        except IntegrityError:
            continue  # another run drafted this one first
        except ValidationError as exc:
            outcome.notes.append(f"{meeting} ({offset}): {'; '.join(exc.messages)}")
            continue
        outcome.created.append(post)
    return outcome


def _refresh_drafts(meeting: Meeting, now: dt.datetime) -> list[str]:
    """After a meeting changed: drafts nobody has submitted yet get the new wording and time."""
    notes = []
    fingerprint = promotion.meeting_fingerprint(meeting)
    for item in meeting.promotions.select_related("offset", "post", "post__author").exclude(drafted_for=fingerprint):
        post = item.post
        if item.offset is None or post.status != Post.Status.DRAFT:
            continue  # submitted or decided: the page flags it as changed since drafting
        slot = promotion.promotion_slot(item.offset, meeting)
        if slot <= now or slot >= meeting.starts_at:
            continue
        channels = [t.channel for t in post.targets.select_related("channel")]
        try:
            post_update_draft(
                actor=post.author,
                post=post,
                text=promotion.promotion_text(item.offset, meeting),
                channels=channels,
                scheduled_for=slot,
                link=meeting.agenda_url,
                campaign=post.campaign,
                service=post.service,
                language=post.language,
            )
        except (ValidationError, PermissionDenied) as exc:
            notes.append(f"{meeting}: could not update a draft: {exc}")
            continue
        Promotion.objects.filter(pk=item.pk).update(drafted_for=fingerprint)
    return notes


def _cancel_promotions(meeting: Meeting, actor: User | None, reason: str) -> int:
    """Stop every promotional post of a cancelled meeting that has not gone out yet."""
    stopped = 0
    for item in meeting.promotions.select_related("post", "post__council", "post__author"):
        post = item.post
        if post.status == Post.Status.CANCELLED or not post.targets.filter(status__in=UNSENT).exists():
            continue
        may = actor is not None and (
            actor.pk == post.author_id or Perm.APPROVE_POSTS in perms_in(actor, meeting.council)
        )
        try:
            post_cancel(actor=actor if may and actor is not None else post.author, post=post, reason=reason)
        except (ValidationError, PermissionDenied):
            continue
        stopped += 1
    return stopped


# --- importing ---------------------------------------------------------------------------------------------


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
        _feed_check(keep_feed_url)
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
        outcome.drafts_cancelled += _cancel_promotions(
            meeting, actor, f"{meeting.committee} on {promotion.date_label(meeting.starts_at)} was cancelled."
        )
    for meeting in changed:
        outcome.notes += _refresh_drafts(meeting, now)
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
