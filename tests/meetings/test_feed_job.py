"""The hourly job reads each council's feed from a real HTTP server on loopback; a bad feed never breaks it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.net.test_fetch import Peer
from townsquare.jobs.models import Job
from townsquare.jobs.services import job_enqueue, jobs_run_due
from townsquare.meetings import feeds
from townsquare.meetings.models import Meeting, MeetingSettings, Promotion
from townsquare.meetings.services import meeting_settings_update
from townsquare.net import fetch
from townsquare.publishing.models import Post


class FeedServer(Peer):
    """A calendar server on 127.0.0.1: ``bodies`` maps a path to (status, body), ``redirects`` to a Location."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[int, bytes]] = {}
        self.redirects: dict[str, str] = {}
        super().__init__()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path in self.redirects:
            return 302, {"Location": self.redirects[path]}, b""
        status, body = self.bodies.get(path, (404, b"Not found"))
        return status, {"Content-Type": "text/calendar; charset=utf-8"}, body


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:  # type: ignore[no-untyped-def]
    settings.FETCH_ALLOW_LOOPBACK = True  # the server is on 127.0.0.1, over http
    server = FeedServer()
    yield server
    server.close()


def _run_job() -> Job:
    job_enqueue(kind="meetings.refresh")
    jobs_run_due(worker="test")
    return Job.objects.filter(kind="meetings.refresh").latest("pk")


def test_the_job_imports_the_feed_and_drafts_promotions_once(
    feed_server, riverside, people, promo_channels, upcoming_ics
):
    feed_server.bodies["/calendar.ics"] = (200, upcoming_ics)
    meeting_settings_update(
        actor=people.comms,
        council=riverside,
        feed_url=f"{feed_server.url}/calendar.ics",
        default_channels=promo_channels,
    )
    job = _run_job()
    assert job.status == Job.Status.DONE, job.last_error
    assert Meeting.objects.filter(council=riverside, source="feed").count() == 3
    assert Meeting.objects.get(committee="Planning Committee").cancelled
    drafts = Post.objects.filter(council=riverside, source__startswith="meeting:")
    assert drafts.count() == 4 and set(drafts.values_list("author", flat=True)) == {people.comms.pk}
    settings_row = MeetingSettings.objects.get(council=riverside)
    assert settings_row.feed_error == "" and settings_row.feed_ok_at is not None
    # The next hour: the same feed, nothing new.
    assert _run_job().status == Job.Status.DONE
    assert Meeting.objects.count() == 3 and drafts.count() == 4 and Promotion.objects.count() == 4
    assert feed_server.hits == ["/calendar.ics", "/calendar.ics"]


@pytest.mark.parametrize(
    ("path", "status", "body", "expected"),
    [
        ("/missing.ics", 404, b"", "HTTP 404"),
        ("/broken.ics", 200, b"<html>Maintenance</html>", "not an iCalendar file"),
        (
            "/bad-event.ics",
            200,
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Cabinet\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "row 1: DTSTART",
        ),
    ],
)
def test_a_bad_feed_is_recorded_and_shown_never_crashing_the_job(
    feed_server, riverside, people, client_for, path, status, body, expected
):
    feed_server.bodies[path] = (status, body)
    meeting_settings_update(
        actor=people.comms, council=riverside, feed_url=f"{feed_server.url}{path}", default_channels=[]
    )
    job = _run_job()
    assert job.status == Job.Status.DONE
    settings_row = MeetingSettings.objects.get(council=riverside)
    assert expected in settings_row.feed_error and settings_row.feed_checked_at is not None
    assert settings_row.feed_ok_at is None and not Meeting.objects.exists()
    page = client_for(people.comms).get(reverse("meetings:import", kwargs={"slug": "riverside"})).content.decode()
    assert "could not be read" in page and expected in page


