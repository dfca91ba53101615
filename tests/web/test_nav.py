"""The council's menu: the sections each role may use, one marked as the current page."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from townsquare.web.nav import council_nav_items

ITEM = re.compile(
    r'<li class="govuk-service-navigation__item( govuk-service-navigation__item--active)?">'
    r'<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>'
)


def menu(html: str) -> list[tuple[str, str, bool]]:
    found = [(m[4], m[2], bool(m[1])) for m in ITEM.finditer(html)]
    assert all(bool(m[1]) == bool(m[3]) for m in ITEM.finditer(html))  # marked and announced together
    return found


@pytest.mark.parametrize(
    ("role", "path", "sections", "current"),
    [
        ("comms", "/c/riverside/", {"Home", "Channels", "Posts and calendar", "Inbox", "Listening"}, "Home"),
        ("comms", "/c/riverside/calendar/", {"Posts and calendar"}, "Posts and calendar"),
        ("councillor", "/c/riverside/measures/", {"Home", "Measures", "Governance"}, "Measures"),
        ("auditor", "/c/riverside/audit/", {"Audit trail", "Archive"}, "Audit trail"),
        ("admin", "/c/riverside/people/", {"People", "Settings"}, "People"),
    ],
)
def test_each_role_sees_its_sections_and_the_current_one(  # type: ignore[no-untyped-def]
    people: SimpleNamespace, client_for, role: str, path: str, sections: set[str], current: str
) -> None:
    html = client_for(getattr(people, role)).get(path).content.decode()
    shown = menu(html)
    assert sections <= {label for label, _, _ in shown}
    assert [label for label, _, active in shown if active] == [current]
    assert all(url.startswith("/c/riverside/") for _, url, _ in shown)


def test_sections_outside_the_role_are_not_offered(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    labels = {label for label, _, _ in menu(client_for(people.councillor).get("/c/riverside/").content.decode())}
    assert not labels & {"Channels", "Inbox", "Posts and calendar", "Audit trail", "People", "Settings", "Listening"}
    officer = {label for label, _, _ in menu(client_for(people.officer).get("/c/riverside/").content.decode())}
    assert "People" not in officer and "Settings" not in officer


def test_a_deeper_page_marks_its_section_and_the_home_page_only_its_own_address() -> None:
    items = menu(
        council_nav_items("riverside", frozenset({"view_council", "view_assigned_channels"}), "/c/riverside/inbox/5/")
    )
    assert [(label, active) for label, _, active in items if active] == [("Inbox", True)]
    items = menu(council_nav_items("riverside", frozenset({"view_council"}), "/c/riverside/nowhere/"))
    assert not any(active for _, _, active in items)
