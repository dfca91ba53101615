"""The inbox list's choices (filters and bulk actions), each select's options printed as text: a template loop
costs tens of microseconds an option, and the list page has over a hundred of them. The fixed choices are
printed once; the council's people, teams and listening queries are kept under its choices version
(``choices``); the accounts are read for each page (they follow the person and which accounts hold items)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.utils.safestring import SafeString, mark_safe

from townsquare.channels.models import Platform
from townsquare.classify.categories import CATEGORIES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.councils.models import Council
from townsquare.inbox.choices import council_choices, option_chosen, option_tags
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.selectors import Filters


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def fixed_choices() -> dict[str, str]:
    """The choices that are the same for every council: statuses, platforms, categories and sentiments."""
    statuses = ReceivedItem.Status.choices
    return {
        "status": option_tags(statuses, blank="Any status"),
        "platform": option_tags(Platform.choices, blank="All platforms"),
        "category": option_tags(((c, _capfirst(c.replace("_", " "))) for c in CATEGORIES), blank="All categories"),
        "sentiment": option_tags(((s, _capfirst(s)) for s in SENTIMENTS), blank="Any sentiment"),
        "bulk_status": option_tags(statuses),
    }


def list_options(
    council: Council, filters: Filters, *, stamp: str, channels: Sequence[tuple[int, str]]
) -> dict[str, SafeString]:
    """Every select of the list page, the filters' current values chosen, from what ``page_reads.list_reads``
    read: the council's choices version (``stamp``) and the accounts the person sees that hold items
    (``channels``, (id, name) by name)."""
    fixed, kept = fixed_choices(), council_choices(council, stamp=stamp)
    chosen = {
        "status": filters.status,
        "assignee": filters.assignee,
        "service": filters.service,
        "platform": filters.platform,
        "category": filters.category,
        "sentiment": filters.sentiment,
        "listening": filters.listening,
    }
    printed = {name: option_chosen(tags, chosen.get(name)) for name, tags in (fixed | kept).items()}
    printed["channel"] = option_chosen(option_tags(channels, blank="All accounts"), filters.channel)
    return {name: mark_safe(text) for name, text in printed.items()}  # noqa: S308 - every value escaped
