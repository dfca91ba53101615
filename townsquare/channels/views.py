"""Pages of the channel register."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from townsquare.audit.selectors import audit_events_for
from townsquare.channels.csv_io import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    channels_import_csv,
    channels_to_csv,
    shortfalls_to_csv,
)
from townsquare.channels.forms import ChannelForm
from townsquare.channels.models import Channel, Platform
from townsquare.channels.selectors import channels_filter, channels_visible_to, rationalisation_shortfalls
from townsquare.channels.services import channel_save_form
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.web.ids import parse_id
from townsquare.web.uploads import read_limited, too_large_message, upload_refused

PAGE_SIZE = 50

# The register shows 50 rows a request. Resolving model attributes, {% url %}, |date and an
# include in every cell was most of the page's time, so each row is prepared here once as plain
# strings (with the labels and tag colours looked up in these tables) and the template only prints.
_REGISTER_FIELDS = (
    "pk",
    "name",
    "handle",
    "platform",
    "status",
    "connection_state",
    "last_post_at",
    "service__name",
    "owner__full_name",
    "owner__email",
)
_PLATFORM_LABELS: dict[str, str] = dict(Platform.choices)
_STATUS_LABELS: dict[str, str] = dict(Channel.Status.choices)
_CONNECTION_LABELS: dict[str, str] = dict(Channel.Connection.choices)
_STATUS_TAGS = {"active": "govuk-tag--green", "dormant": "govuk-tag--yellow", "to_close": "govuk-tag--orange"}


def _csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _visible(request: HttpRequest, council: Council):  # type: ignore[no-untyped-def]
    return channels_visible_to(user=request.user, council=council, perms=request.council_perms)  # type: ignore[attr-defined]


@council_view(Perm.VIEW_ASSIGNED_CHANNELS)
def register(request: HttpRequest, council: Council) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "platform", "status", "service")}
    if filters["service"] and parse_id(filters["service"]) is None:
        raise BadRequest("The service to filter by is not one of the council's services: choose it from the list.")
    channels = channels_filter(_visible(request, council), **filters).order_by("platform", "handle")
    # The home page's "channels need reconnecting" figure links here with connection=needs_reconnecting.
    connection = request.GET.get("connection", "")
    filters["connection"] = connection if connection in Channel.Connection.values else ""
    if filters["connection"]:
        channels = channels.filter(connection_state=filters["connection"])
    page = Paginator(channels, PAGE_SIZE).get_page(request.GET.get("page"))  # counts without the joins below
    rows = _register_rows(cast("QuerySet[Channel]", page.object_list).values(*_REGISTER_FIELDS), council=council)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "channels/register.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "platforms": Platform.choices,
            "statuses": Channel.Status.choices,
            "services": council.services.all(),
            "query": query.urlencode(),
            "connections": Channel.Connection.choices,
        },
    )


def _register_rows(channels: Iterable[dict[str, Any]], *, council: Council) -> list[dict[str, str]]:
    """One row of the register table per channel, every cell already a string."""
    # The detail address differs only by the channel's id: reverse it once, not once per row.
    before, _, after = reverse("channels:detail", args=[council.slug, 0]).rpartition("/0/")
    # What {{ last_post_at|date:"j M Y" }} shows (the day in the site's time zone), with the month
    # names translated once a request rather than once a row.
    months = {n: MONTHS_3[n].title() for n in MONTHS_3}

    def day(when: Any) -> str:
        when = timezone.localtime(when)
        return f"{when.day} {months[when.month]} {when.year:04d}"

    return [
        {
            "url": f"{before}/{c['pk']}/{after}",
            "name": c["name"],
            "handle": c["handle"],
            "platform": _PLATFORM_LABELS.get(c["platform"], c["platform"]),
            "service": c["service__name"] or "—",
            "owner": c["owner__full_name"] or c["owner__email"] or "None named",  # as User.display_name
            "status_tag": _STATUS_TAGS.get(c["status"], "govuk-tag--grey"),  # as channels/_status_tag.html
            "status": _STATUS_LABELS.get(c["status"], c["status"]),
            "connection": _CONNECTION_LABELS.get(c["connection_state"], c["connection_state"]),
            "last_post": day(c["last_post_at"]) if c["last_post_at"] else "Never",
        }
        for c in channels
    ]


@council_view(Perm.VIEW_ASSIGNED_CHANNELS)
def channel_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    channel = get_object_or_404(_visible(request, council).select_related("service", "owner", "deputy"), pk=pk)
    history = (
        audit_events_for(council=council).filter(object_type="channels.channel", object_id=str(pk))[:20]
        if Perm.VIEW_AUDIT in request.council_perms or Perm.MANAGE_CHANNELS in request.council_perms  # type: ignore[attr-defined]
        else []
    )  # type: ignore[attr-defined]
    return render(request, "channels/detail.html", {"channel": channel, "history": history})


@council_view(Perm.MANAGE_CHANNELS)
def channel_edit(request: HttpRequest, council: Council, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Channel, council=council, pk=pk) if pk else None
    form = ChannelForm(request.POST or None, instance=instance, council=council)
    if request.method == "POST" and form.is_valid():
        channel = channel_save_form(actor=request.user, form=form)  # type: ignore[arg-type]
        messages.success(request, f"{channel.name} saved.")
        return redirect("channels:detail", slug=council.slug, pk=channel.pk)
    return render(request, "channels/edit.html", {"form": form, "channel": instance})


@council_view(Perm.VIEW_REGISTER)
def rationalisation(request: HttpRequest, council: Council) -> HttpResponse:
    shortfalls = rationalisation_shortfalls(council=council)
    if request.GET.get("format") == "csv":
        return _csv_response(
            shortfalls_to_csv(shortfalls), f"{council.slug}-rationalisation-{timezone.localdate()}.csv"
        )
    return render(request, "channels/rationalisation.html", {"shortfalls": shortfalls})


@council_view(Perm.VIEW_REGISTER)
def export_csv(request: HttpRequest, council: Council) -> HttpResponse:
    channels = (
        Channel.objects.filter(council=council)
        .select_related("service", "owner", "deputy")
        .order_by("platform", "handle")
    )
    return _csv_response(
        channels_to_csv(channels.iterator(chunk_size=1000)), f"{council.slug}-channels-{timezone.localdate()}.csv"
    )


@council_view(Perm.MANAGE_CHANNELS)
def import_csv(request: HttpRequest, council: Council) -> HttpResponse:
    context: dict[str, object] = {"columns": COLUMNS, "max_rows": MAX_ROWS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        content = read_limited(upload, MAX_BYTES) if upload is not None else None
        if upload is None:
            context["file_error"] = upload_refused(request, "file") or "Choose a CSV file to import."
        elif content is None:
            context["file_error"] = too_large_message(MAX_BYTES)
        else:
            result = channels_import_csv(
                actor=request.user,  # type: ignore[arg-type]
                council=council,
                upload=content,  # type: ignore[arg-type]
                name=upload.name or "",
            )
            if result.ok:
                messages.success(
                    request,
                    f"Imported: {result.created} added, {result.updated} changed, {result.unchanged} unchanged.",
                )
                return redirect("channels:register", slug=council.slug)
            context["result"] = result
    return render(request, "channels/import.html", context)
