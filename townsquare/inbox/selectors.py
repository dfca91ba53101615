"""Reading the inbox: what a person may see, filtered, and an item's whole thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from townsquare.accounts.models import User
from townsquare.channels.selectors import channels_visible_to
from townsquare.classify.categories import CATEGORIES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.councils.models import Council, Service
from townsquare.councils.roles import Perm
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.search import search_filter

WORK_PERMS = frozenset({Perm.DRAFT_POSTS, Perm.APPROVE_POSTS, Perm.MANAGE_CHANNELS})


def may_work(perms: frozenset[str]) -> bool:
    """Assigning, changing status, noting and tagging: officers, the communications team and administrators."""
    return bool(perms & WORK_PERMS)


def visible_channel_ids(*, user: Any, council: Council, perms: frozenset[str]) -> list[int] | None:
    """The channels whose items the person may see: None for all the council's (those who see the whole
    register), else the ids of their own channels."""
    if Perm.VIEW_REGISTER in perms:
        return None
    return list(channels_visible_to(user=user, council=council, perms=perms).values_list("pk", flat=True))


def items_on(council: Council, channel_ids: list[int] | None) -> QuerySet[ReceivedItem]:
    """The council's items on ``channel_ids`` (None: on any of its channels)."""
    if channel_ids is None:
        return ReceivedItem.objects.filter(council=council)
    return ReceivedItem.objects.filter(council=council, channel_id__in=channel_ids)


def items_visible_to(*, user: Any, council: Council, perms: frozenset[str]) -> QuerySet[ReceivedItem]:
    """The council's items on the channels the person may see (a service officer: their own channels).

    Checked on every request. Those who see the whole register see every item the council holds, so the
    council alone selects them; anyone else's channels are read first and named by id. Either way the
    database plans the list from the item's own columns, not from a join it cannot estimate (PostgreSQL
    took a subquery of the council's channels for one row and read every item of each channel)."""
    return items_on(council, visible_channel_ids(user=user, council=council, perms=perms))


@dataclass(frozen=True)
class Filters:
    """The inbox's filters, already checked: anything not recognised is left out (and named in ``problems``)."""

    q: str = ""
    channel: int | None = None
    platform: str = ""
    category: str = ""
    sentiment: str = ""
    status: str = ""
    assignee: str = ""  # a person's id, "me", "none", or "service:<id>"
    service: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    listening: int | None = None  # a listening query's id: the items it caught
    problems: tuple[str, ...] = ()


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def filters_parse(params: Any) -> Filters:
    """Read filters from a query string; a value that cannot be read is named in ``problems`` and ignored."""
    problems: list[str] = []
    got = {
        k: str(params.get(k, "")).strip()[:200]
        for k in (
            "q",
            "channel",
            "platform",
            "category",
            "sentiment",
            "status",
            "assignee",
            "service",
            "since",
            "until",
            "listening",
        )
    }
    checks = {
        "channel": lambda v: _int(v) is not None,
        "category": lambda v: v in CATEGORIES,
        "sentiment": lambda v: v in SENTIMENTS,
        "status": lambda v: v in ReceivedItem.Status.values,
        "assignee": lambda v: v in ("me", "none") or v.isdigit() or (v.startswith("service:") and v[8:].isdigit()),
        "service": lambda v: _int(v) is not None,
        "since": lambda v: _date(v) is not None,
        "until": lambda v: _date(v) is not None,
        "listening": lambda v: _int(v) is not None,
    }
    for name, ok in checks.items():
        if got[name] and not ok(got[name]):
            problems.append(f"The {name} filter “{got[name]}” is not one the inbox knows, so it was not applied.")
            got[name] = ""
    return Filters(
        q=got["q"],
        channel=_int(got["channel"]),
        platform=got["platform"],
        category=got["category"],
        sentiment=got["sentiment"],
        status=got["status"],
        assignee=got["assignee"],
        service=_int(got["service"]),
        since=_date(got["since"]),
        until=_date(got["until"]),
        listening=_int(got["listening"]),
        problems=tuple(problems),
    )


def items_filter(items: QuerySet[ReceivedItem], filters: Filters, *, user: Any = None) -> QuerySet[ReceivedItem]:
    f = filters
    if f.channel:
        items = items.filter(channel_id=f.channel)
    if f.platform:
        items = items.filter(channel__platform=f.platform)
    if f.category:
        # Categories are a JSON list: PostgreSQL tests containment (jsonb ``@>``), cheaper row by row than
        # the text match SQLite needs (it has no JSON containment); both names are lower case already.
        if connection.vendor == "postgresql":
            items = items.filter(categories__contains=[f.category])
        else:
            items = items.filter(categories__icontains=f'"{f.category}"')
    if f.sentiment:
        items = items.filter(sentiment=f.sentiment)
    if f.status:
        items = items.filter(status=f.status)
    if f.assignee == "me" and user is not None:
        items = items.filter(assignee=user)
    elif f.assignee == "none":
        items = items.filter(assignee__isnull=True, assigned_service__isnull=True)
    elif f.assignee.startswith("service:"):
        items = items.filter(assigned_service_id=int(f.assignee[8:]))
    elif f.assignee.isdigit():
        items = items.filter(assignee_id=int(f.assignee))
    if f.service:
        items = items.filter(Q(service_id=f.service) | Q(assigned_service_id=f.service))
    if f.since:
        items = items.filter(received_at__date__gte=f.since)
    if f.until:
        items = items.filter(received_at__date__lte=f.until)
    if f.listening:
        items = items.filter(listening_matches__query_id=f.listening)
    if f.q:
        items = search_filter(items, f.q)
    return items


def item_list(items: QuerySet[ReceivedItem]) -> QuerySet[ReceivedItem]:
    return (
        items.select_related("channel", "service", "assignee", "assigned_service", "priority")
        .prefetch_related("listening_matches__query")
        .order_by("-received_at", "-pk")
    )


def item_thread(item: ReceivedItem) -> list[ReceivedItem]:
    """Every item of the thread on the channel, oldest first (the item itself among them)."""
    key = item.thread_key or item.external_id
    return list(
        ReceivedItem.objects.filter(channel_id=item.channel_id)
        .filter(Q(thread_key=key) | Q(external_id=key) | Q(pk=item.pk))
        .select_related("assignee")
        .order_by("created_at", "received_at", "pk")
    )


def assignable_people(council: Council) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__council=council, memberships__role__in=["admin", "comms", "officer"])
        .distinct()
        .order_by("full_name", "pk")
    )


def council_services(council: Council) -> QuerySet[Service]:
    return Service.objects.filter(council=council).order_by("name")
