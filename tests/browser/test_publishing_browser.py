"""Publishing in a real browser: draft, blocked for missing alt text, fixed, submitted, approved,
published to a real Mastodon API server (mastodon-mock) by the worker, shown published on the calendar.
Every publishing page is checked with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.publishing.conftest import PNG, MastodonServer, start_mastodon
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, Credentials
from townsquare.connectors.services import connection_connect
from townsquare.jobs.services import jobs_run_due
from townsquare.publishing.models import Post, PostTarget

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]
RIVERSIDE = "/c/riverside"
TEXT = "Christmas collection days change. Check your new day on the calendar."


@pytest.fixture
def mastodon(tmp_path: Path) -> Iterator[MastodonServer]:
    server = start_mastodon(tmp_path, accounts=1)
    yield server
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture
def toot_channel(demo_data: None, mastodon: MastodonServer, settings: object, tmp_path: Path) -> Channel:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    channel = Channel.objects.get(council__slug="riverside", platform="mastodon")
    channel.assignees.add(User.objects.get(email="officer@riverside.example"))
    connection_connect(
        actor=None,
        channel=channel,
        credentials=Credentials({"access_token": "token0"}),
        account=AccountInfo(external_id="1", handle="@council0"),
        base_url=mastodon.url,
    )
    return channel


def test_draft_blocked_fixed_submitted_approved_published(
    page: Page,
    toot_channel: Channel,
    mastodon: MastodonServer,
    sign_in: Callable[..., None],
    axe_check: Check,
    screenshot: Shot,
) -> None:
    sign_in(page, "officer@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your posts")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Write a post").click()
    axe_check(page)
    page.get_by_label("What do you want to say?").fill(TEXT)
    page.get_by_label(f"{toot_channel.name} (Mastodon {toot_channel.handle})").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit post")
    post = Post.objects.get(text=TEXT)

    # An image with no alt text: the draft cannot be submitted.
    page.get_by_label("Upload an image").set_input_files(
        FilePayload(name="calendar.png", mimeType="image/png", buffer=PNG)
    )
    page.get_by_role("button", name="Upload image").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("no alt text")
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT
    axe_check(page)
    screenshot(page, "publishing-compose-blocked")

    page.get_by_label("Alt text for image 1").fill("Calendar showing the new Christmas collection days")
    page.get_by_role("button", name="Save alt text for image 1").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Christmas collection days change")
    assert Post.objects.get(pk=post.pk).status == Post.Status.AWAITING_APPROVAL
    axe_check(page)

    # A communications officer approves it from the queue.
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/approvals/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approval queue")
    axe_check(page)
    screenshot(page, "publishing-approval-queue")
    page.get_by_role("link", name="Christmas collection days change").first.click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approved and scheduled")
    axe_check(page)

    # The worker publishes it: the queue's own job, run as the embedded worker runs it.
    jobs_run_due(worker="browser-test")
    target = PostTarget.objects.get(post=post)
    assert target.status == PostTarget.Status.PUBLISHED, target.last_error
    assert sum(1 for s in mastodon.statuses(0) if "Christmas collection days change" in str(s["content"])) == 1

    page.goto(f"{RIVERSIDE}/calendar/")
    expect(page.locator(".ts-calendar")).to_contain_text("Published")
    axe_check(page)
    screenshot(page, "publishing-calendar")
    page.goto(f"{RIVERSIDE}/calendar/?view=list")
    expect(page.locator("main")).to_contain_text("Riverside on Mastodon")
    expect(page.locator("main")).to_contain_text("Published")
    axe_check(page)
    page.goto(f"{RIVERSIDE}/posts/{post.pk}/")
    expect(page.locator("main")).to_contain_text("See it on Mastodon")
    axe_check(page)
    page.goto(f"{RIVERSIDE}/posts/settings/")
    axe_check(page)
    page.goto(f"{RIVERSIDE}/")
    expect(page.locator("main")).to_contain_text("posts waiting for approval")
