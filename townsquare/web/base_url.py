"""Absolute addresses for links that leave the page (emails, iCalendar): the address the person is using
when there is a request, and ``TOWNSQUARE_BASE_URL`` for background jobs, which have none.

Services that send email deep inside a request do not see the request, so the middleware keeps its
base address in a context variable for the request's duration. The host comes from
``request.get_host()``, which Django has already checked against ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request_base: ContextVar[str | None] = ContextVar("townsquare_request_base_url", default=None)


def base_url(request: HttpRequest | None = None) -> str:
    """``https://host`` with no trailing slash: the request's, the current request's, or the setting."""
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return _request_base.get() or settings.TOWNSQUARE_BASE_URL.rstrip("/")


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (starting with /) made absolute; anything already absolute, or empty, is returned as it is."""
    return f"{base_url(request)}{path}" if path.startswith("/") else path


class BaseUrlMiddleware:
    """Remember the address this request came in on, for links made while answering it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            token = _request_base.set(base_url(request))
        except Exception:  # a disallowed Host header: Django answers 400 further on; links fall back
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
