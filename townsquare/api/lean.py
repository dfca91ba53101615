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
from functools import cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import DisallowedHost, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from townsquare.accounts.models import User
from townsquare.accounts.two_factor import standing_columns, two_factor_needed_by
from townsquare.councils.models import Council, Membership
from townsquare.web.input_check import has_nul

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
class SessionAccess:
    """The person a session belongs to and their roles at the council asked for: ``user`` is a ``User`` with
    its id, password hash and active flag only (``full()`` loads the whole person where more is needed);
    ``council_id`` is None where they hold no role there."""

    user: User
    council_id: int | None
    roles: frozenset[str]

    def full(self) -> User:
        return User.objects.get(pk=self.user.pk)


@cache
def _person_sql() -> str:
    """The person, their two-factor standing and their roles at the council of a slug, in one statement."""
    quote = connection.ops.quote_name
    user, council, membership = (quote(m._meta.db_table) for m in (User, Council, Membership))
    return (
        f"SELECT u.id, u.password, u.is_active, {standing_columns('u.id')}, m.council_id, m.role "  # noqa: S608
        f"FROM {user} u LEFT JOIN ({membership} m JOIN {council} c ON c.id = m.council_id AND c.slug = %s) "
        "ON m.user_id = u.id WHERE u.id = %s"
    )


def _device_verified(user: User, persistent_id: str) -> bool:
    """As django-otp's middleware decides: the session's device exists, is the person's and is confirmed."""
    device = Device.from_persistent_id(OTPMiddleware._normalize_persistent_id(persistent_id))
    return device is not None and device.user_id == user.pk and bool(device.confirmed)


@cache
def _session_store() -> type[SessionBase]:
    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    return store


def session_access(request: HttpRequest, slug: str) -> SessionAccess | None:
    """The person whose session cookie ``request`` carries, with their roles at the council ``slug``, if the
    full path would accept the session for the API as it stands (nothing about it to repair, no code or
    set-up owed); None otherwise."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or settings.AUTHENTICATION_BACKENDS.count(MODEL_BACKEND) != 1:
        return None
    session = _session_store()(key)
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])  # type: ignore[union-attr]
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend != MODEL_BACKEND:  # single sign-on and any other backend: the full path decides
        return None
    with connection.cursor() as cursor:
        cursor.execute(_person_sql(), [slug, user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    pk, password, active, has_device, mandatory, council_id, _ = rows[0]
    user = User(id=pk, password=password, is_active=bool(active))
    if not user.is_active:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY) or "", user.get_session_auth_hash()):
        return None  # a changed password, or a key rotated: the full path signs out or re-keys
    device = session.get(DEVICE_ID_SESSION_KEY)
    verified = bool(device) and _device_verified(user, str(device))
    if device and not verified:
        return None  # the full path forgets the device in the session
    if two_factor_needed_by(user, verified=verified, standing=(bool(has_device), bool(mandatory))) is not None:
        return None
    return SessionAccess(user, council_id, frozenset(role for *_, role in rows if role is not None))


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
    if has_nul(request):  # the full path refuses it (townsquare.web.input_check)
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
