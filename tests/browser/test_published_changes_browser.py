"""Changing and deleting a published post in a real browser: a communications officer opens a post published on
the Mastodon channel (connected to a real Mastodon API server, mastodon-mock, as the demo's sandbox is), meets a
change the server leaves unclear and checks it again, changes the words, deletes it with a reason and a
confirmation, and finds both versions and the deletion in the archive. Every page is checked with axe-core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import test_publishing_browser as publishing
from tests.publishing.conftest import MastodonServer, mastodon_fault
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.services import post_approve, post_create_draft, post_submit

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
RIVERSIDE = "/c/riverside"
TEXT = "The leisure centre pool reopens on Saturday at 9am."
NEW = "The leisure centre pool reopens on Saturday at 10am."

mastodon = publishing.mastodon
toot_channel = publishing.toot_channel


def published_post(channel: Channel) -> PostTarget:
    """A post drafted by the service officer, approved by the communications officer and published."""
    officer = User.objects.get(email="officer@riverside.example")
    comms = User.objects.get(email="comms@riverside.example")
    post = post_create_draft(
        author=officer,
        council=channel.council,
        text=TEXT,
        channels=[channel],
        scheduled_for=timezone.now() + dt.timedelta(minutes=1),
    )
    post_submit(actor=officer, post=post)
    post_approve(actor=comms, post=post, acknowledge_warnings=True)
    PostTarget.objects.filter(post=post).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    assert send.due_dispatch(worker="browser-test") == {"published": 1}
    return PostTarget.objects.get(post=post)


def on_server(mastodon: MastodonServer, target: PostTarget) -> requests.Response:
    return requests.get(
        f"{mastodon.url}/api/v1/statuses/{target.external_id}", headers={"Authorization": "Bearer token0"}, timeout=10
    )


def test_change_then_delete_a_published_post_and_find_it_in_the_archive(
    page: Page,
    toot_channel: Channel,
    mastodon: MastodonServer,
    sign_in: Callable[..., None],
    axe_check: Check,
) -> None:
    target = published_post(toot_channel)
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/{target.post_id}/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Change or delete the post on {toot_channel.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change or delete the published post")
    expect(page.locator(".govuk-inset-text")).to_contain_text(TEXT)
    axe_check(page)

    # The server fails the change with a 503 and cannot be read straight after (neither the post itself nor
    # the account's recent posts): unconfirmed, checked again.
    path = f"/api/v1/statuses/{target.external_id}"
    mastodon_fault(mastodon, path=path, methods=["PUT"], effect={"type": "status", "status": 503}, count=1)
    mastodon_fault(mastodon, path=path, methods=["GET"], effect={"type": "ratelimit"}, count=1)
    mastodon_fault(
        mastodon, path="/api/v1/accounts/verify_credentials", methods=["GET"], effect={"type": "ratelimit"}, count=1
    )
    page.get_by_label("The post's new words").fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Change the post on Mastodon").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Unconfirmed:")
    expect(page.locator("#unconfirmed")).to_contain_text("Not confirmed")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Check Mastodon again now").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("still shows the earlier words")
    expect(page.locator("#unconfirmed")).to_have_count(0)
    assert UnconfirmedChange.objects.get(target=target).outcome == UnconfirmedChange.Outcome.NOT_MADE
    axe_check(page)

    # The change made: the post's page says so, and the channel shows the new words.
    page.get_by_label("The post's new words").fill(NEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Change the post on Mastodon").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Changed on Riverside on Mastodon")
    expect(page.locator("main")).to_contain_text("Changed ")
    assert "10am" in on_server(mastodon, target).json()["content"]
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Change or delete the post on {toot_channel.name}").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text(NEW)

    # Deleting needs the reason and the confirmation.
    page.get_by_label("Why is it being deleted?").fill("Opening time announced in error")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete the post").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that the post is to be deleted")
    axe_check(page)
    page.get_by_label("Why is it being deleted?").fill("Opening time announced in error")
    page.get_by_label(f"Yes, delete this post from {toot_channel.name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Delete the post").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Deleted from Riverside on Mastodon")
    expect(page.locator("main")).to_contain_text("Deleted from the channel")
    assert on_server(mastodon, target).status_code == 404
    axe_check(page)

    # The archive keeps the first words, the change and the deletion with its reason.
    page.goto(f"{RIVERSIDE}/posts/{target.post_id}/channels/{target.pk}/published/")
    with page.expect_navigation():
        page.get_by_role("link", name="See every version in the archive").click()
    versions = page.locator("main ol")
    expect(versions).to_contain_text("Version 1: Captured")
    expect(versions).to_contain_text(TEXT)
    expect(versions).to_contain_text("Version 2: Edited")
    expect(versions).to_contain_text(NEW)
    expect(versions).to_contain_text("Version 3: Deleted")
    expect(versions).to_contain_text("Opening time announced in error")
    axe_check(page)
