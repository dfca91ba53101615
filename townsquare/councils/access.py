"""Who may do what, where: every page and API endpoint asks here.

A person with no role in a council gets "not found" (the council's records do not exist for
them); a person whose roles there do not include the permission gets "forbidden".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from townsquare.councils.models import Council
from townsquare.councils.roles import permissions_for
from townsquare.keptsql import kept_values_of

if TYPE_CHECKING:
    from townsquare.accounts.models import User

F = TypeVar("F", bound=Callable[..., HttpResponse])


COLUMNS = [field.attname for field in Council._meta.concrete_fields]


def _councils_of(user_id: int) -> QuerySet[Council, dict[str, Any]]:
    # The columns named, not ``c.*``: a statement the server has prepared must keep its shape when a later
    # release adds a column.
    return (
        Council.objects.filter(memberships__user_id=user_id)
        .order_by("name", "id")
        .values(*COLUMNS, "memberships__role")
    )


def _memberships(user: Any) -> tuple[dict[int, frozenset[str]], list[Council]]:
    """A person's roles by council id, and those councils by name, in one query per request."""
    if not getattr(user, "is_authenticated", False):
        return {}, []
    cached: tuple[dict[int, frozenset[str]], list[Council]] | None = getattr(user, "_memberships", None)
    if cached is None:
        found: dict[int, set[str]] = {}
        councils: dict[int, Council] = {}
        # Asked on every request: one statement compiled once (the queryset's building and compiling cost
        # several times its reading), each council made from its row.
        alias = router.db_for_read(Council)
        for row in kept_values_of(Council, "councils.memberships", _councils_of, user.pk):
            found.setdefault(row["id"], set()).add(row["memberships__role"])
            if row["id"] not in councils:
                councils[row["id"]] = Council.from_db(alias, COLUMNS, [row[name] for name in COLUMNS])
        cached = ({cid: frozenset(roles) for cid, roles in found.items()}, list(councils.values()))
        user._memberships = cached
    return cached


def roles_by_council(user: Any) -> dict[int, frozenset[str]]:
    """All of a person's roles, keyed by council id, computed once per request."""
    return _memberships(user)[0]


def roles_in(user: Any, council: Council) -> frozenset[str]:
    return roles_by_council(user).get(council.pk, frozenset())


def perms_in(user: Any, council: Council) -> frozenset[str]:
    return permissions_for(roles_in(user, council))


def can(user: Any, council: Council, perm: str) -> bool:
    return perm in perms_in(user, council)


def councils_of(user: Any) -> list[Council]:
    """The councils where the person holds a role, by name."""
    return list(_memberships(user)[1])


def council_for(user: User | Any, slug: str, perm: str) -> Council:
    """The council named by ``slug`` if ``user`` holds ``perm`` there; otherwise 404 or 403."""
    # Only a council where the person has a role can be found: any other is "not found".
    council = next((c for c in _memberships(user)[1] if c.slug == slug), None)
    if council is None:
        raise Http404("No such council")
    if not can(user, council, perm):
        raise PermissionDenied("Your role at this council does not allow this.")
    return council


def council_view(perm: str) -> Callable[[F], F]:
    """Decorate a view taking ``slug``: signs in, checks the permission, sets request.council."""

    def decorator(view: F) -> F:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            council = council_for(request.user, slug, perm)
            request.council = council  # type: ignore[attr-defined]
            request.council_perms = perms_in(request.user, council)  # type: ignore[attr-defined]
            return view(request, council, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
