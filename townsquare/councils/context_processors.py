from typing import Any

from django.http import HttpRequest

from townsquare.councils.access import councils_of
from townsquare.web.nav import council_nav_items


def councils(request: HttpRequest) -> dict[str, Any]:
    """The councils the person works for, and the one this page belongs to, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    council = getattr(request, "council", None)
    perms = frozenset(getattr(request, "council_perms", frozenset()))

    def council_nav() -> str:  # built only by the pages that show the menu
        return council_nav_items(council.slug, perms, request.path) if council is not None else ""

    return {
        "my_councils": councils_of(user),
        "council": council,
        "council_perms": perms,
        "council_nav": council_nav,
    }
