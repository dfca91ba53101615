"""The inbox in a browser: a comms officer filters Riverside's inbox, opens an item with its thread,
assigns it, notes it and marks it awaiting the resident; every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from townsquare.inbox.models import ReceivedItem

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]


def test_filter_open_assign_note_and_set_status(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Callable[..., Path]
) -> None:
    sign_in(page, "comms@riverside.example")
    page.goto("/c/riverside/")
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    axe_check(page)
    screenshot(page, "inbox")
    page.get_by_label("Status").select_option("new")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Assigned to").first).to_be_visible()
    page.locator("table a.govuk-link").first.click()
    expect(page.get_by_role("heading", name="The thread")).to_be_visible()
    axe_check(page)
    item = ReceivedItem.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    page.get_by_label("Assign to").select_option(label="Jess Morgan")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("Assigned to Jess Morgan.")).to_be_visible()
    page.get_by_label("Internal note").fill("Asked the crew to go back")
    page.get_by_role("button", name="Add note").click()
    page.get_by_label("Status").select_option(label="Awaiting resident")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Status: Awaiting resident.")).to_be_visible()
    axe_check(page)
    screenshot(page, "inbox-item")
    item.refresh_from_db()
    assert item.status == "awaiting_resident" and item.assignee.email == "officer@riverside.example"
    assert item.notes.get().text == "Asked the crew to go back"
