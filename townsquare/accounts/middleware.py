"""Two-factor enforcement for signed-in pages.

A person who has an authenticator set up must enter a code after their password; a person with a
role in a council that makes two-factor mandatory must set one up before using anything else.
Single sign-on sessions count as verified: the council's identity provider does its own MFA.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from townsquare.councils.models import Council

EXEMPT_PREFIXES = ("/sign-in", "/sign-out", "/static/", "/healthz", "/api/", "/oidc/", "/account/two-factor")
SSO_SESSION_KEY = "townsquare_sso"


def two_factor_mandatory_for(user: Any) -> bool:
    return Council.objects.filter(memberships__user=user, require_two_factor=True).exists()


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.session.get(SSO_SESSION_KEY)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            if user_has_device(user):
                return redirect(f"/sign-in/code/?next={request.get_full_path()}")
            if two_factor_mandatory_for(user):
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)
