from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

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


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "townsquare.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
