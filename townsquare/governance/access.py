"""Who may read and keep the governance registers (on top of the council permission matrix)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from townsquare.councils.access import council_for, perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.governance.selectors import can_see_breaches

F = TypeVar("F", bound=Callable[..., HttpResponse])

# Recommendation trackers and the strategy timetable: councillors read them as reports, auditors
# read them as records, communications and administrators keep them.
READ_TRACKERS = frozenset({Perm.VIEW_REPORTS, Perm.MANAGE_GOVERNANCE, Perm.VIEW_AUDIT})
# Everyone's training and acknowledgements: those who keep the registers, and auditors.
READ_REGISTERS = frozenset({Perm.MANAGE_GOVERNANCE, Perm.VIEW_AUDIT})
MANAGE = frozenset({Perm.MANAGE_GOVERNANCE})


def council_with_any(user: Any, slug: str, perms: frozenset[str]) -> Council:
    """The council if ``user`` holds any of ``perms`` there: 404 with no role, 403 without them."""
    council = council_for(user, slug, Perm.VIEW_COUNCIL)
    if not perms & perms_in(user, council):
        raise PermissionDenied("Your role at this council does not allow this.")
    return council


def breach_council(user: Any, slug: str) -> Council:
    council = council_for(user, slug, Perm.VIEW_COUNCIL)
    if not can_see_breaches(user=user, council=council):
        raise PermissionDenied("Only the monitoring officer and the people they name may see the breach register.")
    return council


def governance_view(perms: frozenset[str] | None = None, *, breaches: bool = False) -> Callable[[F], F]:
    """Decorate a view taking ``slug``: signs in, checks access, sets request.council and its perms."""

    def decorator(view: F) -> F:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if breaches:
                council = breach_council(request.user, slug)
            else:
                council = council_with_any(request.user, slug, perms or frozenset({Perm.VIEW_COUNCIL}))
            request.council = council  # type: ignore[attr-defined]
            request.council_perms = perms_in(request.user, council)  # type: ignore[attr-defined]
            return view(request, council, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
