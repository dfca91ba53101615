from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.accounts.utils import request_user
from townsquare.notifications.models import Notification
from townsquare.notifications.services import notifications_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Your notices, newest first; only ever your own."""
    if request.method == "POST":
        notifications_mark_read(user=request.user)  # type: ignore[arg-type]
        return redirect("notifications:list")
    page = Paginator(Notification.objects.filter(user=request_user(request)).select_related("council"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "query": ""})
