"""The small reads of every inbox list page, each one fixed statement: the ORM spent a millisecond or more of
CPU building each of them, several times what the database takes to answer. Table and column names come
from the models; every value is bound.

``channel_ids`` is what the person may see: None for the whole council (those who see the register), else
the ids of their own channels (possibly none, and then nothing is found)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Service
from townsquare.inbox.models import ChoicesStamp, ItemPresence, ReceivedItem, SavedView
from townsquare.inbox.service_level_models import ItemTarget, UrgentItem
from townsquare.listening.models import ItemPriority, ListeningMatch, ListeningQuery
from townsquare.notifications.models import Notification
from townsquare.sqlrows import among

ITEMS = ReceivedItem._meta.db_table
_SAVED = f"FROM {SavedView._meta.db_table} WHERE user_id = %s AND council_id = %s"  # a person's views at a council
COUNT_CAP = 100  # counts shown as "100 or more" past this (a badge, not a report: the queues list them all)


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _on_channels(column: str, channel_ids: Sequence[int] | None) -> tuple[str, list[int]]:
    """The condition limiting ``column`` (an item's channel) to ``channel_ids``, and its parameters."""
    if channel_ids is None:
        return "", []
    if not channel_ids:
        return " AND 1 = 0", []
    condition, params = among(column, channel_ids)
    return f" AND {condition}", params


def held_channels(council_id: int, channel_ids: Sequence[int] | None) -> list[tuple[int, str]]:
    """(id, name) of the council's channels, among ``channel_ids``, holding at least one item, by name: one
    probe of the channel's index a channel (an item is on its channel's council), not reading every item."""
    held, params = _held(council_id, channel_ids)
    return [(pk, name) for pk, name in _rows(f"SELECT c.id, c.name {held} ORDER BY c.name, c.id", params)]


def _held(council_id: int, channel_ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    """``FROM … WHERE …`` of ``held_channels`` (channels as ``c``), and its parameters."""
    where, params = _on_channels("c.id", channel_ids)
    sql = (
        f"FROM {Channel._meta.db_table} c WHERE c.council_id = %s{where} "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {ITEMS} i WHERE i.channel_id = c.id)"
    )
    return sql, [council_id, *params]


def _attention_parts(council_id: int, channel_ids: Sequence[int] | None, now: dt.datetime) -> tuple[str, list[Any]]:
    """The two counts of ``attention_counts`` as scalar subqueries (``urgent, late``), and their parameters.
    Each urgent or late item looks up its own item (``EXISTS``): the items are millions, and a join let SQLite
    read the items first."""
    where, params = _on_channels("i.channel_id", channel_ids)
    at = connection.ops.adapt_datetimefield_value(now)
    # A clock is on an item of its own council: only someone limited to some accounts needs each late
    # clock's item looked up.
    late_items = (
        f" AND EXISTS (SELECT 1 FROM {ITEMS} i WHERE i.id = t.item_id AND i.council_id = %s{where})"  # noqa: S608
        if channel_ids is not None
        else ""
    )
    sql = (
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {UrgentItem._meta.db_table} u "  # noqa: S608
        f"WHERE u.council_id = %s AND EXISTS (SELECT 1 FROM {ITEMS} i WHERE i.id = u.item_id "
        f"AND i.council_id = %s AND i.status <> %s{where}) LIMIT %s) urgent), "
        f"(SELECT COUNT(*) FROM (SELECT DISTINCT t.item_id FROM {ItemTarget._meta.db_table} t "
        f"WHERE t.council_id = %s AND t.finished_at IS NULL AND t.due_at <= %s{late_items} LIMIT %s) late)"
    )
    resolved = ReceivedItem.Status.RESOLVED.value
    late_params = [council_id, *params] if channel_ids is not None else []
    return sql, [council_id, council_id, resolved, *params, COUNT_CAP, council_id, at, *late_params, COUNT_CAP]


def attention_counts(council_id: int, channel_ids: Sequence[int] | None, *, now: dt.datetime) -> tuple[int, int]:
    """(urgent items not yet resolved, items past a service-level target), of those the person may see,
    each counted up to ``COUNT_CAP``: a council with a backlog sees "100 or more" on every page (the urgent
    and overdue queues list them all), and no page counts a backlog of thousands again (1,000 of them cost
    SQLite 6 ms a page)."""
    sql, params = _attention_parts(council_id, channel_ids, now)
    row = _rows(f"SELECT {sql}", params)[0]
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class ListReads:
    """The list page's small reads: the council's choices version (``choices.stamp_of``), the items stored but
    not fully processed (``needs_attention``) of those the person may see, the urgent and overdue counts
    (``attention_counts``), the person's unread notifications, the accounts that hold items
    (``held_channels``) and the person's saved views (``saved_views_of``)."""

    stamp: str
    flagged: int
    urgent: int
    overdue: int
    unread: int
    channels: list[tuple[int, str]]
    saved_views: list[dict[str, Any]]


def list_reads(council_id: int, channel_ids: Sequence[int] | None, *, user_id: int, now: dt.datetime) -> ListReads:
    """What ``ListReads`` names, in one statement (each was a statement of its own): a row of the single
    values (kind 0), then the accounts (1) and the saved views (2), each by name then id."""
    where, params = _on_channels("channel_id", channel_ids)
    attention, attention_params = _attention_parts(council_id, channel_ids, now)
    held, held_params = _held(council_id, channel_ids)
    sql = (
        f"SELECT 0, (SELECT COUNT(*) FROM {ITEMS} WHERE council_id = %s AND needs_attention{where}), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL), {attention}, "
        f"(SELECT version FROM {ChoicesStamp._meta.db_table} WHERE council_id = %s), '' "
        f"UNION ALL SELECT 1, c.id, 0, 0, 0, c.name, '' {held} "
        f"UNION ALL SELECT 2, id, 0, 0, 0, name, query {_SAVED} ORDER BY 1, 6, 2"
    )
    bound = [council_id, *params, user_id, *attention_params, council_id, *held_params, user_id, council_id]
    figures: tuple[Any, ...] = ()
    channels: list[tuple[int, str]] = []
    saved: list[dict[str, Any]] = []
    for kind, number, *rest, text, query in _rows(sql, bound):
        if kind == 0:
            figures = (number, *rest, text)
        elif kind == 1:
            channels.append((number, text))
        else:
            saved.append({"pk": number, "name": text, "query": query})
    flagged, unread, urgent, overdue, stamp = figures
    return ListReads(
        stamp=str(stamp) if stamp is not None else "-",
        flagged=int(flagged),
        urgent=int(urgent),
        overdue=int(overdue),
        unread=int(unread),
        channels=channels,
        saved_views=saved,
    )


def looking_names(item_ids: Sequence[int], *, besides: int | None, since: dt.datetime) -> dict[int, list[str]]:
    """Who has each item open (a beat since ``since``), besides the person ``besides``, by item id."""
    if not item_ids:
        return {}
    condition, params = among("p.item_id", item_ids)
    sql = (
        f"SELECT p.item_id, u.full_name, u.email FROM {ItemPresence._meta.db_table} p "  # noqa: S608
        f"JOIN {User._meta.db_table} u ON u.id = p.user_id "
        f"WHERE {condition} AND p.seen_at >= %s AND p.user_id <> %s ORDER BY p.seen_at"
    )
    found: dict[int, list[str]] = {}
    at = connection.ops.adapt_datetimefield_value(since)
    for item_id, full_name, email in _rows(sql, [*params, at, besides if besides is not None else -1]):
        found.setdefault(item_id, []).append(full_name or email)
    return found


def saved_views_of(user_id: int, council_id: int) -> list[dict[str, Any]]:
    """The person's saved views at the council (id, name, query), by name."""
    sql = f"SELECT id, name, query {_SAVED} ORDER BY name, id"
    return [{"pk": pk, "name": name, "query": query} for pk, name, query in _rows(sql, [user_id, council_id])]


@dataclass(frozen=True)
class RowNames:
    """What a page of items' ids name: channels and services (id to name), people (id to full name, else
    e-mail address), the priority a trigger or person set (item id to level), the listening queries that
    caught each item (item id to names, the latest match first) and who else has it open (item id to names,
    the earliest first)."""

    channels: dict[int, str]
    services: dict[int, str]
    people: dict[int, str]
    priorities: dict[int, str]
    listening: dict[int, list[str]]
    looking: dict[int, list[str]]


def _ids(values: Sequence[dict[str, Any]], *columns: str) -> list[int]:
    return sorted({v[c] for v in values for c in columns if v[c] is not None})


def row_names(values: Sequence[dict[str, Any]], *, besides: int | None, since: dt.datetime) -> RowNames:
    """The names a page of items (rows of ``channel_id``, ``service_id``, ``assignee_id``,
    ``assigned_service_id`` and ``pk``) shows, in one statement of six small reads by key: who has an item
    open counts from a beat since ``since``, the person ``besides`` left out (see ``looking_names``)."""
    parts: list[str] = []
    params: list[Any] = []
    items = _ids(values, "pk")
    match, query = ListeningMatch._meta.db_table, ListeningQuery._meta.db_table
    presence, user = ItemPresence._meta.db_table, User._meta.db_table
    teams, caught = _ids(values, "service_id", "assigned_service_id"), f"{match} m JOIN {query} q ON q.id = m.query_id"
    # Table and column names from the models; every id bound. The reads with a time come first: PostgreSQL
    # types a UNION's columns pair by pair, and two NULLs first would make the time column text.
    reads = (
        ("'l', m.item_id, q.name, '', m.at, m.id", caught, "m.item_id", items, ""),
        (
            "'w', p.item_id, u.full_name, u.email, p.seen_at, p.id",
            f"{presence} p JOIN {user} u ON u.id = p.user_id",
            "p.item_id",
            items,
            " AND p.seen_at >= %s AND p.user_id <> %s",
        ),
        ("'c', id, name, '', NULL, 0", Channel._meta.db_table, "id", _ids(values, "channel_id"), ""),
        ("'s', id, name, '', NULL, 0", Service._meta.db_table, "id", teams, ""),
        ("'u', id, full_name, email, NULL, 0", user, "id", _ids(values, "assignee_id"), ""),
        ("'p', item_id, level, '', NULL, 0", ItemPriority._meta.db_table, "item_id", items, ""),
    )
    for columns, table, key, ids, more in reads:
        if ids:
            condition, bound = among(key, ids)
            parts.append(f"SELECT {columns} FROM {table} WHERE {condition}{more}")  # noqa: S608
            params += bound
            if more:
                params += [connection.ops.adapt_datetimefield_value(since), besides if besides is not None else -1]
    found: dict[str, dict[int, str]] = {"c": {}, "s": {}, "u": {}, "p": {}}
    listed: dict[str, dict[int, list[tuple[Any, int, str]]]] = {"l": {}, "w": {}}
    if parts:
        for kind, pk, name, email, at, order in _rows(" UNION ALL ".join(parts), params):
            if kind in listed:
                listed[kind].setdefault(pk, []).append((at, order, name or email))
            else:
                found[kind][pk] = name or email
    return RowNames(
        channels=found["c"],
        services=found["s"],
        people=found["u"],
        priorities=found["p"],
        listening={pk: [name for *_, name in sorted(got, reverse=True)] for pk, got in listed["l"].items()},
        looking={pk: [name for *_, name in sorted(got)] for pk, got in listed["w"].items()},
    )
