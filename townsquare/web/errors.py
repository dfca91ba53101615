from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.councils.access import councils_of, perms_in


def _council_of_page(request: HttpRequest) -> None:
    """The council in the refused page's address, when the person works for it, so the page keeps the
    council's header and navigation (the view was refused before it could say which council it was)."""
    slug = (request.resolver_match.kwargs.get("slug") if request.resolver_match else None) or ""
    user = getattr(request, "user", None)
    if getattr(request, "council", None) is not None or not slug or user is None or not user.is_authenticated:
        return
    council = next((c for c in councils_of(user) if c.slug == slug), None)
    if council is not None:
        request.council = council  # type: ignore[attr-defined]
        request.council_perms = perms_in(user, council)  # type: ignore[attr-defined]


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _council_of_page(request)
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
