"""Listening in a real browser, as Riverside's communications officer: write a query with a mistake
(explained beside the field), correct it, try it against the last 30 days, save it; add triggers that tag
and alert on what it catches, and see a matching mention arrive tagged and alerted; each page checked
with axe-core (WCAG 2.2 A and AA) and saved as screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from townsquare.channels.models import Channel
from townsquare.connectors.base import InboundItem
from townsquare.councils.models import Council
from townsquare.inbox.services import inbound_store
from townsquare.listening import cache
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

    # Triggers: tag what the query catches, and alert on it; then a matching mention arrives.
    page.get_by_role("link", name="Triggers and alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triggers")
    for name, action, tag in (
        ("Tag streetlights", "Tag it", "streetlights"),
        ("Streetlight alert", "Send an alert", ""),
    ):
        page.get_by_role("link", name="Add a trigger").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("It matches a listening query").check()
        page.get_by_label("Listening query", exact=True).select_option(label="Streetlights")
        page.get_by_label(action).check()
        if tag:
            page.get_by_label("Tag", exact=True).fill(tag)
        axe_check(page)
        page.get_by_role("button", name="Add the trigger").click()
        expect(page.locator("main table").first).to_contain_text(name)
    screenshot(page, "listening-triggers")

    riverside = Council.objects.get(slug="riverside")
    channel = Channel.objects.filter(council=riverside).order_by("pk").first()
    assert channel is not None
    cache.forget(riverside.pk)  # every process picks the change up within seconds; this one at once
    said = InboundItem(
        "sandbox-streetlight",
        "mention",
        "@resident",
        "A Resident",
        "The streetlight outside number 4 is flickering all night",
        created_at=timezone.now(),
    )
    new, _ = inbound_store(channel=channel, items=[said])
    page.reload()
    expect(page.locator("main")).to_contain_text("Streetlight alert: a message from @resident")
    axe_check(page)
    page.goto(f"/c/riverside/inbox/{new[0].pk}/")
    expect(page.locator("main")).to_contain_text("Streetlights")
    expect(page.locator(".govuk-tag", has_text="streetlights")).to_be_visible()
    axe_check(page)
    screenshot(page, "listening-tagged-mention")
