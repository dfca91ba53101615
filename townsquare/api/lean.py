"""Lean paths: a few read-only API endpoints answered without the framework's full request cycle.

An archive search costs a few milliseconds of the database and JSON, and used to cost several more
of the framework around it: a dozen middleware, the URL resolver's walk through every app, the
person loaded as a model, DRF's dispatch, content negotiation and renderer. ``LeanApiMiddleware``
sits just inside the middleware that set the response's security headers (so every answer still
carries them) and answers the endpoints of ``ROUTES`` itself, for the one case that matters for
speed: a GET from a signed-in session that passes every check.

Every rule of the full path holds, because each is asked the same way: the session is read by the
configured session engine (so it must exist and not have expired), the person must be active and
the session's password hash must match theirs (a changed password signs every session out), the
session's two-factor state is judged by ``two_factor_needed_by`` (a device verified in this
session, confirmed and theirs, or none needed), and the endpoint checks role and council itself.
Whatever is not the plain case — no session, a token, another sign-in backend, an unverified
device, a bad parameter, a role that does not allow it, another format asked for — is handed to
the full path unchanged (``None``), which gives the answer and the error it always gave. The
tests run both paths on the same requests and compare.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import DisallowedHost, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from townsquare.accounts.models import User
from townsquare.accounts.two_factor import two_factor_needed_by

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Path, and the view that answers it or returns None to leave it to the full path.
ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"/api/councils/(?P<slug>[-a-zA-Z0-9_]+)/archive/"), "townsquare.archive.api_lean.archive_list"),
]
# What DRF's JSON renderer is chosen for; anything else (its browsable API, say) goes the full way.
JSON_ACCEPTS = ("", "*/*", "application/json")
# The headers DRF and the session middleware add to an API answer read from a session.
API_HEADERS = {"Vary": "Accept, Cookie", "Allow": "GET, HEAD, OPTIONS"}


@dataclass(frozen=True)
class SessionPerson:
    """The person a session belongs to, as far as a lean path needs them: a ``User`` with its id, password
    hash and active flag only (load the whole person with ``full()`` where more is needed)."""

    user: User

    @property
    def pk(self) -> int:
        return int(self.user.pk)

    def full(self) -> User:
        return User.objects.get(pk=self.user.pk)


def _user_row(user_id: Any) -> User | None:
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password, is_active FROM {table} WHERE id = %s", [user_id])  # noqa: S608
        row = cursor.fetchone()
    return User(id=row[0], password=row[1], is_active=bool(row[2])) if row else None


def _device_verified(user: User, persistent_id: str) -> bool:
    """As django-otp's middleware decides: the session's device exists, is the person's and is confirmed."""
    device = Device.from_persistent_id(OTPMiddleware._normalize_persistent_id(persistent_id))
    return device is not None and device.user_id == user.pk and bool(device.confirmed)


def session_person(request: HttpRequest) -> SessionPerson | None:
    """The person whose session cookie ``request`` carries, if the full path would accept it for the API as it
    stands (nothing about the session to repair, no code or set-up owed); None otherwise."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or settings.AUTHENTICATION_BACKENDS.count(MODEL_BACKEND) != 1:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])  # type: ignore[union-attr]
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend != MODEL_BACKEND:  # single sign-on and any other backend: the full path decides
        return None
    user = _user_row(user_id)
    if user is None or not user.is_active:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY) or "", user.get_session_auth_hash()):
        return None  # a changed password, or a key rotated: the full path signs out or re-keys
    device = session.get(DEVICE_ID_SESSION_KEY)
    verified = bool(device) and _device_verified(user, str(device))
    if device and not verified:
        return None  # the full path forgets the device in the session
    if two_factor_needed_by(user, verified=verified) is not None:
        return None
    return SessionPerson(user)


def json_answer(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Content-Length"] = str(len(body))
    for name, value in API_HEADERS.items():
        response[name] = value
    return response


def plain_get(request: HttpRequest) -> bool:
    """A GET that the full path would answer in JSON from the session alone: no token, no other format, a
    host this site answers to."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META or "format" in request.GET:
        return False
    if request.META.get("HTTP_ACCEPT", "").strip() not in JSON_ACCEPTS or settings.DISALLOWED_USER_AGENTS:
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


class LeanApiMiddleware:
    """Answers ``ROUTES`` by their lean views where they can; everything else goes on down the chain."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.routes = [(pattern, import_string(view)) for pattern, view in ROUTES]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/api/"):
            for pattern, view in self.routes:
                match = pattern.fullmatch(path)
                if match and plain_get(request):
                    answer = view(request, **match.groupdict())
                    if answer is not None:
                        return answer  # type: ignore[no-any-return]
                    break
        return self.get_response(request)
