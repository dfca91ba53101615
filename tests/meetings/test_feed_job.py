"""The hourly job reads each council's feed from a real HTTP server on loopback; a bad feed never breaks it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from townsquare.jobs.models import Job
from townsquare.jobs.services import job_enqueue, jobs_run_due
from townsquare.meetings import feeds
from townsquare.meetings.models import Meeting, MeetingSettings, Promotion
from townsquare.meetings.services import meeting_settings_update
from townsquare.publishing.models import Post


class FeedServer:
    def __init__(self) -> None:
        self.bodies: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                if self.path == "/slow.ics":
                    time.sleep(2)
                status, body = server.bodies.get(self.path, (404, b"Not found"))
                self.send_response(status)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


def _run_job() -> Job:
    job_enqueue(kind="meetings.refresh")
    jobs_run_due(worker="test")
    return Job.objects.filter(kind="meetings.refresh").latest("pk")


def test_the_job_imports_the_feed_and_drafts_promotions_once(feed_server, riverside, people, promo_channels,
                                                               upcoming_ics):
    feed_server.bodies["/calendar.ics"] = (200, upcoming_ics)
    meeting_settings_update(actor=people.comms, council=riverside, feed_url=f"{feed_server.url}/calendar.ics",
                            default_channels=promo_channels)
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


@pytest.mark.parametrize(("path", "status", "body", "expected"), [
    ("/missing.ics", 404, b"", "HTTP 404"),
    ("/broken.ics", 200, b"<html>Maintenance</html>", "not an iCalendar file"),
    ("/bad-event.ics", 200, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Cabinet\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "row 1: DTSTART"),
])
def test_a_bad_feed_is_recorded_and_shown_never_crashing_the_job(feed_server, riverside, people, client_for, path,
                                                                 status, body, expected):
    feed_server.bodies[path] = (status, body)
    meeting_settings_update(actor=people.comms, council=riverside, feed_url=f"{feed_server.url}{path}",
                            default_channels=[])
    job = _run_job()
    assert job.status == Job.Status.DONE
    settings_row = MeetingSettings.objects.get(council=riverside)
    assert expected in settings_row.feed_error and settings_row.feed_checked_at is not None
    assert settings_row.feed_ok_at is None and not Meeting.objects.exists()
    page = client_for(people.comms).get(reverse("meetings:import", kwargs={"slug": "riverside"})).content.decode()
    assert "could not be read" in page and expected in page


def test_an_unreachable_or_slow_feed(feed_server, riverside, people, monkeypatch):
    meeting_settings_update(actor=people.comms, council=riverside, feed_url="http://127.0.0.1:9/none.ics",
                            default_channels=[])
    assert _run_job().status == Job.Status.DONE
    assert "could not be reached" in MeetingSettings.objects.get(council=riverside).feed_error
    monkeypatch.setattr(feeds, "TIMEOUT", (2.0, 0.5))
    feed_server.bodies["/slow.ics"] = (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert "did not answer" in feeds.feed_fetch(f"{feed_server.url}/slow.ics").error
    assert "http" in feeds.feed_fetch("file:///etc/passwd").error


def test_one_councils_feed_does_not_stop_anothers(feed_server, riverside, hillcrest, people, upcoming_ics):
    feed_server.bodies["/ok.ics"] = (200, upcoming_ics)
    meeting_settings_update(actor=people.comms, council=riverside, feed_url=f"{feed_server.url}/gone.ics",
                            default_channels=[])
    meeting_settings_update(actor=people.comms, council=hillcrest, feed_url=f"{feed_server.url}/ok.ics",
                            default_channels=[])
    assert _run_job().status == Job.Status.DONE
    assert Meeting.objects.filter(council=hillcrest).count() == 3 and not Meeting.objects.filter(council=riverside)
