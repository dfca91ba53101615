"""Typed access to the signed-in person."""

from __future__ import annotations

from typing import Any

from townsquare.accounts.models import User


def request_user(request: Any) -> User:
    """The signed-in person of a request that passed a sign-in check."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("Sign in first.")
    return user
