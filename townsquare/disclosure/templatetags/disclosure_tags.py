"""The home page's card of requests falling due, and the request an inbox item opened."""

from __future__ import annotations

from typing import Any

from django import template

from townsquare.councils.roles import Perm
from townsquare.disclosure.models import InformationRequest
from townsquare.disclosure.selectors import requests_due_soon

register = template.Library()


@register.simple_tag(takes_context=True)
def disclosure_figures(context: Any) -> dict[str, int]:
    """Open requests due within five working days (or overdue), for those who keep the register."""
    council = context.get("council")
    perms = context.get("council_perms") or frozenset()
    if council is None or Perm.MANAGE_REQUESTS not in perms:
        return {}
    return {"due_soon": len(requests_due_soon(council=council))}


@register.simple_tag
def item_request(item: Any) -> InformationRequest | None:
    return InformationRequest.objects.filter(source_item=item).first()
