"""Browser tests: Debian's chromium, driven by Playwright, against a live Townsquare.

Put a capability's browser tests in ``tests/browser/test_<area>_browser.py`` and mark them
``@pytest.mark.browser``; these fixtures are then available by name (the names are stable):

``browser`` (one per run of browser tests in a process)
    A Playwright ``Browser`` running ``/usr/bin/chromium`` headless, offline-minded (no background
    networking, no component updates, no sync) and with a fresh temporary profile (Playwright's
    ``launch`` makes a new user-data dir each time). Playwright's own browser download is never
    used. When chromium is missing the test is skipped with the reason, except under ``CI=true``,
    where it fails: CI must never pass without having run these tests. It is started by the first
    browser test and kept for the browser tests that follow, then stopped before any other test
    (``running.py``): while Playwright runs, its event loop counts as running in this thread, so
    Django's ORM is told (DJANGO_ALLOW_ASYNC_UNSAFE) to allow calls; that must not leak into the
    rest of the suite or the processes it starts (``check --deploy`` warns about it).
``live_server`` (pytest-django)
    The site on 127.0.0.1 at a free port, static files (``assets/build``) served through the
    staticfiles finders. Asking for it makes the test transactional: the database is emptied after.
``demo_data``
    The demo councils (riverside, hillcrest), the seven demo people (password ``DEMO_PASSWORD``)
    and their channels, loaded with ``townsquare.demo.services.demo_load()`` by the first test in a
    process and from a copy of its tables (``tests/demo_copy.py``) after that. Passwords use a fast
    hasher for the test (the sign-in form still checks them).
``page``
    A ``Page`` in a new browser context (no cookies), 1280 x 800, whose base URL is the live
    server, so ``page.goto("/c/riverside/")`` works. JavaScript errors and static files that fail
    to load, and anything the Content-Security-Policy blocks, make the test fail when it ends.
``sign_in``
    ``sign_in(page, email, password=DEMO_PASSWORD)`` signs in through the real sign-in form.
``axe_check``
    ``axe_check(page)`` runs axe-core (``node_modules/axe-core/axe.min.js``, read from disk) on the
    current page with the WCAG 2.0, 2.1 and 2.2 A and AA rules and fails listing each violation,
    its help text and the failing elements.
``screenshot``
    ``screenshot(page, name, width=1280)`` saves ``var/screenshots/<name>.png`` (the full page;
    ``docs/screenshots/`` with ``UPDATE_SCREENSHOTS=1``).

E-learning (``test_learning_browser.py``) adds its own ``lapsed`` fixture on top of ``demo_data``:
Riverside makes training a condition of publishing and the service officer's e-learning lapsed
yesterday, so the publishing-rights job has revoked their rights; it returns the staff module's
current version. Its pages are checked at tablet width (768 x 1024).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from tests.browser.running import browser_start
from tests.demo_copy import demo_into_database

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STYLESHEET = REPO / "assets" / "build" / "townsquare" / "townsquare.css"
# The pages as the tests saw them, to look at after a run: var/screenshots/, or with UPDATE_SCREENSHOTS=1 the
# documentation's own copies (docs/screenshots/), so a test run leaves the working tree as it was.
SCREENSHOTS = REPO / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var") / "screenshots"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
DEMO_PASSWORD = "townsquare-demo"

# Bind the live server to loopback only, at a free port (pytest-django reads this when it starts).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture
def browser() -> Browser:
    """This process's chromium (tests/browser/running.py): started by the first browser test, kept for the next."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install it with `apt-get install chromium` (scripts/setup.sh --test does)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the browser tests: {reason}", pytrace=False)
        pytest.skip(reason)
    started: Browser = browser_start(str(CHROMIUM))
    return started


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    if not STYLESHEET.exists():
        pytest.fail(f"{STYLESHEET} is missing: run scripts/build_assets.sh.", pytrace=False)
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale="en-GB")
    made = context.new_page()
    problems: list[str] = []
    made.on("pageerror", lambda error: problems.append(f"JavaScript error on {made.url}: {error}"))

    def console(message: Any) -> None:
        # The browser reports what the Content-Security-Policy blocked (an inline script or style
        # without the page's nonce, a source from elsewhere) on the console.
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"Blocked by the Content-Security-Policy on {made.url}: {message.text}")

    made.on("console", console)

    def request_failed(request: Any) -> None:
        # ERR_ABORTED is the browser dropping a request when the test moves on to the next page.
        if "ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"Request failed: {request.url} ({request.failure})")

    made.on("requestfailed", request_failed)

    def static_failed(response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"Static file {response.url} answered {response.status}")

    made.on("response", static_failed)
    yield made
    context.close()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)


# --- The site and its data ----------------------------------------------------------------------


@pytest.fixture
def demo_data(live_server: Any, settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo, loaded through its services by the first test that asks for it in this process, then
    put back from a copy of its tables (tests/demo_copy.py) after the database was emptied: the same
    rows with the same keys and audit chain, in a fraction of a second."""
    # A fast hasher: the demo people are made and signed in many times; the check is the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_into_database(tmp_path_factory)


# --- Helpers -------------------------------------------------------------------------------------


def sign_in_as(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would, and check it worked."""
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert "/sign-in/" not in page.url, f"signing in as {email} failed: {page.locator('main').inner_text()}"


@pytest.fixture
def sign_in() -> Callable[..., None]:
    return sign_in_as


_axe_source: str | None = None


def _format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
    return "\n".join(lines)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.2 A and AA rules on the current page."""
    global _axe_source
    if _axe_source is None:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run scripts/setup.sh to install the front-end packages.", pytrace=False)
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # evaluate, not a <script> tag: it runs whatever the page's Content-Security-Policy says
        page.evaluate(_axe_source)
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(
                document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def assert_accessible(page: Page) -> None:
    # A click on a link starts a navigation that may still be under way: axe must run on the page
    # it leads to, whole, not on the document between the two.
    page.wait_for_load_state("load")
    try:
        violations = run_axe(page)
    except PlaywrightError as error:
        if "documentElement" not in str(error):
            raise
        page.wait_for_load_state("load")
        violations = run_axe(page)
    assert not violations, _format_violations(page.url, violations)


@pytest.fixture
def axe_check() -> Callable[[Page], None]:
    return assert_accessible


def save_screenshot(page: Page, name: str, width: int = VIEWPORT["width"]) -> Path:
    """Save the whole page as <name>.png in ``SCREENSHOTS``, laid out ``width`` pixels wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    before: ViewportSize = page.viewport_size or VIEWPORT
    if before["width"] != width:
        page.set_viewport_size({"width": width, "height": before["height"]})
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    finally:
        if before["width"] != width:
            page.set_viewport_size(before)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    return save_screenshot
