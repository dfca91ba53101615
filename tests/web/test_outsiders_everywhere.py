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
administrator and communications officer sees them without a word of Riverside's.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant

pytestmark = pytest.mark.sqlite_only  # permissions do not depend on the database; the crawl is costly

INSIDERS = tuple(
    f"{role}@riverside.example" for role in ("admin", "comms", "auditor", "governance", "officer", "councillor")
)
LINK = re.compile(r"""(?:href|action|hx-get|hx-post)="(/[^"#]*)""")
SKIP_PREFIXES = ("/static/", "/media/", "/sign-out/")
PAGE_LIMIT = 700
COUNCIL_ROUTES = ("c/<slug:slug>/", "api/councils/<slug:slug>/")


def _routes() -> list[str]:
    """Every route of the URL map as its pattern text (``c/<slug:council>/posts/<int:pk>/``)."""
    found: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver(), "")
    return found


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawl(emails: tuple[str, ...]) -> dict[str, str]:
    """One real address for each route reached by following Riverside's pages as its own people, each
    person opening one address of every route they reach."""
    examples: dict[str, str] = {}
    for email in emails:
        client = Client()
        client.force_login(User.objects.get(email=email))
        queue, seen = deque(["/c/riverside/", "/c/riverside/governance/", "/c/riverside/inbox/"]), set()
        while queue and len(seen) < PAGE_LIMIT:
            path = queue.popleft()
            route = _route_of(urlsplit(path).path)
            if route is None or route in seen:
                continue
            seen.add(route)
            examples.setdefault(route, path)
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                target = urlsplit(link).path
                if link.startswith(SKIP_PREFIXES) or not target.startswith("/c/riverside/"):
                    continue
                new_route = _route_of(target)
                if new_route is not None and new_route not in seen:
                    queue.append(target)
    return examples


def _address(route: str) -> str:
    """A route's address at Riverside with the id 1 (and "x" for any other part)."""
    path = re.sub(r"<slug:slug>", "riverside", route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x", path)


def _counts() -> dict[str, int]:
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def demo(demo_for_module: None, db: None) -> dict[str, Council]:
    return {c.slug: c for c in Council.objects.all()}


@pytest.fixture
def outsider(demo: dict[str, Council]) -> User:
    user = User.objects.create_user("administrator@hillcrest.example", "an outsider's password", full_name="Hill Admin")
    membership_grant(actor=None, council=demo["hillcrest"], user=user, role="admin")
    return user


def test_every_council_route_is_closed_to_another_councils_administrator_and_to_nobody_signed_in(
    demo: dict[str, Council], outsider: User
) -> None:
    routes = [r for r in _routes() if r.startswith(COUNCIL_ROUTES)]
    assert len(routes) > 150, "the URL map was not read"
    examples = _crawl(INSIDERS)
    reached = [r for r in routes if r in examples]
    assert len(reached) > 0.6 * len(routes), f"the crawl reached only {len(reached)} of {len(routes)} routes"
    addresses = {route: examples.get(route) or _address(route) for route in routes}

    client = Client(raise_request_exception=False)
    client.force_login(outsider)
    anonymous = Client(raise_request_exception=False)
    events, before = AuditEvent.objects.count(), _counts()
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
    after = _counts()
    grown = {table: after[table] - n for table, n in before.items() if after[table] != n}
    # The sign-in attempts' own records (django-axes) and sessions may move; nothing of a council's may.
    assert not {t: n for t, n in grown.items() if not t.startswith(("axes_", "django_session"))}, grown


def test_the_combined_pages_show_another_councils_administrator_nothing_of_riverside(
    demo: dict[str, Council], outsider: User
) -> None:
    membership_grant(actor=None, council=demo["hillcrest"], user=outsider, role="comms")  # approvals, inbox too
    client = Client()
    client.force_login(outsider)
    combined = [r for r in _routes() if r.startswith("all/") and "<" not in r]
    shown = 0
    for route in combined:
        response = client.get("/" + route)
        assert response.status_code in (200, 302, 403, 404, 405), f"/{route}: {response.status_code}"
        if response.status_code == 200:
            assert b"Riverside" not in response.content, f"/{route} shows Riverside to Hillcrest's administrator"
            shown += b"Hillcrest" in response.content
    assert shown >= 5, "the combined pages showed nothing of Hillcrest either"
