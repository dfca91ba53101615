"""Drafts and the calendar in a real browser: every calendar view shows times, and an autosave
that is overtaken by "Save draft" (or by another window) is refused instead of undoing the newer save."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import Page, expect

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.publishing.models import Post
from townsquare.publishing.services import post_create_draft

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]
RIVERSIDE = "/c/riverside"
TIME = re.compile(r"\b\d\d:\d\d\b")


def test_every_calendar_view_shows_times(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/calendar/?view=list")
    rows = page.locator("main table tbody tr")
    assert rows.count() > 1
    for n in range(rows.count()):
        expect(rows.nth(n).locator("td").first).to_have_text(TIME)
    axe_check(page)
    screenshot(page, "calendar-list-times")
    for view in ("month", "week"):
        page.goto(f"{RIVERSIDE}/calendar/?view={view}")
        entries = page.locator(".ts-calendar li")
        assert entries.count() > 0, f"nothing on the {view} view"
        for n in range(entries.count()):
            expect(entries.nth(n).locator("time")).to_have_text(TIME)
        axe_check(page)
    screenshot(page, "calendar-week-times")


def _open_new_draft(page: Page, sign_in: Callable[..., None]) -> Post:
    """A draft by the waste officer with no time yet, open on the compose page."""
    officer = User.objects.get(email="officer@riverside.example")
    waste = Channel.objects.get(council__slug="riverside", name="Riverside Waste and Recycling")
    post = post_create_draft(
        author=officer,
        council=waste.council,
        text="Garden waste collections restart",
        channels=[waste],
        scheduled_for=None,
    )
    sign_in(page, "officer@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/{post.pk}/edit/")
    return post


def test_a_late_autosave_does_not_undo_save_draft(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    post = _open_new_draft(page, sign_in)

    # An autosave made before the date is set: kept, to be sent again once the draft has moved on.
    with page.expect_response(re.compile(r"/autosave/$")) as first:
        page.get_by_label("What do you want to say?").fill("Garden waste collections restart on Monday")
    stale = first.value.request.post_data or ""
    assert first.value.status == 200
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    expect(page.locator("#id_version")).to_have_value(str(post.version + 1))

    when = timezone.localtime(timezone.now() + dt.timedelta(days=5)).replace(hour=10, minute=0)
    page.get_by_label("Or choose a date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Service (optional)").select_option(label="Waste and Recycling")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    saved = Post.objects.get(pk=post.pk)
    assert saved.scheduled_for == when.replace(second=0, microsecond=0) and saved.service is not None

    # The old autosave arrives now: refused, and nothing changes.
    late = page.request.post(
        f"{RIVERSIDE}/posts/{post.pk}/autosave/",
        data=stale,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert late.status == 409 and "was not saved" in late.text()
    after = Post.objects.get(pk=post.pk)
    assert (after.scheduled_for, after.service_id, after.version) == (
        saved.scheduled_for,
        saved.service_id,
        saved.version,
    )

    # Another window saves the draft: this page's next autosave is refused and says so.
    Post.objects.filter(pk=post.pk).update(version=F("version") + 1)
    with page.expect_response(re.compile(r"/autosave/$")) as refused:
        page.get_by_label("What do you want to say?").fill("Garden waste collections restart on Tuesday")
    assert refused.value.status == 409
    expect(page.locator("#autosave-status")).to_contain_text("Reload the page")
    assert Post.objects.get(pk=post.pk).text == "Garden waste collections restart on Monday"
    axe_check(page)
    screenshot(page, "compose-autosave-conflict")


def test_save_draft_waits_for_an_autosave_on_its_way(page: Page, demo_data: None, sign_in: Callable[..., None]) -> None:
    post = _open_new_draft(page, sign_in)
    # The first autosave reaches the server (the draft moves to the next version) but its answer is
    # held back, as a slow network would: "Save draft" must wait for it instead of being refused.
    held: list[tuple[Any, Any]] = []

    def hold_first(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    page.route(re.compile(r"/autosave/$"), hold_first)
    page.get_by_label("What do you want to say?").fill("Garden waste collections restart on Monday")
    page.wait_for_function("() => document.querySelector('#compose-form').classList.contains('htmx-request')")
    when = timezone.localtime(timezone.now() + dt.timedelta(days=5)).replace(hour=10, minute=0)
    page.get_by_label("Or choose a date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save draft").click(no_wait_after=True)
    page.wait_for_timeout(300)
    for _ in range(100):  # the held autosave's own answer may still be on its way from a busy server
        if held:
            break
        page.wait_for_timeout(100)
    assert Post.objects.get(pk=post.pk).scheduled_for is None  # not sent: the page waits for the answer
    route, answer = held[0]
    route.fulfill(response=answer)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    saved = Post.objects.get(pk=post.pk)
    assert saved.scheduled_for == when.replace(second=0, microsecond=0)
    assert saved.text == "Garden waste collections restart on Monday"
