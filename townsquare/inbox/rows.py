"""The inbox list's rows: what each item shows, read for the whole page in a few queries (the items; the names
of their accounts, services and people; listening matches; service-level clocks; who is looking), and printed
here as HTML: the template loop cost about 60 µs a row, and a row worked out first and printed after about
twice what printing it at once costs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.page_reads import row_names
from townsquare.inbox.presence import GONE_AFTER
from townsquare.inbox.service_levels import ClockView, clocks_for_items
from townsquare.listening.models import ItemPriority

FIELDS = (
    "pk",
    "received_at",
    "author_name",
    "author_handle",
    "text",
    "risk",
    "needs_attention",
    "malformed",
    "categories",
    "status",
    "channel_id",
    "service_id",
    "assignee_id",
    "assigned_service_id",
)


def row_values(items: QuerySet[ReceivedItem]) -> QuerySet[Any]:
    """``items`` read as the plain values a row needs (one query on the items alone, the JSON payload left
    unread). The names of their channels, services and people are read afterwards for the page's fifty
    (``page_reads.row_names``): joined here, PostgreSQL spent more time planning the query than running it."""
    return items.values(*FIELDS)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """As the date filter's "j M Y H:i" gives it, in ``zone`` (a tenth of its cost); nothing to escape."""
    if value is None:
        return ""
    at = value.astimezone(zone)
    return f"{at.day} {MONTHS[at.month - 1]} {at.year} {at.hour:02d}:{at.minute:02d}"


def _short(text: str, most: int = 140) -> str:
    """As the truncatechars filter: at most ``most`` characters, the last an ellipsis when cut."""
    return text if len(text) <= most else text[: most - 1] + "…"


@lru_cache(maxsize=4096)
def _tag(colour: str, text: str) -> str:
    """A GOV.UK tag, ``text`` escaped (``colour`` is one of this module's own names), and the space after it.
    The same few dozen (statuses' clocks, categories, priorities, flags) fill every page: each printed once."""
    return f'<strong class="govuk-tag govuk-tag--{colour}">{escape(text)}</strong> '


@lru_cache(maxsize=256)
def _category(category: str) -> str:
    text = category.replace("_", " ")
    return _tag("grey", text[:1].upper() + text[1:])


def _clock(view: ClockView) -> str:
    colour = "red" if view.overdue or view.text == "missed" else ("green" if view.text == "met" else "yellow")
    return _tag(colour, f"{view.label} {view.text}")


def _escaped(names: dict[int, str]) -> dict[int, str]:
    return {pk: str(escape(name)) for pk, name in names.items()}


STATUSES = {value: str(escape(label)) for value, label in ReceivedItem.Status.choices}
LEVELS = {value: _tag("orange", f"{label} priority") for value, label in ItemPriority.Level.choices}
URGENT, ATTENTION = _tag("red", "Urgent"), _tag("red", "Needs attention")


def page_rows(council: Council, values: Sequence[dict[str, Any]], *, viewer: Any, can_work: bool) -> list[str]:
    """The table rows of a page of items read by ``row_values``, in the same order, as HTML: every value
    from the database escaped by MarkupSafe's compiled ``escape`` (the account, service and people names
    once a page, the tags once a process), the rest printed here from fixed text."""
    ids = [v["pk"] for v in values]
    if not ids:
        return []
    now = timezone.now()
    names = row_names(values, besides=getattr(viewer, "pk", None), since=now - GONE_AFTER)
    listening, looking = names.listening, names.looking
    clocks = clocks_for_items(council, ids, now=now, running_only=True)
    channels, services, people = _escaped(names.channels), _escaped(names.services), _escaped(names.people)
    zone = timezone.get_current_timezone()
    link = f"/c/{escape(council.slug)}/inbox/"
    rows = []
    for v in values:
        pk = v["pk"]
        who = escape(v["author_name"] or v["author_handle"] or "Unknown author")
        flag = URGENT if v["risk"] == "urgent" else (ATTENTION if v["needs_attention"] or v["malformed"] else "")
        seen = looking.get(pk)
        caught = listening.get(pk)
        categories = v["categories"]
        open_clocks = clocks.get(pk)
        choose = (
            '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small">'
            '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" '
            f'name="items" value="{pk}" id="choose-{pk}" form="inbox-bulk"><label class="govuk-label '
            f'govuk-checkboxes__label" for="choose-{pk}"><span class="govuk-visually-hidden">Choose the item from '
            f"{who}</span></label></div></div></td>"
            if can_work
            else ""
        )
        person = people.get(v["assignee_id"])
        team = services.get(v["assigned_service_id"])
        rows.append(
            f'<tr class="govuk-table__row">{choose}<td class="govuk-table__cell">{_when(v["received_at"], zone)}</td>'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{link}{pk}/">{who}</a> {flag}'
            + (_tag("yellow", f"{', '.join(seen)} looking now") if seen else "")
            + f'<br><span class="govuk-body-s">{escape(_short(v["text"] or ""))}</span>'
            + ("<br>" + "".join(_tag("purple", f"Listening: {name}") for name in caught) if caught else "")
            + LEVELS.get(names.priorities.get(pk, ""), "")
            + ("<br>" + "".join(_category(str(c)) for c in categories) if categories else "")
            + f'</td><td class="govuk-table__cell">{channels.get(v["channel_id"], "")}</td>'
            f'<td class="govuk-table__cell">{services.get(v["service_id"]) or "Not routed"}</td>'
            f'<td class="govuk-table__cell">{STATUSES.get(v["status"]) or escape(v["status"])}'
            + ("<br>" + "".join(_clock(c) for c in open_clocks) if open_clocks else "")
            + f'</td><td class="govuk-table__cell">{person or (f"Team: {team}" if team else "No one")}</td></tr>'
        )
    return rows


def rows_html(rows: Sequence[str]) -> SafeString:
    """The table body's rows (from ``page_rows``), one a line."""
    return mark_safe("\n".join(rows))  # noqa: S308 - page_rows escapes every value
