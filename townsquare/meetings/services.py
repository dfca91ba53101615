"""Writes: meeting settings and promotion offsets, drafting promotional posts.

Importing the calendar is in ``calendar_import``; live streams in ``streams``.

Every change a governance reader cares about is audited in the same transaction. Promotional and
announcement posts are made with ``post_create_draft`` and then follow the normal approval flow;
this package never approves or publishes anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.councils.access import perms_in
from townsquare.councils.models import Membership
from townsquare.councils.roles import Perm, Role
from townsquare.meetings import promotion
from townsquare.meetings.feeds import feed_address_check
from townsquare.meetings.models import (
    Meeting,
    MeetingSettings,
    Promotion,
    PromotionOffset,
)
from townsquare.net.fetch import AddressRefused
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_cancel, post_create_draft, post_update_draft

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

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
        feed_url_check(feed_url)
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


def feed_url_check(feed_url: str) -> None:
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


def promotion_drafts_refresh(meeting: Meeting, now: dt.datetime) -> list[str]:
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


def promotions_cancel(meeting: Meeting, actor: User | None, reason: str) -> int:
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
