"""The inbox list's choices that follow the council's own records (the people who work the inbox, the teams,
the listening queries), printed once and kept in the process's cache under the council's choices version.

The version (``ChoicesStamp``) is stored in the database, so every web process sees it move, and is moved in
the same transaction by any change to what the choices show: a person given or losing a role, a person's
name or address changed, a team or a listening query added, renamed or removed (the receivers below). A page
reads the version (one small statement) and, while it stands, the choices kept under it; the option chosen
by the filters is marked on the kept text. The accounts (channels) are read afresh on every page
(``page_reads.list_reads``): they depend on the person and on which accounts hold items.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from markupsafe import escape

from townsquare.accounts.models import User
from townsquare.councils.models import Council, Membership, Service
from townsquare.inbox.models import ChoicesStamp
from townsquare.inbox.selectors import assignable_people, council_services
from townsquare.listening.models import ListeningQuery

KEEP_SECONDS = 600
# Saving these fields alone changes nothing the choices show (signing in records ``last_login``).
UNSHOWN_USER_FIELDS = frozenset({"last_login", "password"})


def stamp_raise(*, council_ids: Iterable[int]) -> None:
    """A new version for each council: whatever was kept under the old one is no longer read."""
    for council_id in sorted(set(council_ids)):
        ChoicesStamp.objects.update_or_create(council_id=council_id, defaults={"version": uuid.uuid4().hex})


def stamp_of(council_id: int) -> str:
    """The council's choices version ("-" before any change was recorded: nothing was kept under another)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {ChoicesStamp._meta.db_table} WHERE council_id = %s", [council_id])  # noqa: S608
        row = cursor.fetchone()
    return str(row[0]) if row else "-"


def option_tags(choices: Iterable[tuple[Any, Any]], *, blank: str = "") -> str:
    """``<option>`` elements for ``(value, label)`` pairs, none chosen, ``blank`` first with the empty value
    when given; values and labels escaped by MarkupSafe's compiled ``escape``."""
    head = f'<option value="">{escape(blank)}</option>' if blank else ""
    return head + "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in choices)


def option_chosen(tags: str, chosen: Any) -> str:
    """``tags`` (from ``option_tags``) with the option of value ``chosen`` selected (none for None or "")."""
    picked = "" if chosen is None else str(chosen)
    if not picked:
        return tags
    plain = f'<option value="{escape(picked)}">'
    return tags.replace(plain, f'<option value="{escape(picked)}" selected>', 1)


def _assignees(council: Council) -> list[tuple[str, str]]:
    """The "assigned to" filter's choices: anyone, me, no one, each person, each team."""
    people = [
        (str(pk), name or email)
        for pk, name, email in assignable_people(council).values_list("pk", "full_name", "email")
    ]
    teams = [(f"service:{pk}", f"Team: {name}") for pk, name in council_services(council).values_list("pk", "name")]
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


def _printed(council: Council) -> dict[str, str]:
    people = _assignees(council)
    services = council_services(council).values_list("pk", "name")
    queries = ListeningQuery.objects.filter(council=council).order_by("name", "pk").values_list("pk", "name")
    return {
        "assignee": option_tags(people),
        "service": option_tags(services, blank="All services"),
        "listening": option_tags(queries, blank="Any or none"),
        "bulk_assign": option_tags(_bulk_assign(people)),
    }


def council_choices(council: Council, *, stamp: str | None = None) -> dict[str, str]:
    """The council's people, teams and listening queries as the list page's ``<option>`` elements, none
    chosen: kept under the council's choices version (``stamp``, when the page has just read it), printed
    afresh when it moves."""
    key = f"inbox:choices:{council.pk}:{stamp if stamp is not None else stamp_of(council.pk)}"
    found: dict[str, str] | None = cache.get(key)
    if found is None:
        found = _printed(council)
        cache.set(key, found, KEEP_SECONDS)
    return found


def _on_council_record(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Council):
        return  # the council itself is being removed, and its version with it
    stamp_raise(council_ids=[instance.council_id])


def _on_user(sender: Any, instance: User, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= UNSHOWN_USER_FIELDS:
        return
    if kwargs.get("created"):
        return  # a new person has no role yet; the role given to them moves the version
    stamp_raise(council_ids=Membership.objects.filter(user_id=instance.pk).values_list("council_id", flat=True))


for _model in (Membership, Service, ListeningQuery):
    post_save.connect(_on_council_record, sender=_model, dispatch_uid=f"inbox-choices-{_model.__name__}-saved")
    post_delete.connect(_on_council_record, sender=_model, dispatch_uid=f"inbox-choices-{_model.__name__}-deleted")
post_save.connect(_on_user, sender=User, dispatch_uid="inbox-choices-user-saved")
