"""This test process's Playwright and chromium: started by the first browser test, kept for the browser
tests that follow it, and stopped before any other test runs (tests/conftest.py).

While Playwright runs, its asyncio event loop counts as running in this thread, so Django is told
(DJANGO_ALLOW_ASYNC_UNSAFE) to allow the ORM calls tests and the database flush make meanwhile; that
must not leak into other tests or the processes they start (``check --deploy`` warns about it), hence
the stop. Each test still gets a new browser context (no cookies, no storage of another test's).
"""

from __future__ import annotations

import os
from typing import Any

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # tests run as root in containers, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
FLAG = "DJANGO_ALLOW_ASYNC_UNSAFE"

_running: dict[str, Any] = {}  # "manager", "browser", "previous" (the flag's value before)


def browser_start(chromium: str) -> Any:
    """The running browser, started (with Playwright) if it is not."""
    if "browser" in _running:
        return _running["browser"]
    from playwright.sync_api import sync_playwright

    _running["previous"] = os.environ.get(FLAG)
    os.environ[FLAG] = "true"
    try:
        _running["manager"] = sync_playwright().start()
        _running["browser"] = _running["manager"].chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    except BaseException:
        browser_stop()
        raise
    return _running["browser"]


def browser_stop() -> None:
    """Close the browser and stop Playwright, if running, and put the flag back as it was."""
    if not _running:
        return
    try:
        if "browser" in _running:
            _running["browser"].close()
    finally:
        try:
            if "manager" in _running:
                _running["manager"].stop()
        finally:
            previous = _running.get("previous")
            _running.clear()
            if previous is None:
                os.environ.pop(FLAG, None)
            else:
                os.environ[FLAG] = previous
