"""Links in emails and iCalendar use the address the site is served at, not a built-in 127.0.0.1:8000."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from townsquare.notifications.services import notify
from townsquare.publishing.services import post_create_draft, post_submit
from townsquare.web.base_url import absolute_url


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = ["social.riverside.gov.uk", "testserver"]
    settings.TOWNSQUARE_BASE_URL = "https://townsquare.riverside.gov.uk/"
    return settings


def test_background_jobs_use_the_setting(hosts, people, riverside, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people.comms], council=riverside, message="A reminder", url="/c/riverside/")
    assert "https://townsquare.riverside.gov.uk/c/riverside/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


def test_an_email_sent_while_answering_a_request_uses_its_address(
    hosts, client_for, people, riverside, channel, django_capture_on_commit_callbacks
):
    post = post_create_draft(
        author=people.officer, council=riverside, text="Bins on Friday", channels=[channel], scheduled_for=None
    )
    client = client_for(people.officer)
    edit = reverse("publishing:edit", kwargs={"slug": "riverside", "pk": post.pk})
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            edit,
            {"text": "Bins on Friday", "channels": [channel.pk], "version": post.version, "action": "submit"},
            HTTP_HOST="social.riverside.gov.uk",
            secure=True,
        )
    assert answer.status_code == 302
    sent = [m for m in mail.outbox if "waiting for approval" in m.body]
    assert sent and f"https://social.riverside.gov.uk/c/riverside/posts/{post.pk}/" in sent[0].body


def test_the_icalendar_links_use_the_request_address(hosts, client_for, people, make_post_for_calendar):
    post = make_post_for_calendar
    ics = (
        client_for(people.comms)
        .get(
            reverse("publishing:calendar_ics", kwargs={"slug": "riverside"}),
            HTTP_HOST="social.riverside.gov.uk",
            secure=True,
        )
        .content.decode()
    )
    unfolded = ics.replace("\r\n ", "")
    assert f"URL:https://social.riverside.gov.uk/c/riverside/posts/{post.pk}/" in unfolded
    assert "127.0.0.1" not in unfolded


@pytest.fixture
def make_post_for_calendar(people, riverside, channel):
    import datetime as dt

    from django.utils import timezone

    post = post_create_draft(
        author=people.officer,
        council=riverside,
        text="Bins on Friday",
        channels=[channel],
        scheduled_for=timezone.now() + dt.timedelta(days=2),
    )
    post_submit(actor=people.officer, post=post)
    return post


def test_absolute_url_leaves_full_addresses_alone(hosts):
    assert absolute_url("https://example.org/x") == "https://example.org/x"
    assert absolute_url("/x") == "https://townsquare.riverside.gov.uk/x"
