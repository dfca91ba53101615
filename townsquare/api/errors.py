"""Errors: the API answers JSON for every error, pages answer the site's own error pages.

DRF's handler covers exceptions raised inside API views. The Django handlers below cover the rest
under ``/api/``: an unknown address (404), a body over the size limits (413), a malformed request
(400) and an unexpected failure (500), which Django would otherwise answer with HTML.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from townsquare.web import errors as pages

TOO_BIG = "The request is larger than this server accepts."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django validation errors from services as 400s, and over-size bodies as 413s."""
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=400)
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return Response({"detail": TOO_BIG}, status=413)
    if isinstance(exc, BadRequest):
        return Response({"detail": str(exc)}, status=400)
    return drf_handler(exc, context)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    too_big = isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent))
    # Only messages written for people (BadRequest raised by a view) are shown; others are generic.
    message = (
        TOO_BIG
        if too_big
        else (
            str(exception)
            if type(exception) is BadRequest and str(exception)
            else "The request could not be understood."
        )
    )
    status = 413 if too_big else 400
    if _is_api(request):
        return _json(status, message)
    return render(request, "errors/400.html", {"message": message}, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(403, "You do not have permission to perform this action.")
    return pages.forbidden(request, exception)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(404, "Not found.")
    return pages.not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json(500, "Sorry, there is a problem with the server. Nothing was half-saved; try again later.")
    return pages.server_error(request)
