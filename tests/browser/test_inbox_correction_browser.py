"""Why an item was classified, and an officer's correction, in a browser: the comms officer opens an item the
classifier's second pass has read, sees the words that weigh most, sends the form unchanged (the error
summary says why nothing happened) and then routes the item to another service; every state passes axe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.second_pass import second_pass_run

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]


def test_the_why_and_a_correction_of_the_service(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check
) -> None:
    item = ReceivedItem.objects.filter(council__slug="riverside", text__contains="Freedom of Information").first()
    assert item is not None
    if not item.classification.get("second_pass"):
        second_pass_run(item.council, [item.pk])  # as the worker does a moment after the ingest
    sign_in(page, "comms@riverside.example")
    page.goto(f"/c/riverside/inbox/{item.pk}/")
    expect(page.get_by_role("table", name="The words that weigh most")).to_be_visible()
    expect(page.locator("mark", has_text="Freedom of Information").first).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("There is a problem with the correction")).to_be_visible()
    axe_check(page)
    page.get_by_label("Service it goes to").select_option(label="Council Tax")
    page.get_by_label("Media enquiry").check()
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Corrected: categories, service.")).to_be_visible()
    expect(page.get_by_text("Corrected by an officer: categories, service.")).to_be_visible()
    axe_check(page)
    item.refresh_from_db()
    assert item.service is not None and item.service.name == "Council Tax" and "media_enquiry" in item.categories
