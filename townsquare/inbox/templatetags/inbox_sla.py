"""Template helpers: service-level clocks beside inbox items, the urgent queue's banner and the home card."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from townsquare.councils.roles import Perm
from townsquare.inbox.links import inbox_links
from townsquare.inbox.page_reads import COUNT_CAP, attention_counts
from townsquare.inbox.selectors import visible_channel_ids
from townsquare.inbox.service_levels import ClockView, clocks_for_items

register = template.Library()


def _may_see(context: Any) -> bool:
    """Whether the person may see the council's inbox."""
    perms = context.get("council_perms") or ()
    present = context.get("request") is not None and context.get("council") is not None
    return present and Perm.VIEW_ASSIGNED_CHANNELS in perms


@register.simple_tag(takes_context=True)
def sla_clocks(context: Any, items: Any) -> dict[int, list[ClockView]]:
    """The clocks of the items shown (one query for them all), by item id."""
    council = context.get("council")
    ids = [i.pk for i in items]
    return clocks_for_items(council, ids) if council is not None and ids else {}


@register.filter
def clocks_of(item: Any, clocks: dict[int, list[ClockView]]) -> list[ClockView]:
    """``item|clocks_of:clocks``: the item's clocks."""
    pk = getattr(item, "pk", None)
    return clocks.get(pk, []) if isinstance(clocks, dict) and isinstance(pk, int) else []


@register.filter
def open_clocks_of(item: Any, clocks: dict[int, list[ClockView]]) -> list[ClockView]:
    """``item|open_clocks_of:clocks``: the item's clocks still running or overdue (not met, not answered late)."""
    return [c for c in clocks_of(item, clocks) if c.text not in ("met", "missed")]


@register.simple_tag(takes_context=True)
def inbox_attention(context: Any) -> dict[str, int | str] | None:
    """Urgent items not yet resolved, and items past a service-level target, that the person may see."""
    if not _may_see(context):
        return None
    # The list page counts them in its own single statement (``page_reads.list_reads``).
    counted = context.get("attention_counted")
    if counted is not None:
        return _figures(*counted)
    perms = frozenset(context["council_perms"])
    channel_ids = visible_channel_ids(user=context["request"].user, council=context["council"], perms=perms)
    return _figures(*attention_counts(context["council"].pk, channel_ids, now=timezone.now()))


def _figures(urgent: int, overdue: int) -> dict[str, int | str]:
    """The counts, and each as the banner and home page print it: "100 or more" where counting stopped."""

    def shown(count: int) -> str:
        return f"{COUNT_CAP:,} or more" if count >= COUNT_CAP else str(count)

    return {"urgent": urgent, "overdue": overdue, "urgent_shown": shown(urgent), "overdue_shown": shown(overdue)}


@register.inclusion_tag("inbox/_sla_banner.html", takes_context=True)
def urgent_banner(context: Any) -> dict[str, Any]:
    figures = inbox_attention(context) or _figures(0, 0)
    council = context.get("council")
    links = inbox_links(council.slug) if council is not None else {}
    return {**figures, "council": council, "perms": context.get("council_perms") or (), "links": links}
