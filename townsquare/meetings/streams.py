"""Live streams of meetings: planned, agreed by a named person, announced, live, finished, with their
viewing figures; every change audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.channels.models import Channel
from townsquare.meetings.models import (
    LiveStream,
    Meeting,
    ViewingFigures,
)
from townsquare.meetings.selectors import people_who_may_agree
from townsquare.meetings.services import promotion_author
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_create_draft

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


# --- live streams ----------------------------------------------------------------------------------------


def _stream_state(stream: LiveStream) -> dict[str, Any]:
    state = snapshot(stream, STREAM_AUDITED)
    state["meeting_id"] = stream.meeting_id
    return state


def _check_channel(council: Council, channel: Channel | None, platform: str) -> str:
    if channel is not None:
        if channel.council_id != council.pk:
            raise ValidationError("Choose a channel of this council.")
        return channel.platform
    if not platform:
        raise ValidationError("Choose the platform or the channel the item is streamed on.")
    return platform


def live_stream_create(
    *,
    actor: User,
    meeting: Meeting,
    agenda_item: str,
    platform: str = "",
    channel: Channel | None = None,
    stream_url: str = "",
    notes: str = "",
) -> LiveStream:
    council = meeting.council
    agenda_item = agenda_item.strip()
    if not agenda_item:
        raise ValidationError("Enter the agenda item to be streamed.")
    if meeting.cancelled:
        raise ValidationError("The meeting is cancelled.")
    platform = _check_channel(council, channel, platform)
    with transaction.atomic():
        stream = LiveStream.objects.create(
            council=council,
            meeting=meeting,
            agenda_item=agenda_item,
            platform=platform,
            channel=channel,
            stream_url=stream_url.strip(),
            notes=notes.strip(),
            created_by=actor,
        )
        audit_record(
            actor=actor, council=council, action="live_stream.created", obj=stream, after=_stream_state(stream)
        )
    return stream


def live_stream_update(
    *,
    actor: User,
    stream: LiveStream,
    agenda_item: str,
    platform: str = "",
    channel: Channel | None = None,
    stream_url: str = "",
    notes: str = "",
) -> LiveStream:
    """Change the details; a different agenda item needs the Portfolio Holder's agreement again."""
    agenda_item = agenda_item.strip()
    if not agenda_item:
        raise ValidationError("Enter the agenda item to be streamed.")
    platform = _check_channel(stream.council, channel, platform)
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().select_related("council", "meeting").get(pk=stream.pk)
        before = _stream_state(stream)
        reason = ""
        if agenda_item != stream.agenda_item:
            if stream.status in (LiveStream.Status.LIVE, LiveStream.Status.FINISHED, LiveStream.Status.CANCELLED):
                raise ValidationError(f"The stream is {stream.get_status_display().lower()}: its item cannot change.")
            if stream.agreed:
                stream.agreed_by, stream.agreed_by_name, stream.agreed_by_role, stream.agreed_on = None, "", "", None
                stream.agreement_recorded_by = None
                stream.status = LiveStream.Status.PLANNED
                reason = "The agenda item changed: the Portfolio Holder must agree the new item."
        stream.agenda_item, stream.platform, stream.channel = agenda_item, platform, channel
        stream.stream_url, stream.notes = stream_url.strip(), notes.strip()
        stream.save()
        after = _stream_state(stream)
        if after != before:
            audit_record(
                actor=actor,
                council=stream.council,
                action="live_stream.updated",
                obj=stream,
                before=before,
                after=after,
                reason=reason,
            )
    return stream


