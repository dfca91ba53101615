"""Single sign-on through OpenID Connect (e.g. Microsoft Entra ID).

A person is matched by the verified email claim to an existing Townsquare account; roles are
given in Townsquare, not taken from the identity provider. Unknown people are refused unless
OIDC_CREATE_USER is on (they then have an account but no role anywhere).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from townsquare.accounts.models import User


def claims_email(claims: dict[str, Any]) -> str:
    # Entra ID puts the sign-in name in preferred_username or upn when email is absent.
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if value and "@" in str(value):
            return str(value).strip().lower()
    return ""


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = claims_email(claims)
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims_email(claims))

    def create_user(self, claims: dict[str, Any]) -> User | None:
        if not settings.OIDC_CREATE_USER:
            return None
        return User.objects.create_user(claims_email(claims), full_name=claims.get("name", ""))

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if not settings.OIDC_ENABLED or request is None or "code" not in request.GET:
            return None  # password sign-ins go to the other backends
        # The session is marked as single sign-on by Django itself (the backend that signed it in),
        # never by a flag set here, which would outlive a failed or different sign-in.
        user: User | None = super().authenticate(request, **kwargs)
        return user


def _only_when_enabled(view: Any) -> Any:
    """Single sign-on pages exist only when a council has configured it."""
    from django.http import Http404

    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    return wrapped


def oidc_urls() -> list[Any]:
    from django.urls import path
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

    return [
        path(
            "oidc/authenticate/",
            _only_when_enabled(OIDCAuthenticationRequestView.as_view()),
            name="oidc_authentication_init",
        ),
        path(
            "oidc/callback/",
            _only_when_enabled(OIDCAuthenticationCallbackView.as_view()),
            name="oidc_authentication_callback",
        ),
    ]
