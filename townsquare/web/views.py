"""The home page: what needs attention, per council."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.channels.models import Channel
from townsquare.channels.selectors import channels_visible_to, rationalisation_shortfall_count
from townsquare.councils.access import council_view, councils_of, perms_in, roles_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm, Role
from townsquare.partners.selectors import combined_view_enabled


@login_required
def home(request: HttpRequest) -> HttpResponse:
    councils = councils_of(request.user)
    if len(councils) == 1:
        return redirect("web:council_home", slug=councils[0].slug)
    if len(councils) > 1 and not request.GET.get("choose") and _starts_combined(request.user):
        return redirect("partners:home")
    return render(request, "web/home.html", {"councils": councils, "offer_combined": len(councils) > 1})


def _starts_combined(user: object) -> bool:
    """The person's kept choice of starting from all their councils together (partner councils)."""
    return bool(combined_view_enabled(user))


@council_view(Perm.VIEW_COUNCIL)
def council_home(request: HttpRequest, council: Council) -> HttpResponse:
    perms = perms_in(request.user, council)
    channels = channels_visible_to(user=request.user, council=council, perms=perms)
    context = {
        "channel_count": channels.exclude(status=Channel.Status.CLOSED).count(),
        "needs_reconnecting": channels.filter(connection_state=Channel.Connection.NEEDS_RECONNECTING).count(),
        "shortfall_count": rationalisation_shortfall_count(council=council) if Perm.VIEW_REGISTER in perms else None,
        "role_labels": [Role(r).label for r in sorted(roles_in(request.user, council))],
    }
    return render(request, "web/council_home.html", context)
