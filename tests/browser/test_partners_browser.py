"""Partner councils in a real browser: the shared communications officer approves one post at each council
from the combined queue and sends one message to both councils' channels. Every page is checked with
axe-core (WCAG 2.2 A and AA) and photographed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from townsquare.partners.models import PostGroup
from townsquare.publishing.models import Post

pytestmark = pytest.mark.browser

COMMS = "comms@riverside.example"
MESSAGE = "Council offices and leisure centres are open as normal on Monday. Check opening hours online."


@pytest.fixture
def media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


def _waiting(slug: str) -> Post:
    post = (
        Post.objects.filter(council__slug=slug, status=Post.Status.AWAITING_APPROVAL)
        .order_by("scheduled_for", "submitted_at", "pk")
        .first()
    )
    assert post is not None, f"the demo has a post awaiting approval at {slug}"
    return post


def test_shared_officer_approves_at_both_and_messages_both(
    page: Page,
    media: None,
    demo_data: None,
    sign_in: Callable[..., None],
    axe_check: Callable[[Page], None],
    screenshot: Callable[..., Path],
) -> None:
    sign_in(page, COMMS)
    page.get_by_role("link", name="All my councils", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All my councils")
    expect(page.get_by_role("heading", name="Riverside District Council")).to_be_visible()
    expect(page.get_by_role("heading", name="Hillcrest District Council")).to_be_visible()
    axe_check(page)
    screenshot(page, "partners-home")

    # Keep the choice: next time "/" opens all councils together.
    page.get_by_label("All my councils together").check()
    page.get_by_role("button", name="Save this choice").click()
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/all/')[0]}/all/")

    # The combined queue: one post at each council, approved together.
    river, hill = _waiting("riverside"), _waiting("hillcrest")
    page.get_by_role("link", name="Approvals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approvals at all my councils")
    axe_check(page)
    screenshot(page, "partners-approvals")
    page.get_by_label(f"Select “{river}” at Riverside District Council").check()
    page.get_by_label(f"Select “{hill}” at Hillcrest District Council").check()
    page.get_by_label("I have read the warnings on the posts I selected").check()
    page.get_by_role("button", name="Approve selected posts").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        "Approved 2 posts (Hillcrest District Council, Riverside District Council)"
    )
    assert Post.objects.get(pk=river.pk).status == Post.Status.APPROVED
    assert Post.objects.get(pk=hill.pk).status == Post.Status.APPROVED
    axe_check(page)

    # The filter narrows the queue to one council.
    page.get_by_label("Council", exact=True).select_option(label="Riverside District Council")
    page.get_by_role("button", name="Show").click()
    left = Post.objects.filter(council__slug="riverside", status__in=["awaiting_approval", "awaiting_second"]).count()
    assert Post.objects.filter(council__slug="hillcrest", status=Post.Status.AWAITING_APPROVAL).count() == 0
    expect(page.locator(".ts-queue-item .govuk-caption-m")).to_have_text(["Riverside District Council"] * left)

    # One message to both councils' channels.
    with page.expect_navigation():
        page.get_by_role("link", name="Messages to partner councils").click()
    axe_check(page)
    page.get_by_role("link", name="Write one message for several councils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write one message for several councils")
    axe_check(page)
    page.get_by_role("button", name="Submit to each council").click()  # nothing filled in: clear errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose channels of at least two councils")
    axe_check(page)
    screenshot(page, "partners-compose-errors")
    page.get_by_label("Title for the team").fill("Open as normal on Monday")
    page.get_by_label("What do you want to say?").fill(MESSAGE)
    page.get_by_label("Riverside Council (Facebook RiversideDC)").check()
    page.get_by_label("Hillcrest Council (Facebook HillcrestDC)").check()
    page.get_by_label("I have read any warnings").check()
    page.get_by_role("button", name="Submit to each council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open as normal on Monday")
    group = PostGroup.objects.get(title="Open as normal on Monday")
    states = {m.council.slug: m.post.status for m in group.members.select_related("council", "post")}
    assert states == {"riverside": Post.Status.APPROVED, "hillcrest": Post.Status.APPROVED}
    table = page.get_by_role("table")
    expect(table).to_contain_text("Riverside District Council")
    expect(table).to_contain_text("Hillcrest District Council")
    axe_check(page)
    screenshot(page, "partners-message-group")

    for link, heading, shot in [
        ("Calendar", "Calendar of all my councils", "partners-calendar"),
        ("Inbox", "Inbox of all my councils", "partners-inbox"),
        ("Channels", "Channels of all my councils", "partners-channels"),
        ("Accounts summary", "Corporate social media accounts", "partners-accounts-summary"),
    ]:
        page.locator("#navigation").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)
        screenshot(page, shot)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.startswith("all-councils-accounts-summary-")
    page.goto("/all/inbox/?council=riverside&status=new")
    expect(page.locator("table.ts-table tbody tr").first).to_contain_text("Riverside District Council")
    axe_check(page)
    page.goto("/all/channels/rationalisation/")
    axe_check(page)
    page.goto("/all/calendar/?view=month")
    expect(page.locator("table.ts-calendar")).to_contain_text("Hillcrest District Council, Hillcrest Council")
    axe_check(page)
    screenshot(page, "partners-calendar-month")
