"""All my councils: the combined home, approval queue, calendar, channel register and rationalisation.

Each page lists only councils where the person's roles there allow the page, every row names its
council, and every action is checked again by the service against that council's role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.accounts.utils import request_user
from townsquare.channels.models import Channel, Platform
from townsquare.channels.selectors import channels_filter, rationalisation_shortfalls
from townsquare.councils.roles import Perm
from townsquare.partners import selectors, services
from townsquare.partners.exports import csv_response, shortfalls_csv
from townsquare.partners.sections import CouncilRow
from townsquare.publishing.calendar_views import VIEWS, aware, calendar_range
from townsquare.publishing.models import PostTarget
from townsquare.publishing.page_context import post_context
from townsquare.publishing.selectors import target_moment
from townsquare.publishing.services import posts_bulk_approve

APPROVAL_PERMS = [Perm.APPROVE_POSTS]
CALENDAR_PERMS = [Perm.DRAFT_POSTS, Perm.APPROVE_POSTS]
REGISTER_PERMS = [Perm.VIEW_ASSIGNED_CHANNELS]
PAGE_SIZE = 50  # as the council's own register


def council_slug(request: HttpRequest) -> str:
    return request.GET.get("council", "").strip()


def page_of(request: HttpRequest, template: str, perms: Sequence[str], context: dict[str, Any]) -> HttpResponse:
    """Render a combined page with its council filter (only councils this page may show)."""
    context.update(
        {
            "filter_councils": selectors.councils_where(request.user, perms),
            "chosen_council": council_slug(request),
            "combined": True,
        }
    )
    return render(request, template, context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, [Perm.VIEW_COUNCIL], council_slug(request))
    return page_of(
        request,
        "partners/home.html",
        [Perm.VIEW_COUNCIL],
        {
            "attention": selectors.attention(user=request.user, councils=councils),
            "enabled": selectors.combined_view_enabled(request.user),
        },
    )


@login_required
@require_POST
def choice(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    services.combined_view_set(user=request_user(request), enabled=enabled)
    if enabled:
        messages.success(request, "You will start from all your councils together.")
        return redirect("partners:home")
    messages.success(request, "You will choose one council at a time.")
    return redirect("web:home")


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, APPROVAL_PERMS, council_slug(request))
    waiting = selectors.approvals_waiting(user=request.user, councils=councils)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("posts") if i.isdigit()]
        if not ids:
            messages.error(request, "Choose at least one post to approve.")
        else:
            # Only posts in this person's combined queue can be chosen; each is approved by
            # publishing's own service, which checks the role at that post's council again.
            approved, refused = posts_bulk_approve(
                actor=request_user(request),
                posts=waiting.filter(pk__in=ids),
                acknowledge_warnings=bool(request.POST.get("acknowledge")),
            )
            if approved:
                names = sorted({p.council.name for p in approved})
                messages.success(
                    request, f"Approved {len(approved)} post{'s' if len(approved) != 1 else ''} ({', '.join(names)})."
                )
            for post, reason in refused:
                messages.error(request, f"Not approved, {post.council.name}, “{post}”: {reason}")
            missing = len(set(ids) - {p.pk for p in approved} - {p.pk for p, _ in refused})
            if missing:
                messages.error(
                    request,
                    f"{missing} chosen post{'s are' if missing != 1 else ' is'} no longer waiting for your approval.",
                )
        return redirect(request.get_full_path())
    items = [CouncilRow(post.council, post_context(post)) for post in waiting]
    return page_of(request, "partners/approvals.html", APPROVAL_PERMS, {"items": items})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, CALENDAR_PERMS, council_slug(request))
    view = request.GET.get("view", "list")
    view = view if view in VIEWS else "list"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in PostTarget.Status.values else ""
    first, last, previous, following = calendar_range(view, anchor)
    targets = selectors.calendar_items(
        user=request.user,
        councils=councils,
        start=aware(first),
        end=aware(last + dt.timedelta(days=1)),
        status=status,
    )
    rows = sorted(
        ((timezone.localtime(m), t) for t in targets if (m := target_moment(t)) is not None),
        key=lambda row: (row[0], row[1].post.council.name, row[1].channel.name),
    )
    days: dict[dt.date, list[tuple[dt.datetime, PostTarget]]] = {}
    for moment, target in rows:
        days.setdefault(moment.date(), []).append((moment, target))
    grid = [
        (
            first + dt.timedelta(days=n),
            view == "week" or (first + dt.timedelta(days=n)).month == anchor.month,
            days.get(first + dt.timedelta(days=n), []),
        )
        for n in range((last - first).days + 1)
    ]
    query = "&".join(f"{k}={v}" for k, v in (("council", council_slug(request)), ("status", status)) if v)
    return page_of(
        request,
        "partners/calendar.html",
        CALENDAR_PERMS,
        {
            "view": view,
            "anchor": anchor,
            "first": first,
            "last": last,
            "previous": previous,
            "following": following,
            "days": sorted(days.items()),
            "weeks": [grid[i : i + 7] for i in range(0, len(grid), 7)],
            "weekday_names": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            "count": len(rows),
            "status": status,
            "statuses": PostTarget.Status.choices,
            "query": query,
            "today": timezone.localdate(),
        },
    )


@login_required
def channels(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, REGISTER_PERMS, council_slug(request))
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "platform", "status")}
    found = channels_filter(selectors.channels_across(user=request.user, councils=councils), **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page_of(
        request,
        "partners/channels.html",
        REGISTER_PERMS,
        {
            "page": page,
            "rows": page.object_list,
            "platforms": Platform.choices,
            "statuses": Channel.Status.choices,
            "filters": filters,
            "query": query.urlencode(),
        },
    )


@login_required
def rationalisation(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, [Perm.VIEW_REGISTER], council_slug(request))
    items = [
        CouncilRow(council, shortfall)
        for council in councils
        for shortfall in rationalisation_shortfalls(council=council)
    ]
    if request.GET.get("format") == "csv":
        return csv_response(shortfalls_csv(items), f"all-councils-rationalisation-{timezone.localdate()}.csv")
    return page_of(request, "partners/rationalisation.html", [Perm.VIEW_REGISTER], {"items": items})
