"""What a session has proved: the one place that says whether two-factor is satisfied.

Used by the page middleware, the API's session authentication, the account pages (device and
token changes) and /healthz, so that every way into a signed-in session asks the same question.

A session is *verified* when the person entered a code from one of their devices (an
authenticator or a recovery code) in this session, or signed in through the council's single
sign-on (whose identity provider does its own multi-factor check). A session *passes* two-factor
when it is verified, or when the person has no device and no council of theirs requires one.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest
from django_otp import user_has_device

from townsquare.councils.models import Council

OIDC_BACKEND = "townsquare.accounts.oidc.CouncilOIDCBackend"
Needed = Literal["code", "setup"]


def two_factor_mandatory_for(user: Any) -> bool:
    return Council.objects.filter(memberships__user=user, require_two_factor=True).exists()


def sso_session(request: HttpRequest) -> bool:
    """Signed in through single sign-on: Django records the backend that signed the session in."""
    return bool(settings.OIDC_ENABLED) and request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND


def code_verified(request: HttpRequest) -> bool:
    """A code from one of the person's own confirmed devices was entered in this session."""
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def session_verified(request: HttpRequest) -> bool:
    return code_verified(request) or (request.user.is_authenticated and sso_session(request))


def two_factor_needed(request: HttpRequest) -> Needed | None:
    """What a signed-in session still has to do before it may be used: a code, a set-up, or nothing."""
    user = request.user
    if not user.is_authenticated or session_verified(request):
        return None
    if user_has_device(user):
        return "code"
    if two_factor_mandatory_for(user):
        return "setup"
    return None
