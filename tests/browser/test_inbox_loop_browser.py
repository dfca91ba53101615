"""The inbox loop in a real browser, against a real Mastodon server (mastodon-mock).

A resident's complaint arrives through the connector's scheduled poll and the ingest pipeline and is
routed to a council service; a communications officer assigns it, the service officer replies, another
officer approves, the worker sends the reply and it is on the server exactly once. A safeguarding
disclosure arriving the same way alerts the officer on call: the council's signed webhook receives
the alert and the alert log shows it. Every page is checked with axe-core (WCAG 2.2 A and AA).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.alerts.conftest import Receiver, receiver  # noqa: F401  (a webhook receiver on loopback)
from tests.inbox.replying import resident_says
from tests.publishing.conftest import MastodonServer
from townsquare.accounts.models import User
from townsquare.alerts.models import Delivery
from townsquare.alerts.services import destination_add
from townsquare.channels.models import Channel
from townsquare.inbox.models import InboxReply, ReceivedItem
from townsquare.inbox.service_level_models import UrgentItem
from townsquare.inbox.urgent import on_call_add
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_claim_next, job_enqueue, job_run, jobs_run_due
from townsquare.publishing.models import PostTarget

from .test_inbox_reply_browser import mastodon  # noqa: F401  (a fresh server: the council and a resident)
from .test_publishing_browser import toot_channel  # noqa: F401  (Riverside's Mastodon account, on it)

pytestmark = pytest.mark.browser

RIVERSIDE = "/c/riverside"
SECRET = "the-on-call-webhook-shared-secret"


def run(kind: str) -> int:
    """Run every due job of one kind, as the worker would; returns how many ran."""
    Job.objects.filter(kind=kind, status=Job.Status.QUEUED).update(run_after=timezone.now())
    ran = 0
    while (job := job_claim_next(worker="browser-test", kinds=[kind])) is not None:
        job_run(job)
        ran += 1
    return ran


def test_item_routed_assigned_answered_once_and_safeguarding_alerts_on_call(
    page: Page,
    toot_channel: Channel,  # noqa: F811
    mastodon: MastodonServer,  # noqa: F811
    receiver: Receiver,  # noqa: F811
    sign_in: Callable[..., None],
    axe_check: Callable[[Page], None],
) -> None:
    council = toot_channel.council
    comms = User.objects.get(email="comms@riverside.example")
    officer = User.objects.get(email="officer@riverside.example")
    now = timezone.now()
    on_call_add(
        actor=comms,
        council=council,
        person=officer,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
    )
    destination_add(
        actor=comms, council=council, kind="webhook", name="Duty pager", url=receiver.url + "/hook", secret=SECRET
    )

    marker = uuid.uuid4().hex[:6]
    complaint_id = resident_says(
        mastodon.url, f"My black bin wasn't collected on Mill Lane again this week. Not good enough. {marker}"
    )
    disclosure_id = resident_says(
        mastodon.url,
        "I'm worried about the little boy next door on Brook Lane. He's left alone for days at a time and "
        "I've seen bruises on his arms. Who should I tell?",
    )

    # The connector's scheduled poll reads the mentions; the pipeline stores, classifies and routes them.
    job_enqueue(kind="connectors.poll_inbound")
    assert run("connectors.poll_inbound") == 1
    complaint = ReceivedItem.objects.get(channel=toot_channel, external_id=complaint_id)
    disclosure = ReceivedItem.objects.get(channel=toot_channel, external_id=disclosure_id)
    assert complaint.service is not None and complaint.service.name == "Waste and Recycling"
    assert complaint.status == ReceivedItem.Status.NEW and not complaint.needs_attention

    # The safeguarding disclosure alerted the officer on call, through the signed webhook.
    urgent = UrgentItem.objects.get(item=disclosure)
    assert urgent.reason == "Safeguarding disclosure" and officer in urgent.on_call.all()
    assert urgent.alert is not None
    assert run("alerts.deliver") >= 1
    hook = [r for r in receiver.received if r.path == "/hook"]
    assert len(hook) == 1
    stamp = hook[0].headers["x-townsquare-timestamp"]
    signed = hmac.new(SECRET.encode(), stamp.encode() + b"." + hook[0].body, hashlib.sha256).hexdigest()
    assert hook[0].headers["x-townsquare-signature"] == "sha256=" + signed
    assert json.loads(hook[0].body)["title"] == urgent.alert.title
    assert urgent.alert.deliveries.get(destination__kind="webhook").status == Delivery.Status.SENT

    # A communications officer assigns the complaint to the service officer.
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/inbox/{complaint.pk}/")
    expect(page.get_by_text("Waste and Recycling").first).to_be_visible()
    axe_check(page)
    page.get_by_label("Assign to").select_option(f"person:{officer.pk}")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(officer.full_name)
    assert ReceivedItem.objects.get(pk=complaint.pk).assignee == officer

    # The service officer replies; the reply waits for approval.
    text = f"Sorry about that: a crew will come back for your bin tomorrow. {marker}"
    sign_in(page, "officer@riverside.example")
    page.goto(f"{RIVERSIDE}/inbox/{complaint.pk}/")
    page.get_by_label("Your reply to").fill(text)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is waiting for approval")).to_be_visible()
    axe_check(page)
    reply = InboxReply.objects.get(item=complaint)

    # The approver sees it is an inbox reply, with the item it answers, and approves it.
    sign_in(page, "comms@riverside.example")
    page.goto(f"{RIVERSIDE}/posts/approvals/")
    expect(page.locator(f'a[href="{RIVERSIDE}/inbox/{complaint.pk}/"]')).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Sorry about that").first.click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Approved and scheduled")

    jobs_run_due(worker="browser-test")
    jobs_run_due(worker="browser-test-2")  # a second run sends nothing more
    target = PostTarget.objects.get(post=reply.post)
    assert target.status == PostTarget.Status.PUBLISHED, target.last_error
    sent = [s for s in mastodon.statuses(0) if marker in str(s["content"])]
    assert len(sent) == 1 and str(sent[0]["in_reply_to_id"]) == complaint.external_id

    # The alert log shows the on-call alert and its delivery.
    page.goto(f"{RIVERSIDE}/alerts/")
    expect(page.get_by_text(urgent.alert.title).first).to_be_visible()
    axe_check(page)
