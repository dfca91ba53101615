"""The alert pages: destinations (add, test, remove) and the log of alerts with each delivery's attempts.

Kept by the communications team and administrators; auditors may read the log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.alerts import services
from townsquare.alerts.forms import DestinationForm
from townsquare.alerts.models import Alert, Destination
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm

KEEP = Perm.MANAGE_CHANNELS
READ_LOG = frozenset({Perm.MANAGE_CHANNELS, Perm.VIEW_AUDIT})


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@council_view(KEEP)
def destinations(request: HttpRequest, council: Council) -> HttpResponse:
    form = DestinationForm(council=council)
    if request.method == "POST":
        form = DestinationForm(request.POST, council=council)
        if form.is_valid():
            try:
                services.destination_add(actor=_user(request), council=council, **form.cleaned_data)
                messages.success(request, "Destination added. Send a test alert to check it.")
                return redirect("alerts:destinations", council.slug)
            except ValidationError as error:
                form.add_error(None, error)
    found = Destination.objects.filter(council=council).select_related("person")
    return render(
        request,
        "alerts/destinations.html",
        {"form": form, "destinations": found},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@council_view(KEEP)
def destination_test(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    destination = get_object_or_404(Destination, council=council, pk=pk)
    services.destination_test(actor=_user(request), destination=destination)
    messages.success(request, f"A test alert is on its way to {destination.name}: see the alert log for the outcome.")
    return redirect("alerts:destinations", council.slug)


@require_POST
@council_view(KEEP)
def destination_remove(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    destination = get_object_or_404(Destination, council=council, pk=pk)
    services.destination_remove(actor=_user(request), destination=destination)
    messages.success(request, f"{destination.name} removed: no more alerts go there.")
    return redirect("alerts:destinations", council.slug)


@council_view(Perm.VIEW_COUNCIL)
def log(request: HttpRequest, council: Council) -> HttpResponse:
    if not READ_LOG & request.council_perms:  # type: ignore[attr-defined]
        raise PermissionDenied("Your role at this council does not allow reading the alert log.")
    alerts = Alert.objects.filter(council=council).prefetch_related("deliveries__attempt_log")
    page = Paginator(alerts, 25).get_page(request.GET.get("page"))
    return render(request, "alerts/log.html", {"page": page, "query": ""})
