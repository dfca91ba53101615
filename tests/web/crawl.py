"""Riverside's pages as its own people see them: every route each can reach by following links and forms
from the council's home pages, on the demo, and the forms found on the way (tests/web/test_*_everywhere.py)."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.inbox.models import ReceivedItem

ROLES = ("admin", "comms", "auditor", "governance", "officer", "councillor")
INSIDERS = tuple(f"{role}@riverside.example" for role in ROLES)
OUTSIDER = "administrator@hillcrest.example"
LINK = re.compile(r"""(?:href|action|hx-get|hx-post)="(/[^"#]*)""")
SKIP_PREFIXES = ("/static/", "/media/", "/sign-out/")
STARTS = ("/c/riverside/", "/c/riverside/governance/", "/c/riverside/inbox/")
PAGE_LIMIT = 700


@dataclass
class Form:
    """A form: where it goes, how (``post`` or ``get``), and its fields with the values the page gave them."""

    action: str
    method: str = "post"
    fields: dict[str, str] = field(default_factory=dict)  # text-like fields and selects: their value
    choices: dict[str, list[str]] = field(default_factory=dict)  # selects, checkboxes, radios, buttons: values
    types: dict[str, str] = field(default_factory=dict)  # an input's type, or textarea, select, button
    checked: dict[str, list[str]] = field(default_factory=dict)  # checkboxes and radios ticked on the page


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.open, self.select = page, [], None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.open = Form(a.get("action") or self.page, method=a.get("method", "get").lower())
            self.forms.append(self.open)
        elif self.open is not None and tag == "button" and a.get("name"):
            self.open.choices.setdefault(a["name"], []).append(a.get("value", ""))
            self.open.types[a["name"]] = "button"
        elif self.open is not None and tag in ("input", "textarea", "select") and a.get("name"):
            name, kind = a["name"], a.get("type", "text") if tag == "input" else tag
            self.open.types.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                self.open.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.open.checked.setdefault(name, []).append(a.get("value", "on"))
            elif kind in ("submit", "button", "image"):
                return
            else:
                self.open.fields.setdefault(name, a.get("value", ""))
            if tag == "select":
                self.select = name
        elif self.open is not None and tag == "option" and self.select:
            self.open.choices.setdefault(self.select, []).append(a.get("value", ""))
            if "selected" in a:
                self.open.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None
        elif tag == "select":
            self.select = None


def routes() -> list[str]:
    """Every route of the URL map as its pattern text (``c/<slug:slug>/posts/<int:pk>/``)."""
    found: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver(), "")
    return found


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


@dataclass
class Crawl:
    examples: dict[str, str] = field(default_factory=dict)  # route: one real address
    forms: dict[str, list[tuple[str, Form]]] = field(default_factory=dict)  # route of the action: (email, form)
    searches: dict[str, list[tuple[str, Form]]] = field(default_factory=dict)  # the same for forms that GET


_done: dict[tuple[object, ...], Crawl] = {}  # this process's crawls, by what they were made of


def crawl(emails: tuple[str, ...] = INSIDERS) -> Crawl:
    """Each person opens one address of every Riverside route they reach (the test client raises on a
    server error); the first address seen of each route, and the first form posting to each route for
    each person, are kept. The demo is the same in every test of a process (tests/demo_copy.py), so a
    crawl of the same data is made once a process."""
    key = (emails, tuple(Council.objects.order_by("pk").values_list("pk", "slug")), ReceivedItem.objects.count())
    if key not in _done:
        _done[key] = _crawl(emails)
    return _done[key]


def _crawl(emails: tuple[str, ...]) -> Crawl:
    found = Crawl()
    for email in emails:
        client = Client()
        client.force_login(User.objects.get(email=email))
        queue, seen = deque(STARTS), set()
        while queue and len(seen) < PAGE_LIMIT:
            path = queue.popleft()
            route = route_of(urlsplit(path).path)
            if route is None or route in seen:
                continue
            seen.add(route)
            found.examples.setdefault(route, path)
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = response.content.decode()
            parser = _Forms(path)
            parser.feed(page)
            for form in parser.forms:
                action = route_of(urlsplit(form.action).path)
                if not action or not form.action.startswith("/c/riverside/"):
                    continue
                kept = (found.forms if form.method == "post" else found.searches).setdefault(action, [])
                if all(e != email for e, _ in kept):
                    kept.append((email, form))
            for link in LINK.findall(page):
                link = link.replace("&amp;", "&")
                target = urlsplit(link).path
                if link.startswith(SKIP_PREFIXES) or not target.startswith("/c/riverside/"):
                    continue
                new_route = route_of(target)
                if new_route is not None and new_route not in seen:
                    queue.append(target)
    return found


def table_counts() -> dict[str, int]:
    """How many rows each of the project's tables holds."""
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


# Tables a request may change for anyone: the sign-in attempts' records and the sessions.
IGNORED_TABLES = ("axes_", "django_session")


def changes_made(client: Client, method: str, address: str, data: dict[str, Any]) -> tuple[int, dict[str, int], bool]:
    """Send ``data`` by ``method`` to ``address`` (a dict: a form; anything to the API: JSON): the answer's
    status, the tables whose row count it changed (by how many), and whether it wrote an audit event."""
    events, before = AuditEvent.objects.count(), table_counts()
    if address.startswith("/api/"):
        status = client.generic(method.upper(), address, json.dumps(data), content_type="application/json").status_code
    else:
        status = client.post(address, data).status_code
    after = table_counts()
    changed = {t: after[t] - n for t, n in before.items() if after[t] != n and not t.startswith(IGNORED_TABLES)}
    return status, changed, AuditEvent.objects.count() != events


def outsider_made(council: Council) -> User:
    """``OUTSIDER``: an administrator of ``council`` only (Hillcrest's), with no role at Riverside."""
    outsider = User.objects.filter(email=OUTSIDER).first()
    if outsider is None:
        outsider = User.objects.create_user(OUTSIDER, "an outsider's password", full_name="Hillcrest Administrator")
        membership_grant(actor=None, council=council, user=outsider, role="admin")
    return outsider


def signed_in_clients(emails: Collection[str], outsider_council: Council) -> dict[str, Client]:
    """A client signed in for each person (``OUTSIDER`` made an administrator of ``outsider_council`` where
    asked for); none raises a view's exception, so a server error is a 500 to report."""
    if OUTSIDER in emails:
        outsider_made(outsider_council)
    clients = {}
    for email in emails:
        clients[email] = Client(raise_request_exception=False)
        clients[email].force_login(User.objects.get(email=email))
    return clients
