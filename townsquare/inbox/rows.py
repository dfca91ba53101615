"""The inbox list's rows: each item's display fields worked out here for the whole page in a few queries (the
items with their account, service and assignee; listening matches; service-level clocks; who is looking),
then printed here too (``rows_html``): the template loop cost about 60 µs a row, this a tenth of that."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.page_reads import RowNames, listening_names, row_names
from townsquare.inbox.presence import looking_at_each
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
STATUSES = dict(ReceivedItem.Status.choices)
LEVELS = dict(ItemPriority.Level.choices)


def row_values(items: QuerySet[ReceivedItem]) -> QuerySet[Any]:
    """``items`` read as the plain values a row needs (one query on the items alone, the JSON payload left
    unread). The names of their channels, services and people are read afterwards for the page's fifty
    (``page_reads.row_names``): joined here, PostgreSQL spent more time planning the query than running it."""
    return items.values(*FIELDS)


@dataclass(frozen=True)
class Clock:
    text: str
    colour: str  # the GOV.UK tag's colour


@dataclass(frozen=True)
class Row:
    pk: str  # printed as it is (an int would go through number formatting each time)
    received: str
    who: str
    text: str
    flag: str  # "Urgent", "Needs attention" or ""
    looking: str
    listening: tuple[str, ...]
    priority: str
    categories: tuple[str, ...]
    channel: str
    service: str
    status: str
    clocks: tuple[Clock, ...]
    assigned: str


def _clock(view: ClockView) -> Clock:
    colour = "red" if view.overdue or view.text == "missed" else ("green" if view.text == "met" else "yellow")
    return Clock(f"{view.label} {view.text}", colour)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """As the date filter's "j M Y H:i" gives it, in ``zone`` (a tenth of its cost)."""
    if value is None:
        return ""
    at = value.astimezone(zone)
    return f"{at.day} {MONTHS[at.month - 1]} {at.year} {at.hour:02d}:{at.minute:02d}"


def _short(text: str, most: int = 140) -> str:
    """As the truncatechars filter: at most ``most`` characters, the last an ellipsis when cut."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _label(category: Any) -> str:
    text = str(category).replace("_", " ")
    return text[:1].upper() + text[1:]


def _assigned(v: dict[str, Any], names: RowNames) -> str:
    person = names.people.get(v["assignee_id"])
    if person:
        return person
    team = names.services.get(v["assigned_service_id"])
    return f"Team: {team}" if team else "No one"


def page_rows(council: Council, values: Sequence[dict[str, Any]], *, viewer: Any) -> list[Row]:
    """The rows of a page of items read by ``row_values``, in the same order."""
    ids = [v["pk"] for v in values]
    if not ids:
        return []
    listening = listening_names(ids)
    names = row_names(values)
    clocks = clocks_for_items(council, ids, running_only=True)
    looking = looking_at_each(ids, besides=viewer)
    rows = []
    zone = timezone.get_current_timezone()
    for v in values:
        pk = v["pk"]
        flag = ""
        if v["risk"] == "urgent":
            flag = "Urgent"
        elif v["needs_attention"] or v["malformed"]:
            flag = "Needs attention"
        rows.append(
            Row(
                pk=str(pk),
                received=_when(v["received_at"], zone),
                who=v["author_name"] or v["author_handle"] or "Unknown author",
                text=_short(v["text"] or ""),
                flag=flag,
                looking=", ".join(looking.get(pk, [])),
                listening=tuple(listening.get(pk, [])),
                priority=LEVELS.get(names.priorities.get(pk, ""), ""),
                categories=tuple(_label(c) for c in (v["categories"] or [])),
                channel=names.channels.get(v["channel_id"], ""),
                service=names.services.get(v["service_id"]) or "Not routed",
                status=STATUSES.get(v["status"], v["status"]),
                clocks=tuple(_clock(c) for c in clocks.get(pk, [])),
                assigned=_assigned(v, names),
            )
        )
    return rows


def _tags(texts: Sequence[str], colour: str, before: str = "") -> str:
    """GOV.UK tags, each text escaped (``colour`` is one of this module's own names)."""
    return "".join(
        f'<strong class="govuk-tag govuk-tag--{colour}">{escape(before)}{escape(t)}</strong> ' for t in texts
    )


CHOOSE = (
    '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small">'
    '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" name="items" '
    'value="{0}" id="choose-{0}" form="inbox-bulk"><label class="govuk-label govuk-checkboxes__label" '
    'for="choose-{0}"><span class="govuk-visually-hidden">Choose the item from {1}</span></label></div></div></td>'
)
ROW = (
    '<tr class="govuk-table__row">{choose}<td class="govuk-table__cell">{received}</td>'
    '<td class="govuk-table__cell"><a class="govuk-link" href="/c/{slug}/inbox/{pk}/">{who}</a> {flag}{looking}'
    '<br><span class="govuk-body-s">{text}</span>{listening}{priority}{categories}</td>'
    '<td class="govuk-table__cell">{channel}</td><td class="govuk-table__cell">{service}</td>'
    '<td class="govuk-table__cell">{status}{clocks}</td><td class="govuk-table__cell">{assigned}</td></tr>'
)


def rows_html(rows: Sequence[Row], *, slug: str, can_work: bool) -> SafeString:
    """The table body's rows: every value escaped by MarkupSafe's compiled ``escape`` (fifty rows of a dozen
    values each are the inbox page's largest cost when built through ``format_html``)."""
    printed = []
    for row in rows:
        who, pk = escape(row.who), escape(row.pk)
        printed.append(
            ROW.format(
                choose=CHOOSE.format(pk, who) if can_work else "",
                received=escape(row.received),
                slug=escape(slug),
                pk=pk,
                who=who,
                flag=_tags([row.flag], "red") if row.flag else "",
                looking=_tags([f"{row.looking} looking now"], "yellow") if row.looking else "",
                text=escape(row.text),
                listening="<br>" + _tags(row.listening, "purple", "Listening: ") if row.listening else "",
                priority=_tags([f"{row.priority} priority"], "orange") if row.priority else "",
                categories="<br>" + _tags(row.categories, "grey") if row.categories else "",
                channel=escape(row.channel),
                service=escape(row.service),
                status=escape(row.status),
                clocks="<br>"
                + "".join(
                    f'<strong class="govuk-tag govuk-tag--{c.colour}">{escape(c.text)}</strong> ' for c in row.clocks
                )
                if row.clocks
                else "",
                assigned=escape(row.assigned),
            )
        )
    return mark_safe("\n".join(printed))  # noqa: S308 - every value above is escaped
