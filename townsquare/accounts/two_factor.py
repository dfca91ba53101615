"""What a session has proved: the one place that says whether two-factor is satisfied.

Used by the page middleware, the API's session authentication, the account pages (device and
token changes) and /healthz, so that every way into a signed-in session asks the same question.

A session is *verified* when the person entered a code from one of their devices (an
authenticator or a recovery code) in this session, or signed in through the council's single
sign-on (whose identity provider does its own multi-factor check). A session *passes* two-factor
when it is verified, or when the person has no device and no council of theirs requires one.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.http import HttpRequest
from django_otp import device_classes

from townsquare.councils.models import Council, Membership

OIDC_BACKEND = "townsquare.accounts.oidc.CouncilOIDCBackend"
Needed = Literal["code", "setup"]


def two_factor_mandatory_for(user: Any) -> bool:
    return Council.objects.filter(memberships__user=user, require_two_factor=True).exists()


def _column(model: Any, field: str) -> str:
    return connection.ops.quote_name(str(model._meta.get_field(field).column))


@cache
def standing_columns(person: str = "%s") -> str:
    """What is asked on every request of a session not yet verified, as two columns: does the person have a
    confirmed device of any kind django-otp knows, and does a council of theirs require one. ``person`` is
    the SQL for their id: a parameter, or a column of the statement these are part of (the API's lean
    paths read the person and these in one). Table and column names come from the models, quoted."""
    table = connection.ops.quote_name
    devices = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table(m._meta.db_table)} WHERE {_column(m, 'user')} = {person}"  # noqa: S608
        f" AND {_column(m, 'confirmed')})"
        for m in device_classes()
    )
    mandatory = (
        f"EXISTS (SELECT 1 FROM {table(Council._meta.db_table)} c"  # noqa: S608
        f" JOIN {table(Membership._meta.db_table)} m ON m.{_column(Membership, 'council')} = c.{_column(Council, 'id')}"
        f" WHERE m.{_column(Membership, 'user')} = {person} AND c.{_column(Council, 'require_two_factor')})"
    )
    return f"{devices or 'FALSE'}, {mandatory}"


def _standing_sql() -> str:
    return f"SELECT {standing_columns()}"


def two_factor_standing(user: Any) -> tuple[bool, bool]:
    """(has a confirmed device, a council of theirs requires two-factor), in one query."""
    sql = _standing_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        row = cursor.fetchone()
    return bool(row[0]), bool(row[1])


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
    if not user.is_authenticated:
        return None
    return two_factor_needed_by(user, verified=session_verified(request))


def two_factor_needed_by(user: Any, *, verified: bool, standing: tuple[bool, bool] | None = None) -> Needed | None:
    """``two_factor_needed`` for a person whose session is ``verified`` or not (the API's lean paths read the
    session themselves, and ask here the same question); ``standing`` is ``two_factor_standing(user)`` where
    the caller read it already (``standing_columns``)."""
    if verified:
        return None
    has_device, mandatory = two_factor_standing(user) if standing is None else standing
    if has_device:
        return "code"
    if mandatory:
        return "setup"
    return None
