"""Pages: meetings (list, import, detail), promotion settings, and live-stream events.

Everyone with a role at the council may read meetings and stream figures; communications officers
and administrators (``MANAGE``) import, configure and record streams.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.meetings import calendar_import, promotion, services
from townsquare.meetings.calendar_io import CSV_COLUMNS, MAX_BYTES, ParseResult, parse_csv, parse_ics
from townsquare.meetings.feeds import feed_fetch
from townsquare.meetings.forms import (
    FeedForm,
    OffsetForm,
    SettingsForm,
    UploadForm,
)
from townsquare.meetings.models import Meeting, MeetingSettings, PromotionOffset
from townsquare.meetings.selectors import (
    committees_of,
    import_preview,
    may_read_posts,
    meeting_with_related,
    meetings_list,
    post_visible_ids,
    promotion_rows,
)
from townsquare.web.importing import FILE
from townsquare.web.uploads import read_limited, too_large_message, upload_refused

# Meetings are managed by the people who run the council's accounts: communications and administrators.
MANAGE = Perm.MANAGE_CHANNELS
VIEW = Perm.VIEW_COUNCIL


def perms_for(request: HttpRequest) -> frozenset[str]:
    perms: frozenset[str] = request.council_perms  # type: ignore[attr-defined]
    return perms


def request_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def service_errors(form: Any, exc: ValidationError | PermissionDenied, field: str | None = None) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(field, message)


def channel_choices(council: Council) -> QuerySet[Channel]:
    return Channel.objects.filter(council=council)


# --- meetings --------------------------------------------------------------------------------------------


@council_view(VIEW)
def meeting_list(request: HttpRequest, council: Council) -> HttpResponse:
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    committees = committees_of(council=council)
    committee = request.GET.get("committee", "").strip()
    if committee not in committees:
        committee = ""
    meetings = meetings_list(council=council, when=when, committee=committee)[:500]
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": meetings,
            "when": when,
            "committee": committee,
            "committees": committees,
            "can_manage": MANAGE in perms_for(request),
            "settings_row": MeetingSettings.objects.filter(council=council).first(),
        },
    )


def _read_upload(form: UploadForm) -> tuple[str, ParseResult, str]:
    upload = form.cleaned_data["file"]
    content = read_limited(upload, MAX_BYTES)
    if content is None:
        result = ParseResult()
        result.errors.append((FILE, too_large_message(MAX_BYTES)))
        return "csv", result, ""
    name = upload.name or ""
    looks_ics = name.lower().endswith((".ics", ".ical", ".ifb")) or content.lstrip()[:15].upper() == b"BEGIN:VCALENDAR"
    parsed = parse_ics(content, name=name) if looks_ics else parse_csv(content, name=name)
    text = content.decode("utf-8-sig", errors="replace") if parsed.ok else ""
    return ("ics" if looks_ics else "csv"), parsed, text


@council_view(MANAGE)
def meeting_import(request: HttpRequest, council: Council) -> HttpResponse:
    """Read a feed or a file, show every meeting it holds, and save only when the person confirms."""
    settings_row = services.meeting_settings_get(council=council)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    feed_form = FeedForm(
        request.POST if action == "fetch" else None, initial={"feed_url": settings_row.feed_url, "keep": True}
    )
    upload_form = UploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None
    )
    if action == "upload" and (refused := upload_refused(request, "file")):
        upload_form.fields["file"].error_messages["required"] = refused
    context: dict[str, Any] = {
        "feed_form": feed_form,
        "upload_form": upload_form,
        "settings_row": settings_row,
        "columns": CSV_COLUMNS,
    }
    kind, parsed, text, source, feed_url, keep = "", None, "", "", "", False
    if action == "fetch" and feed_form.is_valid():
        feed_url, keep = feed_form.cleaned_data["feed_url"], feed_form.cleaned_data["keep"]
        fetched = feed_fetch(feed_url)
        if fetched.content is None:
            feed_form.add_error("feed_url", fetched.error)
        else:
            kind, parsed, source = "ics", parse_ics(fetched.content), Meeting.Source.FEED
            text = fetched.content.decode("utf-8-sig", errors="replace")
    elif action == "upload" and upload_form.is_valid():
        kind, parsed, text = _read_upload(upload_form)
        source = Meeting.Source.ICS if kind == "ics" else Meeting.Source.CSV
    elif action == "confirm":
        kind = "ics" if request.POST.get("kind") == "ics" else "csv"
        source = request.POST.get("source", "")
        if source not in Meeting.Source.values or source == Meeting.Source.DEMO:
            source = Meeting.Source.ICS if kind == "ics" else Meeting.Source.CSV
        text = request.POST.get("content", "")
        feed_url = request.POST.get("feed_url", "") if source == Meeting.Source.FEED else ""
        keep = request.POST.get("keep") == "yes" and bool(feed_url)
        content = text.encode()
        parsed = parse_ics(content) if kind == "ics" else parse_csv(content)
        if parsed.ok:
            try:
                outcome = calendar_import.meetings_import(
                    actor=request_user(request),
                    council=council,
                    parsed=parsed,
                    source=source,
                    keep_feed_url=feed_url if keep else "",
                )
            except ValidationError as exc:
                context["problems"] = exc.messages
            else:
                messages.success(request, outcome.summary)
                for note in outcome.notes[:10]:
                    messages.warning(request, note)
                return redirect("meetings:list", slug=council.slug)
    if parsed is not None:
        context.update(
            {"parsed": parsed, "kind": kind, "source": source, "content": text, "feed_url": feed_url, "keep": keep}
        )
        if parsed.ok:
            context["preview"] = import_preview(council=council, parsed=parsed)
    return render(request, "meetings/import.html", context)


@council_view(VIEW)
def meeting_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.filter(council=council), pk=pk)
    meeting = meeting_with_related(council=council, pk=meeting.pk)
    rows = promotion_rows(meeting)
    perms = perms_for(request)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "streams": list(meeting.live_streams.all()),
            "can_manage": MANAGE in perms,
            "read_posts": may_read_posts(perms),
            "openable": post_visible_ids(user=request.user, council=council, perms=perms, posts=[r.post for r in rows]),
            "is_upcoming": meeting.starts_at > timezone.now(),
        },
    )


@require_POST
@council_view(MANAGE)
def meeting_draft(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    """Draft the meeting's missing promotional posts now (after the channels or offsets changed)."""
    meeting = get_object_or_404(Meeting.objects.select_related("council"), council=council, pk=pk)
    author = services.promotion_author(council=council, actor=request_user(request))
    outcome = services.meeting_promotions_draft(meeting=meeting, author=author)
    if outcome.created:
        messages.success(
            request,
            f"{len(outcome.created)} promotional post{'s' if len(outcome.created) != 1 else ''} drafted for approval.",
        )
    for note in outcome.notes:
        messages.warning(request, note)
    if not outcome.created and not outcome.notes:
        messages.info(request, "Nothing to draft: every promotional post is drafted, or its time has passed.")
    return redirect("meetings:detail", slug=council.slug, pk=meeting.pk)


