"""The content calendar (month, week, list) and its iCalendar export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing.models import PostTarget
from townsquare.publishing.selectors import calendar_days, calendar_targets, posts_visible_to, target_moment
from townsquare.web.base_url import absolute_url
from townsquare.web.ids import parse_id

VIEWS = ("month", "week", "list")


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


def _filters(request: HttpRequest, council: Council) -> dict[str, Any]:
    perms = request.council_perms  # type: ignore[attr-defined]
    view = request.GET.get("view", "month")
    view = view if view in VIEWS else "month"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    if not EARLIEST <= anchor <= LATEST:  # a calendar around year 1 or 9999 has no weeks either side
        anchor = timezone.localdate()
    channels = channels_visible_to(user=request.user, council=council, perms=perms)
    channel = request.GET.get("channel", "")
    channel_id = parse_id(channel)
    channel_id = channel_id if channel_id is not None and channels.filter(pk=channel_id).exists() else None
    status = request.GET.get("status", "")
    status = status if status in PostTarget.Status.values else ""
    return {
        "view": view,
        "anchor": anchor,
        "channels": channels,
        "channel_id": channel_id,
        "status": status,
        "posts": posts_visible_to(user=request.user, council=council, perms=perms),
    }


def calendar_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first day shown, last day shown, previous anchor, next anchor)."""
    if view == "week":
        first = anchor - dt.timedelta(days=anchor.weekday())
        return first, first + dt.timedelta(days=6), first - dt.timedelta(days=7), first + dt.timedelta(days=7)
    if view == "list":
        return anchor, anchor + dt.timedelta(days=29), anchor - dt.timedelta(days=30), anchor + dt.timedelta(days=30)
    month_start = anchor.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    previous_month = (month_start - dt.timedelta(days=1)).replace(day=1)
    first = month_start - dt.timedelta(days=month_start.weekday())
    last_of_month = next_month - dt.timedelta(days=1)
    last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    return first, last, previous_month, next_month


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@council_view(Perm.DRAFT_POSTS)
def calendar(request: HttpRequest, council: Council) -> HttpResponse:
    f = _filters(request, council)
    first, last, previous, following = calendar_range(f["view"], f["anchor"])
    targets = list(
        calendar_targets(
            council=council,
            posts=f["posts"],
            start=aware(first),
            end=aware(last + dt.timedelta(days=1)),
            channel_id=f["channel_id"],
            status=f["status"],
        )
    )
    days = calendar_days(targets, first, last, f["anchor"].month if f["view"] == "month" else None)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    query = {"channel": f["channel_id"] or "", "status": f["status"]}
    return render(
        request,
        "publishing/calendar.html",
        {
            **f,
            "days": days,
            "weeks": weeks,
            "first": first,
            "last": last,
            "previous": previous,
            "following": following,
            "query": "&".join(f"{k}={v}" for k, v in query.items() if v),
            "statuses": PostTarget.Status.choices,
            "today": timezone.localdate(),
            "count": len(targets),
            "weekday_names": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        },
    )


@council_view(Perm.DRAFT_POSTS)
def calendar_ics(request: HttpRequest, council: Council) -> HttpResponse:
    """The schedule from 30 days ago to a year ahead as iCalendar, one event per post and channel."""
    f = _filters(request, council)
    now = timezone.now()
    targets = calendar_targets(
        council=council,
        posts=f["posts"],
        start=now - dt.timedelta(days=30),
        end=now + dt.timedelta(days=366),
        channel_id=f["channel_id"],
        status=f["status"],
    )
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Townsquare//Content calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{council.name} social media schedule")
    for target in targets.order_by("due_at"):
        moment = target_moment(target)
        if moment is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"post-target-{target.idempotency_key}@townsquare")
        event.add("dtstamp", now)
        event.add("dtstart", moment)
        event.add("dtend", moment + dt.timedelta(minutes=15))
        event.add("summary", f"{target.channel.name}: {str(target.post)[:60]} ({target.get_status_display()})")
        event.add("description", target.text)
        event.add(
            "url",
            absolute_url(reverse("publishing:detail", kwargs={"slug": council.slug, "pk": target.post_id}), request),
        )
        event.add("status", "CANCELLED" if target.status == PostTarget.Status.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-schedule.ics"'
    return response
