"""The inbox list's choices (filters and bulk actions), each select's options printed here in one go: a
template loop costs tens of microseconds an option, and the list page has over a hundred of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from townsquare.channels.models import Platform
from townsquare.classify.categories import CATEGORIES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.selectors import Filters, assignable_people, council_services, item_channels
from townsquare.listening.models import ListeningQuery


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


_SELECTED = " selected"


def select_options(choices: Iterable[tuple[Any, Any]], chosen: Any = None, *, blank: str = "") -> SafeString:
    """``<option>`` elements for ``(value, label)`` pairs, the one equal to ``chosen`` selected; ``blank``
    first with the empty value when given. Values and labels escaped by MarkupSafe's compiled ``escape``."""
    picked = "" if chosen is None else str(chosen)
    head = f'<option value="">{escape(blank)}</option>' if blank else ""
    rows = "".join(
        f'<option value="{escape(v)}"{_SELECTED if picked and str(v) == picked else ""}>{escape(label)}</option>'
        for v, label in choices
    )
    return mark_safe(head + rows)  # noqa: S308 - every value escaped


def assignees(council: Council) -> list[tuple[str, str]]:
    """The "assigned to" filter's choices: anyone, me, no one, each person, each team."""
    people = [(str(p.pk), p.full_name or p.email) for p in assignable_people(council)]
    teams = [(f"service:{s.pk}", f"Team: {s.name}") for s in council_services(council)]
    return [("", "Anyone or no one"), ("me", "Me"), ("none", "No one"), *people, *teams]


def _bulk_assign(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Give the chosen items to a person, a team, or the next in turn in a team."""
    found = [("", "No one")]
    for value, label in choices:
        if value.startswith("service:"):
            found += [(value, label), (f"roundrobin:{value[8:]}", f"{label}: next in turn")]
        elif value and value not in ("me", "none"):
            found.append((f"person:{value}", label))
    return found


def list_options(council: Council, visible: Any, filters: Filters) -> dict[str, SafeString]:
    """Every select of the list page, the filters' current values chosen."""
    people = assignees(council)
    services = council_services(council).values_list("pk", "name")
    statuses = ReceivedItem.Status.choices
    queries = ListeningQuery.objects.filter(council=council).values_list("pk", "name")
    return {
        "status": select_options(statuses, filters.status, blank="Any status"),
        "assignee": select_options(people, filters.assignee or ""),
        "service": select_options(services, filters.service, blank="All services"),
        "channel": select_options(item_channels(council, visible), filters.channel, blank="All accounts"),
        "platform": select_options(Platform.choices, filters.platform, blank="All platforms"),
        "category": select_options(
            ((c, _capfirst(c.replace("_", " "))) for c in CATEGORIES), filters.category, blank="All categories"
        ),
        "sentiment": select_options(((s, _capfirst(s)) for s in SENTIMENTS), filters.sentiment, blank="Any sentiment"),
        "listening": select_options(queries, filters.listening, blank="Any or none"),
        "bulk_assign": select_options(_bulk_assign(people)),
        "bulk_status": select_options(statuses),
    }
