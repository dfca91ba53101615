"""Template helpers: the home page's publishing figures, and status tags."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.councils.roles import Perm
from townsquare.publishing.selectors import attention_counts, target_moment

register = template.Library()

TAG_COLOURS = {
    "draft": "grey",
    "awaiting_approval": "yellow",
    "awaiting_second": "yellow",
    "approved": "blue",
    "scheduled": "blue",
    "publishing": "light-blue",
    "published": "green",
    "failed": "red",
    "unconfirmed": "orange",
    "partial": "orange",
    "rejected": "red",
    "returned": "orange",
    "cancelled": "grey",
}


@register.simple_tag(takes_context=True)
def publishing_figures(context: Any) -> dict[str, int] | None:
    """Posts waiting for approval and posts failed or unconfirmed, for people who draft or approve."""
    request = context.get("request")
    council = context.get("council")
    perms = context.get("council_perms") or frozenset()
    if request is None or council is None or not ({Perm.DRAFT_POSTS, Perm.APPROVE_POSTS} & set(perms)):
        return None
    return attention_counts(user=request.user, council=council, perms=frozenset(perms))


@register.inclusion_tag("publishing/_tag.html")
def status_tag(status: str, label: str = "") -> dict[str, str]:
    return {"colour": TAG_COLOURS.get(status, "grey"), "label": label or status.replace("_", " ").capitalize()}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def moment(target: Any) -> Any:
    """When a post goes (or went) out on a channel, as a datetime for the ``date`` and ``time`` filters.

    ``{% firstof ... as x %}`` cannot do this: it stores the rendered text, which ``date`` turns into nothing.
    """
    return target_moment(target)
