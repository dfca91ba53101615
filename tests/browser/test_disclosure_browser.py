"""The auditor answers an FOI request about the leisure centre closure: searches the archive, opens a
deleted post's versions, opens a request with a hold on its search, reviews the proposed redactions and
releases an accessible PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_auditor_answers_an_foi_request(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Callable[[Page], None], live_server: Any
) -> None:
    from townsquare.archive.search import index_rebuild

    index_rebuild()  # the archive's full-text index is not a model: a reloaded demo needs it built
    sign_in(page, "auditor@riverside.example")

    page.goto("/c/riverside/archive/?q=leisure+centre")
    results = page.locator("table.govuk-table")
    expect(results).to_contain_text("leisure centre")
    results.locator("tr", has=page.locator(".govuk-tag--red", has_text="Deleted")).first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Deleted")
    expect(page.get_by_role("heading", name=re.compile(r"Version 2: Deleted"))).to_be_visible()

    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name="Open a request").click()
    page.get_by_label("Freedom of Information").check()
    page.get_by_label("What is asked for").fill("Posts and replies about the leisure centre closure")
    page.get_by_role("button", name="Open the request").click()
    expect(page.locator("main")).to_contain_text("opened: reply due by")
    expect(page.get_by_label("Suggested reply in Welsh")).to_have_value(re.compile("Rhyddid Gwybodaeth"))
    axe_check(page)

    page.get_by_label("Words").fill("leisure centre")
    page.get_by_role("button", name="Save the search and hold its records").click()
    expect(page.locator("main")).to_contain_text("Active since")
    expect(page.locator("main")).to_contain_text(re.compile(r"The search finds \d+ records"))

    page.get_by_role("button", name="Propose redactions").click()
    expect(page.get_by_role("heading", name=re.compile("Review redactions"))).to_be_visible()
    axe_check(page)
    page.locator("input[name=redaction]").first.check()
    page.get_by_role("button", name="Keep selected (undo)").click()
    expect(page.locator("main")).to_contain_text("1 item will be kept")
    page.get_by_role("button", name=re.compile(r"Redact all \d+ still to review")).click()
    expect(page.locator("main")).to_contain_text("0 to review")

    page.get_by_role("link", name=re.compile(r"^FOI-")).first.click()
    page.get_by_label("PDF").check()
    page.get_by_role("button", name="Release a copy").click()
    expect(page.locator("main")).to_contain_text("PDF copy released and kept")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    assert path is not None and Path(path).read_bytes()[:5] == b"%PDF-"
