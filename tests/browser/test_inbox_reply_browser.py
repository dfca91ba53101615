"""Replying from the inbox in a real browser: a resident mentions the council on a real Mastodon server
(mastodon-mock), a service officer replies from the item's page, a communications officer approves the
reply, the worker sends it once as a reply in the thread, and the item waits on the resident. Every page
is checked with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.inbox.replying import ingest, resident_says
from tests.publishing.conftest import MastodonServer, start_mastodon
from townsquare.channels.models import Channel
from townsquare.inbox.models import InboxReply, ReceivedItem
from townsquare.jobs.services import jobs_run_due
from townsquare.publishing.models import PostTarget

from .test_publishing_browser import toot_channel  # noqa: F401  (Riverside's Mastodon account, on this server)

pytestmark = pytest.mark.browser

RIVERSIDE = "/c/riverside"


@pytest.fixture
def mastodon(tmp_path: Path) -> Iterator[MastodonServer]:
    server = start_mastodon(tmp_path, accounts=2)  # the council (0) and a resident (1)
    yield server
    server.process.terminate()
    server.process.wait(10)


def test_reply_approved_and_sent_once_in_the_thread(
    page: Page,
    toot_channel: Channel,  # noqa: F811
    mastodon: MastodonServer,
    sign_in: Callable[..., None],
    axe_check: Callable[[Page], None],
) -> None:
    marker = uuid.uuid4().hex[:6]
    item = ingest(toot_channel, resident_says(mastodon.url, f"The bins on Mill Lane were missed {marker}"))
    text = f"Sorry about that: a crew will come back tomorrow. {marker}"

    sign_in(page, "officer@riverside.example")
    page.goto(f"{RIVERSIDE}/inbox/{item.pk}/")
    expect(page.get_by_role("heading", name="Reply", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_label("Your reply to").fill(text)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is waiting for approval")).to_be_visible()
    expect(page.locator(".ts-council-reply")).to_contain_text("Waiting for approval")
    axe_check(page)
    reply = InboxReply.objects.get(item=item)

    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/approvals/")
    page.get_by_role("link", name="Sorry about that").first.click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approved and scheduled")

    jobs_run_due(worker="browser-test")
    jobs_run_due(worker="browser-test-2")  # a second run sends nothing more
    target = PostTarget.objects.get(post=reply.post)
    assert target.status == PostTarget.Status.PUBLISHED, target.last_error
    sent = [s for s in mastodon.statuses(0) if marker in str(s["content"])]
    assert len(sent) == 1 and str(sent[0]["in_reply_to_id"]) == item.external_id
    assert ReceivedItem.objects.get(pk=item.pk).status == ReceivedItem.Status.AWAITING_RESIDENT

    page.goto(f"{RIVERSIDE}/inbox/{item.pk}/")
    expect(page.locator(".ts-council-reply")).to_contain_text("Sent")
    expect(page.get_by_text("Awaiting resident").first).to_be_visible()
    axe_check(page)
