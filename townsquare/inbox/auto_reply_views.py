"""The out-of-hours auto-reply of each channel: read by those who work the inbox, set by the communications team."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.channels.selectors import channels_visible_to
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.inbox.auto_reply import auto_reply_set
from townsquare.inbox.models import AutoReply
from townsquare.inbox.selectors import may_work
from townsquare.web.ids import parse_id


@council_view(Perm.VIEW_ASSIGNED_CHANNELS)
def auto_replies(request: HttpRequest, council: Council) -> HttpResponse:
    perms: frozenset[str] = request.council_perms  # type: ignore[attr-defined]
    if not may_work(perms):
        raise PermissionDenied("Your role at this council does not allow working the inbox.")
    channels = channels_visible_to(user=request.user, council=council, perms=perms).order_by("name")
    if request.method == "POST":
        channel = get_object_or_404(channels, pk=parse_id(request.POST.get("channel")) or 0)
        try:
            auto_reply_set(
                actor=request.user,  # type: ignore[arg-type]
                channel=channel,
                text=request.POST.get("text", ""),
                enabled=request.POST.get("enabled") == "1",
            )
            messages.success(request, f"The auto-reply of {channel.name} is approved and saved.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{channel.name}: {message}")
        return redirect("inbox:auto_replies", council.slug)
    autos = {a.channel_id: a for a in AutoReply.objects.filter(channel__in=channels).select_related("approved_by")}
    rows = [(channel, autos.get(channel.pk)) for channel in channels]
    return render(request, "inbox/auto_replies.html", {"rows": rows, "can_set": Perm.APPROVE_POSTS in perms})
