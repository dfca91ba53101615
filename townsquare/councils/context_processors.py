from typing import Any

from django.http import HttpRequest

from townsquare.councils.access import councils_of


def councils(request: HttpRequest) -> dict[str, Any]:
    """The councils the person works for, and the one this page belongs to, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_councils": councils_of(user),
        "council": getattr(request, "council", None),
        "council_perms": getattr(request, "council_perms", frozenset()),
    }