def live_stream_agree(
    *,
    actor: User,
    stream: LiveStream,
    agreed_on: dt.date,
    agreed_by: User | None = None,
    agreed_by_name: str = "",
    agreed_by_role: str = "",
) -> LiveStream:
    """Record who agreed the item (the Portfolio Holder) and when; the stream is then ready ("agreed")."""
    name, role = agreed_by_name.strip(), agreed_by_role.strip()
    problems = []
    if agreed_by is None and not name:
        problems.append("Say who agreed the item: choose the person, or enter their name and role.")
    if agreed_by is None and name and not role:
        problems.append("Enter the role of the person who agreed the item, such as Portfolio Holder.")
    if agreed_by is not None and not people_who_may_agree(council=stream.council).filter(pk=agreed_by.pk).exists():
        problems.append(
            "Choose a councillor or an officer whose role lets them agree streaming, or enter the "
            "name and role of the person who agreed."
        )
    if agreed_on > timezone.localdate():
        problems.append("The date agreed cannot be in the future.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().select_related("council", "meeting").get(pk=stream.pk)
        if stream.status not in (LiveStream.Status.PLANNED, LiveStream.Status.AGREED):
            raise ValidationError(f"The stream is {stream.get_status_display().lower()}: the agreement cannot change.")
        before = _stream_state(stream)
        stream.agreed_by = agreed_by
        stream.agreed_by_name = "" if agreed_by is not None else name
        stream.agreed_by_role = role or (agreed_by.job_title if agreed_by is not None else "")
        stream.agreed_on = agreed_on
        stream.agreement_recorded_by = actor
        stream.status = LiveStream.Status.AGREED
        stream.save()
        audit_record(
            actor=actor,
            council=stream.council,
            action="live_stream.agreed",
            obj=stream,
            before=before,
            after=_stream_state(stream),
            reason=f"Agreed by {stream.agreed_by_label} on {agreed_on:%-d %B %Y}",
        )
    return stream


NEXT_STATUS: dict[str, set[str]] = {
    LiveStream.Status.PLANNED: {LiveStream.Status.AGREED, LiveStream.Status.CANCELLED},
    LiveStream.Status.AGREED: {LiveStream.Status.LIVE, LiveStream.Status.FINISHED, LiveStream.Status.CANCELLED},
    LiveStream.Status.LIVE: {LiveStream.Status.FINISHED},
    LiveStream.Status.FINISHED: set(),
    LiveStream.Status.CANCELLED: {LiveStream.Status.PLANNED},
}


# A stream may go live a little before its meeting (a test picture, people arriving), not days before.
LIVE_FROM_BEFORE_MEETING = dt.timedelta(hours=1)


def _check_meeting_time(stream: LiveStream, status: str) -> None:
    starts = stream.meeting.starts_at
    when = f"{timezone.localtime(starts):%H:%M on %-d %B %Y}"
    now = timezone.now()
    if status == LiveStream.Status.LIVE and now < starts - LIVE_FROM_BEFORE_MEETING:
        raise ValidationError(f"The meeting starts at {when}: the stream can be marked live from an hour before.")
    if status == LiveStream.Status.FINISHED and now < starts:
        raise ValidationError(
            f"The meeting starts at {when}: the stream can be marked finished only after it has "
            "started. Cancel the stream if it will not happen."
        )


def live_stream_set_status(*, actor: User, stream: LiveStream, status: str, reason: str = "") -> LiveStream:
    """Move the stream on; it can be agreed, live or finished only once someone's agreement is recorded."""
    with transaction.atomic():
        stream = LiveStream.objects.select_for_update().select_related("council", "meeting").get(pk=stream.pk)
        if status == stream.status:
            return stream
        if status not in NEXT_STATUS.get(stream.status, set()):
            raise ValidationError(
                f"A stream that is {stream.get_status_display().lower()} cannot become "
                f"{LiveStream.Status(status).label.lower()}."
            )
        needs_agreement = status in (LiveStream.Status.AGREED, LiveStream.Status.LIVE, LiveStream.Status.FINISHED)
        if needs_agreement and not stream.agreed:
            raise ValidationError("Record who agreed the item (the Portfolio Holder) and when, first.")
        if status == LiveStream.Status.LIVE and not stream.stream_url:
            raise ValidationError("Add the stream link before marking the stream live.")
        _check_meeting_time(stream, status)
        before = _stream_state(stream)
        stream.status = status
        if status == LiveStream.Status.PLANNED and stream.agreed:
            stream.status = LiveStream.Status.AGREED  # reinstated: the recorded agreement still stands
        stream.save()
        audit_record(
            actor=actor,
            council=stream.council,
            action=f"live_stream.{stream.status}",
            obj=stream,
            before=before,
            after=_stream_state(stream),
            reason=reason.strip(),
        )
    return stream


def live_stream_announce(
    *, actor: User, stream: LiveStream, text: str, channels: Iterable[Channel], scheduled_for: dt.datetime | None
) -> Post:
    """Draft an announcement of the stream (it then goes for approval like any post) and link it."""
    if stream.status in (LiveStream.Status.FINISHED, LiveStream.Status.CANCELLED):
        raise ValidationError(f"The stream is {stream.get_status_display().lower()}: there is nothing to announce.")
    chosen = list(channels)
    if not chosen:
        raise ValidationError("Choose at least one channel.")
    if not text.strip():
        raise ValidationError("Write the announcement.")
    if scheduled_for is not None and scheduled_for <= timezone.now():
        raise ValidationError("Choose a time in the future, or leave it empty.")
    author = promotion_author(council=stream.council, actor=actor)
    if author is None:
        raise ValidationError("The council has no communications officer to write the announcement as.")
    with transaction.atomic():
        post = post_create_draft(
            author=author,
            council=stream.council,
            text=text,
            channels=chosen,
            scheduled_for=scheduled_for,
            source=f"live_stream:{stream.pk}",
            link=stream.stream_url,
        )
        stream.announcements.add(post)
        audit_record(
            actor=actor,
            council=stream.council,
            action="live_stream.announcement_drafted",
            obj=stream,
            after={"post_id": post.pk, "author_id": author.pk, "scheduled_for": scheduled_for},
        )
    return post


def viewing_figures_record(
    *,
    actor: User,
    stream: LiveStream,
    peak_concurrent_viewers: int,
    total_views: int,
    average_watch_seconds: int,
    source: str,
    read_on: dt.date,
) -> ViewingFigures:
    """Figures copied from the platform after the stream; each reading is kept, the newest shown first."""
    source = source.strip()
    stream = LiveStream.objects.select_related("council", "meeting").get(pk=stream.pk)  # its current status
    problems = []
    if stream.status != LiveStream.Status.FINISHED:
        problems.append("Viewing figures are entered after the stream has finished.")
    if min(peak_concurrent_viewers, total_views, average_watch_seconds) < 0:
        problems.append("Figures cannot be negative.")
    if peak_concurrent_viewers > total_views:
        problems.append("The peak number of viewers at once cannot be more than the total views.")
    if not source:
        problems.append("Say where the figures come from, such as YouTube Studio or Facebook Insights.")
    if read_on > timezone.localdate():
        problems.append("The date the figures were read cannot be in the future.")
    elif read_on < timezone.localtime(stream.meeting.starts_at).date():
        problems.append("The date the figures were read cannot be before the meeting.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        figures = ViewingFigures.objects.create(
            stream=stream,
            peak_concurrent_viewers=peak_concurrent_viewers,
            total_views=total_views,
            average_watch_seconds=average_watch_seconds,
            source=source[:300],
            read_on=read_on,
            entered_by=actor,
        )
        audit_record(
            actor=actor,
            council=stream.council,
            action="live_stream.figures_recorded",
            obj=stream,
            after=snapshot(
                figures, ["peak_concurrent_viewers", "total_views", "average_watch_seconds", "source", "read_on"]
            ),
        )
    return figures