def test_an_unreachable_or_slow_feed(feed_server, riverside, people, monkeypatch):
    meeting_settings_update(
        actor=people.comms, council=riverside, feed_url="http://127.0.0.1:9/none.ics", default_channels=[]
    )
    assert _run_job().status == Job.Status.DONE
    assert "could not be reached" in MeetingSettings.objects.get(council=riverside).feed_error
    monkeypatch.setattr(fetch, "TIMEOUT", (2.0, 0.5))
    feed_server.bodies["/slow.ics"] = (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert "did not answer" in feeds.feed_fetch(f"{feed_server.url}/slow.ics").error
    assert "http" in feeds.feed_fetch("file:///etc/passwd").error


def test_one_councils_feed_does_not_stop_anothers(feed_server, riverside, hillcrest, people, upcoming_ics):
    feed_server.bodies["/ok.ics"] = (200, upcoming_ics)
    meeting_settings_update(
        actor=people.comms, council=riverside, feed_url=f"{feed_server.url}/gone.ics", default_channels=[]
    )
    meeting_settings_update(
        actor=people.comms, council=hillcrest, feed_url=f"{feed_server.url}/ok.ics", default_channels=[]
    )
    assert _run_job().status == Job.Status.DONE
    assert Meeting.objects.filter(council=hillcrest).count() == 3 and not Meeting.objects.filter(council=riverside)


# --- the feed's address is typed by a person: https, public hosts only (townsquare/net/fetch.py) ----------


def test_a_feed_on_loopback_or_a_private_network_is_refused_and_never_fetched(
    feed_server, riverside, people, client_for, settings
):
    settings.FETCH_ALLOW_LOOPBACK = False  # as on every real server
    feed_server.bodies["/calendar.ics"] = (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    for address in (
        f"{feed_server.url}/calendar.ics",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:10.0.0.1]/c.ics",
        "https://[fd00::1]/c.ics",
    ):
        with pytest.raises(ValidationError):
            meeting_settings_update(actor=people.comms, council=riverside, feed_url=address, default_channels=[])
    client = client_for(people.comms)
    page = client.post(
        reverse("meetings:settings", kwargs={"slug": "riverside"}),
        {"action": "settings", "feed_url": f"{feed_server.url}/calendar.ics"},
    ).content.decode()
    assert "must start with https://" in page
    page = client.post(
        reverse("meetings:import", kwargs={"slug": "riverside"}),
        {"action": "fetch", "feed_url": f"https://127.0.0.1:{feed_server.httpd.server_address[1]}/calendar.ics"},
    ).content.decode()
    assert "private or reserved" in page
    assert not MeetingSettings.objects.filter(council=riverside).exclude(feed_url="").exists()
    # An address stored before this check is refused by the hourly job, the server never asked.
    MeetingSettings.objects.filter(council=riverside).update(feed_url=f"{feed_server.url}/calendar.ics")
    assert _run_job().status == Job.Status.DONE
    assert "https://" in MeetingSettings.objects.get(council=riverside).feed_error
    assert feed_server.hits == []


def test_a_feed_redirecting_inside_is_refused(feed_server, riverside, people):
    feed_server.redirects["/moved.ics"] = "http://169.254.169.254/latest/meta-data/iam"
    meeting_settings_update(
        actor=people.comms, council=riverside, feed_url=f"{feed_server.url}/moved.ics", default_channels=[]
    )
    assert _run_job().status == Job.Status.DONE
    assert "private or reserved" in MeetingSettings.objects.get(council=riverside).feed_error
    assert feed_server.hits == ["/moved.ics"]


def test_the_feed_error_never_repeats_what_the_server_sent(feed_server, riverside, people):
    feed_server.bodies["/secret.ics"] = (200, b"root:x:0:0:root:/root:/bin/bash\nAWS_SECRET=abc123\n")
    feed_server.bodies["/denied.ics"] = (403, b"internal admin console AWS_SECRET=abc123")
    for path in ("/secret.ics", "/denied.ics"):
        meeting_settings_update(
            actor=people.comms, council=riverside, feed_url=f"{feed_server.url}{path}", default_channels=[]
        )
        assert _run_job().status == Job.Status.DONE
        error = MeetingSettings.objects.get(council=riverside).feed_error
        assert error and "root" not in error.lower() and "AWS_SECRET" not in error and "console" not in error


def test_what_the_job_changes_is_audited_as_the_system_naming_the_job(
    feed_server, riverside, people, promo_channels, upcoming_ics
):
    from townsquare.audit.models import AuditEvent

    feed_server.bodies["/calendar.ics"] = (200, upcoming_ics)
    meeting_settings_update(
        actor=people.comms,
        council=riverside,
        feed_url=f"{feed_server.url}/calendar.ics",
        default_channels=promo_channels,
    )
    before = AuditEvent.objects.filter(council=riverside).count()
    assert _run_job().status == Job.Status.DONE
    made = AuditEvent.objects.filter(council=riverside).order_by("seq")[before:]
    actions = {e.action for e in made}
    assert {"meeting.created", "meetings.imported", "post.created"} <= actions
    for event in made:
        assert event.actor_id is None and event.actor_label == "system", event.action
        assert event.reason.startswith("Background job meetings.refresh"), event.reason
    # The drafts are still the communications officer's to submit; only the record of who made them changed.
    assert set(Post.objects.filter(source__startswith="meeting:").values_list("author", flat=True)) == {people.comms.pk}