# --- settings --------------------------------------------------------------------------------------------


@council_view(MANAGE)
def meeting_settings(request: HttpRequest, council: Council) -> HttpResponse:
    settings_row = services.meeting_settings_get(council=council)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    settings_form = SettingsForm(
        request.POST if action == "settings" else None,
        channels=channel_choices(council),
        initial={"feed_url": settings_row.feed_url, "default_channels": list(settings_row.default_channels.all())},
    )
    offset_form = OffsetForm(request.POST if action == "offset" else None)
    if action == "settings" and settings_form.is_valid():
        try:
            services.meeting_settings_update(
                actor=request_user(request),
                council=council,
                feed_url=settings_form.cleaned_data["feed_url"],
                default_channels=settings_form.cleaned_data["default_channels"],
            )
        except ValidationError as exc:
            service_errors(settings_form, exc)
        else:
            messages.success(request, "Meeting settings saved.")
            return redirect("meetings:settings", slug=council.slug)
    if action == "offset" and offset_form.is_valid():
        data = offset_form.cleaned_data
        try:
            services.promotion_offset_save(
                actor=request_user(request),
                council=council,
                days_before=data["days_before"],
                at_time=data["at_time"],
                template=data["template"],
            )
        except ValidationError as exc:
            service_errors(offset_form, exc)
        else:
            messages.success(
                request, "Promotional post added. Upcoming meetings get it at the next import or within the hour."
            )
            return redirect("meetings:settings", slug=council.slug)
    return render(
        request,
        "meetings/settings.html",
        {
            "settings_form": settings_form,
            "offset_form": offset_form,
            "settings_row": settings_row,
            "offsets": PromotionOffset.objects.filter(council=council),
            "placeholders": promotion.PLACEHOLDERS,
        },
    )


@council_view(MANAGE)
def offset_edit(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    offset = get_object_or_404(PromotionOffset, council=council, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.promotion_offset_remove(actor=request_user(request), offset=offset)
        messages.success(request, f"Promotional post {offset} removed. Posts already drafted are kept.")
        return redirect("meetings:settings", slug=council.slug)
    form = OffsetForm(
        request.POST or None,
        initial={"days_before": offset.days_before, "at_time": offset.at_time, "template": offset.template},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.promotion_offset_save(
                actor=request_user(request),
                council=council,
                offset=offset,
                days_before=data["days_before"],
                at_time=data["at_time"],
                template=data["template"],
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            messages.success(request, "Promotional post saved. Drafts already made keep their words.")
            return redirect("meetings:settings", slug=council.slug)
    return render(request, "meetings/offset_edit.html", {"form": form, "offset": offset})
