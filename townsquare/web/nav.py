"""The council's section navigation, built once per council, role and section rather than by the template
engine on every page (it reversed a dozen URLs a request).

Each section names the permissions that show it (any of them) and how the page's path marks it as the
current one: the section's own address, the address as a prefix, or a path fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    perms: tuple[str, ...]
    marks: tuple[str, ...] = ()  # path fragments that mark the section current; empty: its address
    exact: bool = False  # current only on its own address (the home page)


SECTIONS = (
    Section("Home", "web:council_home", (), exact=True),
    Section("Channels", "channels:register", ("view_assigned_channels",)),
    Section("Policy checks", "policy:rules", ("view_council",), ("/policy/",)),
    Section("Governance", "governance:home", ("view_council",), ("/governance/",)),
    Section("Posts and calendar", "publishing:list", ("draft_posts", "approve_posts"), ("/posts/", "/calendar/")),
    Section("Meetings", "meetings:list", ("view_council",), ("/meetings/",)),
    Section("E-learning", "learning:mine", ("view_council",), ("/learning/",)),
    Section("Measures", "measures:dashboard", ("view_reports",), ("/measures/",)),
    Section("Listening", "listening:list", ("manage_channels",), ("/listening/",)),
    Section("Inbox", "inbox:inbox", ("view_assigned_channels",), ("/inbox/",)),
    Section("Archive", "archive:search", ("view_archive",), ("/archive/",)),
    Section("Requests", "disclosure:register", ("manage_requests",), ("/requests/",)),
    Section("Audit trail", "audit:trail", ("view_audit",)),
    Section("People", "councils:people", ("manage_people",)),
    Section("Settings", "councils:settings", ("manage_settings",)),
)

_ITEM = '<li class="govuk-service-navigation__item{}"><a class="govuk-service-navigation__link" href="{}"{}>{}</a></li>'


@lru_cache(maxsize=1024)
def _shown(slug: str, perms: frozenset[str]) -> tuple[tuple[Section, str], ...]:
    return tuple(
        (s, reverse(s.url_name, args=[slug])) for s in SECTIONS if not s.perms or any(p in perms for p in s.perms)
    )


def _current(section: Section, url: str, path: str) -> bool:
    if section.exact:
        return path == url
    return any(mark in path for mark in section.marks) if section.marks else url in path


@lru_cache(maxsize=4096)
def _items(slug: str, perms: frozenset[str], current: str) -> SafeString:
    return format_html_join(
        "\n",
        _ITEM,
        (
            (
                " govuk-service-navigation__item--active" if url == current else "",
                url,
                format_html(' aria-current="{}"', "page") if url == current else "",
                section.label,
            )
            for section, url in _shown(slug, perms)
        ),
    )


def council_nav_items(slug: str, perms: frozenset[str], path: str) -> SafeString:
    """The <li> items of the council's menu for a person with ``perms`` on the page at ``path``."""
    shown = _shown(slug, perms)
    current = next((url for section, url in shown if _current(section, url, path)), "")
    return _items(slug, perms, current)
