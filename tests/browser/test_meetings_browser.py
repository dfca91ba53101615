"""Meetings in a real browser: a communications officer imports the ModernGov calendar, sees the promotional
drafts, records the live stream of a Full Council item with the Portfolio Holder's agreement and, after the
meeting, its viewing figures; a councillor reads them. Every page is checked with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from tests.meetings.conftest import LONDON, moderngov_ics, next_weekday
from townsquare.councils.models import Council
from townsquare.meetings.demo import meetings_demo_load
from townsquare.meetings.models import LiveStream, Meeting
from townsquare.publishing.models import Post

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]
MEETINGS = "/c/riverside/meetings"


def test_import_promote_stream_agree_and_enter_views(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot
) -> None:
    today = timezone.localdate()
    # The demo's own meetings are there as on a demo site (loaded here if the demo loader does not yet).
    if not Meeting.objects.exists():
        meetings_demo_load(Council.objects.get(slug="riverside"))
    demo_meetings = Meeting.objects.count()
    # A Wednesday more than two weeks ahead: after the demo's Full Council, so the two are told apart.
    full_council = next_weekday(today + dt.timedelta(days=17), 2)
    calendar = moderngov_ics(
        full_council=full_council, cabinet=today + dt.timedelta(days=19), planning=today + dt.timedelta(days=21)
    )
    full_council_link = f"Full Council, {full_council.day} {full_council:%B %Y}"
    sign_in(page, "comms@riverside.example")

    # The channels promotional posts go to.
    page.goto(f"{MEETINGS}/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting promotion settings")
    axe_check(page)
    page.get_by_label("Riverside Council (Facebook RiversideDC)").check()
    page.get_by_label("Riverside Council on Bluesky (Bluesky riversidedc.bsky.social)").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Meeting settings saved")

    # Import the calendar: checked first, saved on confirmation.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Import the calendar").click()
    axe_check(page)
    page.get_by_label("Calendar file (.ics) or CSV file").set_input_files(
        FilePayload(name="riverside-meetings.ics", mimeType="text/calendar", buffer=calendar)
    )
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the 3 meetings before saving")
    expect(page.locator("table")).to_contain_text("Planning Committee")
    assert Meeting.objects.count() == demo_meetings
    axe_check(page)
    screenshot(page, "meetings-import-check")
    page.get_by_role("button", name="Save these 3 meetings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 added")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("4 promotional posts drafted")
    axe_check(page)

    # The Full Council page: a week before at 10:00 and on the day at 09:00, waiting for approval.
    page.locator("main a", has_text=full_council_link).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Full Council")
    promotions = page.locator("table", has_text="Posts promoting this meeting")
    expect(promotions.locator("tbody tr")).to_have_count(2)
    expect(promotions).to_contain_text("7 days before at 10:00")
    expect(promotions).to_contain_text("on the day at 09:00")
    expect(promotions).to_contain_text("Full Council meets on")
    axe_check(page)
    screenshot(page, "meetings-detail")

    # The live stream of the chosen item, agreed with the Portfolio Holder.
    with page.expect_navigation():
        page.get_by_role("link", name="Record a live stream of an item of this meeting").click()
    axe_check(page)
    page.get_by_label("Agenda item to be streamed").fill("Item 7: Riverside Leisure Centre future options")
    page.get_by_label("Channel (optional)").select_option(label="Riverside Council (Facebook RiversideDC)")
    page.get_by_label("Stream link (optional)").fill("https://www.facebook.com/RiversideDC/live")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Item 7: Riverside Leisure Centre future options")
    expect(page.locator("main")).to_contain_text("must be agreed with the Portfolio Holder")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Record the agreement").click()
    axe_check(page)
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who agreed the item")
    axe_check(page)
    page.get_by_label("Who agreed the item").select_option(label="Cllr Alan Reid, Portfolio Holder for Communications")
    page.get_by_label("Date agreed").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record the agreement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the stream is ready")
    expect(page.locator("main")).to_contain_text("Cllr Alan Reid, Portfolio Holder for Communications")
    stream = LiveStream.objects.get(meeting__source=Meeting.Source.ICS)
    assert stream.status == LiveStream.Status.AGREED

    with page.expect_navigation():
        page.get_by_role("link", name="Draft an announcement of the stream").click()
    axe_check(page)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Announcement drafted")
    assert Post.objects.filter(source=f"live_stream:{stream.pk}").count() == 1

    # Days before the meeting the stream cannot be live (nor finished, so its figures would be refused).
    page.get_by_label("New status").select_option(label="Live")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("can be marked live from an hour before")

    # The meeting has taken place (as if it had been last night): the figures are copied from the platform.
    last_night = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(19), tzinfo=LONDON)
    Meeting.objects.filter(pk=stream.meeting_id).update(starts_at=last_night, ends_at=None)
    page.get_by_label("New status").select_option(label="Live")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("now: live")
    page.get_by_label("New status").select_option(label="Finished")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("now: finished")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Enter viewing figures").click()
    axe_check(page)
    page.get_by_label("Total views").fill("1480")
    page.get_by_label("Peak viewers at the same time").fill("212")
    page.get_by_label("Average watch time").fill("4:30")
    page.get_by_label("Where the figures come from").fill("Facebook Live video insights")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Viewing figures saved")
    figures = page.locator("table", has_text="Figures read from the platform")
    expect(figures).to_contain_text("1480")
    expect(figures).to_contain_text("4:30")
    axe_check(page)
    screenshot(page, "meetings-live-stream")

    # A councillor reads the streams and their figures, without the buttons.
    sign_in(page, "councillor@riverside.example")
    page.goto(f"{MEETINGS}/streams/")
    expect(page.locator("table")).to_contain_text("1480")
    expect(page.locator("table")).to_contain_text("Cllr Alan Reid, Portfolio Holder for Communications")
    expect(page.locator("main")).not_to_contain_text("Record a live stream")
    axe_check(page)
    page.goto(f"{MEETINGS}/")
    axe_check(page)
    page.goto(f"{MEETINGS}/?when=past")
    expect(page.locator("table")).to_contain_text("Full Council")
    axe_check(page)
