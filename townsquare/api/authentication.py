from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from townsquare.accounts.two_factor import two_factor_needed
from townsquare.api.services import token_user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer tsq_...`` (``Token`` is accepted too)."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Bearer <token>.")
        user = token_user(header[1])
        if user is None:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="townsquare"'


class TwoFactorSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in session of the pages, with the pages' two-factor rule (and CSRF check).

    A session that has not entered its code (or set up the authenticator its council requires)
    gets 401 with what to do, never the person's data: a password alone does not reach the API.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        needed = two_factor_needed(request._request)
        if needed == "code":
            raise exceptions.AuthenticationFailed(
                "Enter the code from your authenticator app at /sign-in/code/ first, or use an API token."
            )
        if needed == "setup":
            raise exceptions.AuthenticationFailed(
                "Your council requires two-factor sign-in: set it up at /account/two-factor/ first."
            )
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "townsquare.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class TwoFactorSessionScheme(SessionScheme):
    target_class = "townsquare.api.authentication.TwoFactorSessionAuthentication"
