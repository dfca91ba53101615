"""Trigger pages: the council's triggers and the alerts listening raised; add, pause or resume, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.listening.models import ListeningAlert, Trigger
from townsquare.listening.trigger_forms import TriggerForm
from townsquare.listening.trigger_services import trigger_active_set, trigger_create, trigger_delete
from townsquare.listening.views import MANAGE

ALERTS_SHOWN = 50


@council_view(MANAGE)
def trigger_list(request: HttpRequest, council: Council) -> HttpResponse:
    triggers = Trigger.objects.filter(council=council).select_related("query", "channel", "person", "team")
    alerts = ListeningAlert.objects.filter(council=council)[:ALERTS_SHOWN]
    return render(request, "listening/triggers.html", {"triggers": triggers, "alerts": alerts})


@council_view(MANAGE)
def trigger_add(request: HttpRequest, council: Council) -> HttpResponse:
    form = TriggerForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            trigger = trigger_create(actor=request.user, council=council, **form.trigger_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Trigger “{trigger.name}” added.")
            return redirect("listening:triggers", slug=council.slug)
    return render(request, "listening/trigger_form.html", {"form": form})


@require_POST
@council_view(MANAGE)
def trigger_change(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    trigger = get_object_or_404(Trigger, council=council, pk=pk)
    if request.POST.get("delete"):
        trigger_delete(actor=request.user, council=council, trigger=trigger)
        messages.success(request, f"Trigger “{trigger.name}” deleted.")
    else:
        active = request.POST.get("active") == "1"
        trigger_active_set(actor=request.user, council=council, trigger=trigger, active=active)
        messages.success(request, f"Trigger “{trigger.name}” {'resumed' if active else 'paused'}.")
    return redirect("listening:triggers", slug=council.slug)
