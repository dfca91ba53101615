"""Live streams of meetings: the list, each stream, its agreement, status, announcement and figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.meetings import promotion, services, streams
from townsquare.meetings.forms import (
    AgreeForm,
    AnnounceForm,
    FiguresForm,
    NewStreamForm,
    StatusForm,
    StreamForm,
)
from townsquare.meetings.models import LiveStream, Meeting
from townsquare.meetings.selectors import (
    may_read_posts,
    people_who_may_agree,
    post_visible_ids,
    streams_of,
    streams_with_related,
)

# Meetings are managed by the people who run the council's accounts: communications and administrators.
from townsquare.meetings.views import channel_choices, perms_for, request_user, service_errors
from townsquare.web.ids import parse_id

MANAGE = Perm.MANAGE_CHANNELS


def _stream_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The stream's own fields from its form, as recording and changing a stream both take them."""
    return {
        "agenda_item": data["agenda_item"],
        "platform": data.get("platform") or "",
        "channel": data.get("channel"),
        "stream_url": data.get("stream_url") or "",
        "notes": data.get("notes") or "",
    }


VIEW = Perm.VIEW_COUNCIL


def _stream(council: Council, pk: int) -> LiveStream:
    return get_object_or_404(streams_with_related().filter(council=council), pk=pk)


@council_view(VIEW)
def stream_list(request: HttpRequest, council: Council) -> HttpResponse:
    return render(
        request,
        "meetings/streams.html",
        {"streams": streams_of(council=council)[:200], "can_manage": MANAGE in perms_for(request)},
    )


@council_view(VIEW)
def stream_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    perms = perms_for(request)
    announcements = list(stream.announcements.all())
    choices = [
        (s, LiveStream.Status(s).label)
        for s in streams.NEXT_STATUS.get(stream.status, set())
        if s != LiveStream.Status.AGREED
    ]
    order = [s.value for s in LiveStream.Status]
    choices.sort(key=lambda c: order.index(c[0]))
    return render(
        request,
        "meetings/stream.html",
        {
            "stream": stream,
            "figures": list(stream.figures.all()),
            "announcements": announcements,
            "can_manage": MANAGE in perms,
            "read_posts": may_read_posts(perms),
            "openable": post_visible_ids(user=request.user, council=council, perms=perms, posts=announcements),
            "status_form": StatusForm(choices=choices) if choices else None,
        },
    )


@council_view(MANAGE)
def stream_new(request: HttpRequest, council: Council) -> HttpResponse:
    meetings = Meeting.objects.filter(council=council, cancelled=False).order_by("starts_at")
    chosen = request.GET.get("meeting", "")
    form = NewStreamForm(
        request.POST or None,
        channels=channel_choices(council),
        meetings=meetings,
        initial={"meeting": parse_id(chosen)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stream = streams.live_stream_create(
                actor=request_user(request),
                meeting=data["meeting"],
                **_stream_fields(data),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Live stream recorded. Next, record who agreed the item.")
            return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    return render(request, "meetings/stream_form.html", {"form": form, "stream": None})


@council_view(MANAGE)
def stream_edit(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    form = StreamForm(
        request.POST or None,
        channels=channel_choices(council),
        initial={
            "agenda_item": stream.agenda_item,
            "channel": stream.channel_id,
            "platform": stream.platform,
            "stream_url": stream.stream_url,
            "notes": stream.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_agreed = stream.agreed
        try:
            stream = streams.live_stream_update(
                actor=request_user(request),
                stream=stream,
                **_stream_fields(data),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Live stream saved.")
            if was_agreed and not stream.agreed:
                messages.warning(
                    request, "The agenda item changed, so the agreement was cleared: record who agreed the new item."
                )
            return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    return render(request, "meetings/stream_form.html", {"form": form, "stream": stream})


@council_view(MANAGE)
def stream_agree(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    people = people_who_may_agree(council=council)
    form = AgreeForm(
        request.POST or None,
        people=people,
        initial={
            "agreed_by": stream.agreed_by_id,
            "agreed_by_name": stream.agreed_by_name,
            "agreed_by_role": stream.agreed_by_role if stream.agreed_by_id is None else "",
            "agreed_on": stream.agreed_on or timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            streams.live_stream_agree(
                actor=request_user(request),
                stream=stream,
                agreed_on=data["agreed_on"],
                agreed_by=data.get("agreed_by"),
                agreed_by_name=data.get("agreed_by_name") or "",
                agreed_by_role=data.get("agreed_by_role") or "",
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Agreement recorded: the stream is ready.")
            return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    return render(request, "meetings/stream_agree.html", {"form": form, "stream": stream})


@require_POST
@council_view(MANAGE)
def stream_status(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    status = request.POST.get("status", "")
    if status not in LiveStream.Status.values:
        messages.error(request, "Choose the new status.")
        return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    try:
        stream = streams.live_stream_set_status(
            actor=request_user(request), stream=stream, status=status, reason=request.POST.get("reason", "")[:1000]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"The stream is now: {stream.get_status_display().lower()}.")
    return redirect("meetings:stream", slug=council.slug, pk=stream.pk)


@council_view(MANAGE)
def stream_announce(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    settings_row = services.meeting_settings_get(council=council)
    initial = {
        "text": promotion.announcement_text(promotion.DEFAULT_ANNOUNCEMENT, stream),
        "channels": [stream.channel] if stream.channel else list(settings_row.default_channels.all()),
    }
    form = AnnounceForm(request.POST or None, channels=channel_choices(council), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = streams.live_stream_announce(
                actor=request_user(request),
                stream=stream,
                text=data["text"],
                channels=data["channels"],
                scheduled_for=data.get("scheduled_for"),
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, f"Announcement drafted by {post.author.display_name}: it now goes for approval.")
            return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    return render(request, "meetings/stream_announce.html", {"form": form, "stream": stream})


@council_view(MANAGE)
def stream_figures(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    stream = _stream(council, pk)
    form = FiguresForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            streams.viewing_figures_record(
                actor=request_user(request),
                stream=stream,
                peak_concurrent_viewers=data["peak_concurrent_viewers"],
                total_views=data["total_views"],
                average_watch_seconds=data["average_watch"],
                source=data["source"],
                read_on=data["read_on"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Viewing figures saved.")
            return redirect("meetings:stream", slug=council.slug, pk=stream.pk)
    return render(request, "meetings/stream_figures.html", {"form": form, "stream": stream})
