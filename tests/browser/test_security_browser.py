"""The Content-Security-Policy in a real browser: the pages' own inline code still runs, swapped-in
content keeps its styling, and anything else is blocked (the ``page`` fixture fails on a block)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def test_nonced_inline_code_runs_and_htmx_swaps_keep_their_styles(
    page: Page, demo_data: None, sign_in: Callable[..., None]
) -> None:
    sign_in(page, "comms@riverside.example")
    page.goto("/c/riverside/policy/try/")
    # the inline script (it carries the nonce) marked the page as having JavaScript
    assert "js-enabled" in page.evaluate("document.body.className")
    assert page.locator("header").first.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(29, 92, 77)"
    page.get_by_label("Draft").fill("Bins are collected on Tuesday.\nGarden waste on Friday.")
    draft = page.locator("#policy-findings .ts-draft")
    expect(draft).to_be_visible()  # htmx swapped the findings in
    assert draft.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"


def test_an_inline_script_without_the_nonce_is_blocked(browser: Browser, live_server: Any) -> None:
    # its own context: the ``page`` fixture would (rightly) fail the test on the block
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto("/sign-in/")
        ran = page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.injected = true';
            document.body.appendChild(s);
            return window.injected === true;
        }""")
        assert ran is False
        page.wait_for_timeout(200)
        assert blocked, "the browser did not report the blocked script"
    finally:
        context.close()
