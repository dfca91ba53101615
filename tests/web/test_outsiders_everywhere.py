"""Every page and endpoint of a council is closed to people of another council, and to nobody signed in.

Each app has outsider tests of its own; this one asks the same of every route in the URL map, so a
new page cannot go without its check. The routes' real addresses (with real Riverside ids) are found
by following the links and forms of Riverside's pages as each of its own people, on the demo (each page
they open must answer without a server error: the test client raises one); a route no page links to is
asked with the id 1. Then, for each route:

- Hillcrest's administrator (no role at Riverside) gets "not found" or "forbidden" for a GET and for a
  POST (or "method not allowed"), never a page, a redirect, a form's error or a server error, and a
  POST changes nothing (no audit event, no new row in the tables a POST would write);
- nobody signed in is sent to sign in (pages) or refused (API), or told the method is not allowed (a
  GET of a form's target).

The partner councils' combined pages (``/all/``) belong to nobody's council: Hillcrest's
administrator and communications officer sees them without a word of Riverside's. And every route of
the URL map but the ways in asks a person with an authenticator for their code before anything else.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.crawl import crawl, outsider_made, routes, table_counts
from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant

pytestmark = pytest.mark.sqlite_only  # permissions do not depend on the database; the crawl is costly

COUNCIL_ROUTES = ("c/<slug:slug>/", "api/councils/<slug:slug>/")
# Where a session without its code may go: signing in and out, setting up two-factor, the single sign-on's
# and the platforms' returns, the health check (which says nothing to such a session) and the API's schema.
TWO_FACTOR_EXEMPT = (
    "sign-in/",
    "sign-out/",
    "account/two-factor/",
    "oidc/",
    "connections/oauth/",
    "healthz",
    "api/openapi.json",
)


def _address(route: str) -> str:
    """A route's address at Riverside with the id 1 (and "x" for any other part)."""
    path = re.sub(r"<slug:slug>", "riverside", route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x", path)


@pytest.fixture
def outsider(demo_councils: dict[str, Council]) -> User:
    return outsider_made(demo_councils["hillcrest"])


def test_every_council_route_is_closed_to_another_councils_administrator_and_to_nobody_signed_in(
    demo_councils: dict[str, Council], outsider: User
) -> None:
    council_routes = [r for r in routes() if r.startswith(COUNCIL_ROUTES)]
    assert len(council_routes) > 150, "the URL map was not read"
    examples = crawl().examples
    reached = [r for r in council_routes if r in examples]
    assert len(reached) > 0.6 * len(council_routes), f"the crawl reached {len(reached)} of {len(council_routes)} routes"
    addresses = {route: examples.get(route) or _address(route) for route in council_routes}

    client = Client(raise_request_exception=False)
    client.force_login(outsider)
    anonymous = Client(raise_request_exception=False)
    events, before = AuditEvent.objects.count(), table_counts()
    wrong: list[str] = []
    for address in sorted(addresses.values()):
        api = address.startswith("/api/")
        got = client.get(address).status_code
        if got not in (403, 404, 405):
            wrong.append(f"GET {address} as Hillcrest's administrator: {got}")
        got = client.post(address, {"text": "x", "reason": "x", "status": "resolved"}).status_code
        if got not in (403, 404, 405):
            wrong.append(f"POST {address} as Hillcrest's administrator: {got}")
        for method in ("GET", "POST"):
            response = anonymous.generic(method, address)
            if method == "GET" and response.status_code == 405:
                continue  # a form's target: the method is refused before anything is read
            if api and response.status_code not in (401, 403):
                wrong.append(f"{method} {address} signed out: {response.status_code}")
            if not api and not (response.status_code == 302 and "/sign-in/" in response["Location"]):
                wrong.append(f"{method} {address} signed out: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)
    assert AuditEvent.objects.count() == events
    after = table_counts()
    grown = {table: after[table] - n for table, n in before.items() if after[table] != n}
    # The sign-in attempts' own records (django-axes) and sessions may move; nothing of a council's may.
    assert not {t: n for t, n in grown.items() if not t.startswith(("axes_", "django_session"))}, grown


def test_the_combined_pages_show_another_councils_administrator_nothing_of_riverside(
    demo_councils: dict[str, Council], outsider: User
) -> None:
    membership_grant(
        actor=None, council=demo_councils["hillcrest"], user=outsider, role="comms"
    )  # approvals, inbox too
    client = Client()
    client.force_login(outsider)
    combined = [r for r in routes() if r.startswith("all/") and "<" not in r]
    shown = 0
    for route in combined:
        response = client.get("/" + route)
        assert response.status_code in (200, 302, 403, 404, 405), f"/{route}: {response.status_code}"
        if response.status_code == 200:
            assert b"Riverside" not in response.content, f"/{route} shows Riverside to Hillcrest's administrator"
            shown += b"Hillcrest" in response.content
    assert shown >= 5, "the combined pages showed nothing of Hillcrest either"


def test_every_route_asks_a_person_with_an_authenticator_for_their_code_first(
    demo_councils: dict[str, Council],
) -> None:
    """Riverside's administrator has an authenticator but has not entered a code in this session: every page
    sends them to enter it and every API answer refuses them, whatever the method (README, "Two-factor")."""
    admin = User.objects.get(email="admin@riverside.example")
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    examples = crawl().examples
    signed_in_routes = [r for r in routes() if not r.startswith(TWO_FACTOR_EXEMPT)]
    assert len(signed_in_routes) > 200
    wrong: list[str] = []
    for route in signed_in_routes:
        address = examples.get(route) or _address(route)
        for method in ("GET", "POST"):
            response = client.generic(method, address)
            if response.status_code == 405:
                continue  # a form's target asked by GET: refused before anything is read
            if address.startswith("/api/"):
                if response.status_code not in (401, 403):
                    wrong.append(f"{method} {address}: {response.status_code}")
            elif not (response.status_code == 302 and response["Location"].startswith("/sign-in/code/")):
                wrong.append(f"{method} {address}: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)
