"""The publishing settings page: posting slots, campaigns and second approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.channels.models import Channel
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.publishing import services
from townsquare.publishing.forms import (
    CampaignForm,
    SlotForm,
)
from townsquare.publishing.models import Campaign, ChannelPublishing, PostingSlot
from townsquare.web.ids import parse_id, parse_ids


@council_view(Perm.APPROVE_POSTS)
def publishing_settings(request: HttpRequest, council: Council) -> HttpResponse:
    channels = Channel.objects.filter(council=council).exclude(status=Channel.Status.CLOSED)
    slot_form = SlotForm(channels=channels)
    campaign_form = CampaignForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "slot":
                slot_form = SlotForm(request.POST, channels=channels)
                if slot_form.is_valid():
                    made = services.slots_add(
                        actor=request.user,  # type: ignore[arg-type]
                        channel=slot_form.cleaned_data["channel"],  # type: ignore[arg-type]
                        weekdays=[int(d) for d in slot_form.cleaned_data["weekdays"]],
                        time=slot_form.cleaned_data["time"],
                    )
                    messages.success(request, f"Added {made} posting slot{'s' if made != 1 else ''}.")
                    return redirect("publishing:settings", slug=council.slug)
            elif action == "remove_slot":
                slot_id = parse_id(request.POST.get("slot"))
                if slot_id is None:
                    raise BadRequest("Choose a posting slot from the list to remove.")
                slot = get_object_or_404(PostingSlot, channel__council=council, pk=slot_id)
                services.slot_remove(actor=request.user, slot=slot)  # type: ignore[arg-type]
                messages.success(request, "Posting slot removed.")
                return redirect("publishing:settings", slug=council.slug)
            elif action == "campaign":
                campaign_form = CampaignForm(request.POST)
                if campaign_form.is_valid():
                    services.campaign_create(actor=request.user, council=council, **campaign_form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(request, "Campaign added.")
                    return redirect("publishing:settings", slug=council.slug)
            elif action == "second_approval":
                chosen_ids = parse_ids(request.POST.getlist("channels"))
                if chosen_ids is None:
                    raise BadRequest("A channel chosen for second approval is not one of the channels listed.")
                chosen = set(chosen_ids)
                for channel in channels:
                    services.channel_publishing_set(
                        actor=request.user,  # type: ignore[arg-type]
                        channel=channel,  # type: ignore[arg-type]
                        second_approval=channel.pk in chosen,
                    )
                messages.success(request, "Second approval settings saved.")
                return redirect("publishing:settings", slug=council.slug)
            else:
                raise Http404("Unknown action")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    second = set(
        ChannelPublishing.objects.filter(channel__council=council, second_approval=True).values_list(
            "channel_id", flat=True
        )
    )
    return render(
        request,
        "publishing/settings.html",
        {
            "channels": channels,
            "second": second,
            "slot_form": slot_form,
            "campaign_form": campaign_form,
            "slots": PostingSlot.objects.filter(channel__council=council)
            .select_related("channel")
            .order_by("channel__name", "weekday", "time"),
            "campaigns": Campaign.objects.filter(council=council),
        },
    )
