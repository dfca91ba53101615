"""Listening in a real browser, as Riverside's communications officer: write a query with a mistake
(explained beside the field), correct it, try it against the last 30 days, save it; each page checked
with axe-core (WCAG 2.2 A and AA) and saved to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from townsquare.listening.models import ListeningQuery

pytestmark = pytest.mark.browser

LISTENING = "/c/riverside/listening/"


def test_write_try_and_save_a_listening_query(
    page: Page,
    demo_data: None,
    sign_in: Callable[..., None],
    axe_check: Callable[[Page], None],
    screenshot: Callable[..., Path],
) -> None:
    sign_in(page, "comms@riverside.example")
    response = page.goto(LISTENING)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening")
    expect(page.locator("main table")).to_contain_text("Missed bins")
    axe_check(page)
    screenshot(page, "listening-list")

    page.get_by_role("link", name="Add a listening query").click()
    page.get_by_label("Name").fill("Streetlights")
    page.get_by_label("Query", exact=True).fill("streetlight* AND (broken OR flickering")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This bracket is never closed")
    expect(page.locator("#id_query-error")).to_contain_text("(at character 18), here: “(broken OR flickering”")
    axe_check(page)
    screenshot(page, "listening-query-error")
    assert not ListeningQuery.objects.filter(name="Streetlights").exists()

    page.get_by_label("Query", exact=True).fill("streetlight* OR lamp*")
    page.get_by_role("button", name="Try it").click()
    results = page.locator("section[aria-labelledby=try-heading]")
    # The demo's inbox holds a few hundred items; what counts is that the query caught some of them.
    expect(results).to_contain_text(re.compile(r"[1-9]\d* of \d+ messages received in the last 30 days"))
    expect(results).to_contain_text("fixed the streetlight on Mill Lane")
    axe_check(page)
    screenshot(page, "listening-try-it")
    assert not ListeningQuery.objects.filter(name="Streetlights").exists()

    page.get_by_role("button", name="Save").click()
    expect(page.locator("main table")).to_contain_text("Streetlights")
    assert ListeningQuery.objects.get(name="Streetlights").query == "streetlight* OR lamp*"
