"""The addresses the inbox list links to, reversed once per council (and script prefix) rather than by the
template engine on every page: a dozen reversals cost about half a millisecond a page."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from django.urls import get_script_prefix, reverse

PAGES = ("saved_replies", "auto_replies", "bulk", "view_save", "urgent", "on_call", "service_levels", "working_time")


@lru_cache(maxsize=1024)
def _links(slug: str, prefix: str) -> Mapping[str, str]:
    found = {name: reverse(f"inbox:{name}", args=[slug]) for name in PAGES}
    found["alerts"] = reverse("alerts:destinations", args=[slug])
    return MappingProxyType(found)


def inbox_links(slug: str) -> Mapping[str, str]:
    """The council's inbox pages by name (as in ``inbox/urls.py``), and its alert destinations."""
    return _links(slug, get_script_prefix())
