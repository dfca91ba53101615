"""Pages and API: every one refuses outsiders (404) and roles too low (403); the forms do what they say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.meetings.models import LiveStream, Meeting, MeetingSettings, PromotionOffset
from townsquare.meetings.services import meeting_settings_get
from townsquare.meetings.streams import (
    live_stream_agree,
    live_stream_create,
    live_stream_set_status,
    viewing_figures_record,
)
from townsquare.publishing.models import Post

from .test_feed_job import FeedServer

VIEW_PAGES = ["list", "streams", "api_meetings", "api_streams"]
VIEW_OBJECT_PAGES = {"detail": "meeting", "api_meeting": "meeting", "stream": "stream", "api_stream": "stream"}
MANAGE_PAGES = ["import", "settings", "stream_new"]
MANAGE_OBJECT_PAGES = {
    "offset": "offset",
    "stream_edit": "stream",
    "stream_agree": "stream",
    "stream_announce": "stream",
    "stream_figures": "stream",
}
MANAGE_ACTIONS = {"draft": "meeting", "stream_status": "stream"}
VIEWERS = ["admin", "comms", "officer", "councillor", "auditor"]
TOO_LOW = ["officer", "councillor", "auditor"]


def url(name: str, pk: int | None = None, slug: str = "riverside") -> str:
    kwargs: dict[str, object] = {"slug": slug}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(f"meetings:{name}", kwargs=kwargs)


@pytest.fixture
def objects(make_meeting, people, channel, riverside):
    meeting = make_meeting()
    stream = live_stream_create(actor=people.comms, meeting=meeting, agenda_item="Item 7", channel=channel)
    meeting_settings_get(council=riverside)
    return {
        "meeting": meeting.pk,
        "stream": stream.pk,
        "offset": PromotionOffset.objects.filter(council=riverside).first().pk,
    }


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_viewing_pages_are_for_everyone_with_a_role_and_nobody_else(client_for, people, name):
    assert client_for(people.outsider).get(url(name)).status_code == 404
    for role in VIEWERS:
        assert client_for(getattr(people, role)).get(url(name)).status_code == 200, role


@pytest.mark.parametrize("name", sorted(VIEW_OBJECT_PAGES))
def test_viewing_object_pages_are_for_everyone_with_a_role(client_for, people, objects, name):
    address = url(name, objects[VIEW_OBJECT_PAGES[name]])
    assert client_for(people.outsider).get(address).status_code == 404
    for role in VIEWERS:
        assert client_for(getattr(people, role)).get(address).status_code == 200, role


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_managing_pages_refuse_outsiders_and_roles_too_low(client_for, people, name):
    assert client_for(people.outsider).get(url(name)).status_code == 404
    for role in TOO_LOW:
        assert client_for(getattr(people, role)).get(url(name)).status_code == 403, role
        assert client_for(getattr(people, role)).post(url(name), {"action": "settings"}).status_code == 403, role
    for role in ("admin", "comms"):
        assert client_for(getattr(people, role)).get(url(name)).status_code == 200, role


@pytest.mark.parametrize("name", sorted(MANAGE_OBJECT_PAGES))
def test_managing_object_pages_refuse_outsiders_and_roles_too_low(client_for, people, objects, name):
    address = url(name, objects[MANAGE_OBJECT_PAGES[name]])
    assert client_for(people.outsider).get(address).status_code == 404
    assert client_for(people.outsider).post(address).status_code == 404
    for role in TOO_LOW:
        assert client_for(getattr(people, role)).get(address).status_code == 403, role
        assert client_for(getattr(people, role)).post(address).status_code == 403, role
    for role in ("admin", "comms"):
        assert client_for(getattr(people, role)).get(address).status_code == 200, role


@pytest.mark.parametrize("name", sorted(MANAGE_ACTIONS))
def test_managing_actions_refuse_outsiders_and_roles_too_low(client_for, people, objects, name):
    address = url(name, objects[MANAGE_ACTIONS[name]])
    assert client_for(people.outsider).post(address).status_code == 404
    for role in TOO_LOW:
        assert client_for(getattr(people, role)).post(address).status_code == 403, role
    assert client_for(people.comms).post(address).status_code == 302
    assert client_for(people.comms).get(address).status_code == 405


def test_another_councils_records_are_not_found(client_for, people, objects, hillcrest):
    from townsquare.councils.services import membership_grant

    membership_grant(actor=None, council=hillcrest, user=people.comms, role="comms")
    client = client_for(people.comms)
    # Riverside's meeting and stream through Hillcrest's address: not found.
    for name, key in {**VIEW_OBJECT_PAGES, **MANAGE_OBJECT_PAGES}.items():
        if key != "offset":
            assert client.get(url(name, objects[key], slug="hillcrest")).status_code == 404, name


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(url("list"))
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client.get(url("api_meetings")).status_code in (401, 403)


# --- the import page -------------------------------------------------------------------------------------


def test_upload_a_calendar_check_it_then_save_it(client_for, people, promo_channels, upcoming_ics):
    client = client_for(people.comms)
    response = client.post(
        url("import"), {"action": "upload", "file": SimpleUploadedFile("meetings.ics", upcoming_ics, "text/calendar")}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Check the 3 meetings before saving" in page
    assert "Full Council" in page and "Cancelled" in page and "New" in page
    assert not Meeting.objects.exists()  # nothing saved until confirmed
    content = response.context["content"]
    response = client.post(url("import"), {"action": "confirm", "kind": "ics", "source": "ics", "content": content})
    assert response.status_code == 302 and response["Location"] == url("list")
    assert Meeting.objects.filter(source="ics").count() == 3
    assert Post.objects.filter(source__startswith="meeting:", author=people.comms).count() == 4
    page = client.get(url("list")).content.decode()
    assert "Meetings imported: 3 added, 0 changed, 0 unchanged, 1 cancelled. 4 promotional posts drafted." in page
    # The same file again: every meeting matched, nothing new.
    response = client.post(
        url("import"), {"action": "upload", "file": SimpleUploadedFile("meetings.ics", upcoming_ics, "text/calendar")}
    )
    assert "No change" in response.content.decode() and "New</strong>" not in response.content.decode()


def test_a_csv_with_bad_rows_lists_every_problem_and_saves_nothing(client_for, people):
    csv = (
        b"committee,date,start_time,venue,agenda_link\nCabinet,2031-03-25,18:30,Room 1,\n"
        b"Full Council,2031-02-30,19:00,Chamber,\nLicensing,2031-03-27,noon-ish,Room 2,ftp://x\n"
    )
    response = client_for(people.admin).post(
        url("import"), {"action": "upload", "file": SimpleUploadedFile("meetings.csv", csv, "text/csv")}
    )
    page = response.content.decode()
    assert "Nothing was imported: 2 problems in the file" in page
    assert "Row 3: date:" in page and "Row 4: start_time:" in page and "agenda_link" in page
    assert not Meeting.objects.exists()


def test_confirming_a_tampered_file_is_checked_again(client_for, people):
    response = client_for(people.comms).post(
        url("import"),
        {
            "action": "confirm",
            "kind": "csv",
            "source": "csv",
            "content": "committee,date,start_time\nCabinet,soon,18:30\n",
        },
    )
    assert "Row 2: date:" in response.content.decode() and not Meeting.objects.exists()


def test_read_a_feed_check_it_and_keep_reading_it(
    client_for, people, riverside, promo_channels, upcoming_ics, settings
):
    settings.FETCH_ALLOW_LOOPBACK = True  # the feed server is on 127.0.0.1, over http
    server = FeedServer()
    try:
        server.bodies["/meetings.ics"] = (200, upcoming_ics)
        client = client_for(people.comms)
        feed = f"{server.url}/meetings.ics"
        response = client.post(url("import"), {"action": "fetch", "feed_url": feed, "keep": "on"})
        assert "Check the 3 meetings" in response.content.decode()
        response = client.post(
            url("import"),
            {
                "action": "confirm",
                "kind": "ics",
                "source": "feed",
                "content": response.context["content"],
                "feed_url": feed,
                "keep": "yes",
            },
        )
        assert response.status_code == 302
        assert MeetingSettings.objects.get(council=riverside).feed_url == feed
        assert Meeting.objects.filter(source="feed").count() == 3
        response = client.post(url("import"), {"action": "fetch", "feed_url": f"{server.url}/nothing.ics"})
        assert "The feed answered HTTP 404" in response.content.decode()
    finally:
        server.close()


# --- meeting and settings pages ----------------------------------------------------------------------------


def test_meeting_page_shows_its_drafts_to_those_who_draft_and_their_status_to_everyone(
    client_for, people, promo_channels, make_meeting
):
    meeting = make_meeting()
    address = url("detail", meeting.pk)
    comms_page = client_for(people.comms).get(address).content.decode()
    assert comms_page.count("Draft</strong>") == 2 and "meets on" in comms_page
    councillor_page = client_for(people.councillor).get(address).content.decode()
    assert councillor_page.count("Draft</strong>") == 2 and "meets on" not in councillor_page
    assert "Draft any missing promotional posts" not in councillor_page


def test_filters_of_the_meeting_list(client_for, people, make_meeting):
    make_meeting(committee="Cabinet")
    make_meeting(committee="Full Council")
    make_meeting(committee="Planning Committee", starts_at=timezone.now() - dt.timedelta(days=3))
    client = client_for(people.councillor)

    def shown(query: str = "") -> list[str]:
        return [m.committee for m in client.get(url("list") + query).context["meetings"]]

    assert sorted(shown()) == ["Cabinet", "Full Council"]
    assert shown("?when=past") == ["Planning Committee"]
    assert shown("?committee=Cabinet") == ["Cabinet"]
    assert shown("?committee=Cabinet&when=past") == []
    assert sorted(shown("?committee=<script>")) == ["Cabinet", "Full Council"]  # unknown: all committees
    assert "1 meeting of Cabinet" in client.get(url("list") + "?committee=Cabinet").content.decode()


def test_settings_page_channels_offsets_and_templates(client_for, people, riverside, channel):
    client = client_for(people.comms)
    response = client.post(url("settings"), {"action": "settings", "default_channels": [channel.pk], "feed_url": ""})
    assert response.status_code == 302
    assert list(MeetingSettings.objects.get(council=riverside).default_channels.all()) == [channel]
    response = client.post(
        url("settings"),
        {"action": "offset", "days_before": "2", "at_time": "12:00", "template": "{committee} on {when}"},
    )
    assert "{when} is not a placeholder" in response.content.decode()
    response = client.post(
        url("settings"),
        {"action": "offset", "days_before": "2", "at_time": "12:00", "template": "{committee} on {date}"},
    )
    assert response.status_code == 302
    offset = PromotionOffset.objects.get(council=riverside, days_before=2)
    response = client.post(
        url("offset", offset.pk),
        {"action": "save", "days_before": "3", "at_time": "12:30", "template": "{committee}: {agenda_link}"},
    )
    offset.refresh_from_db()
    assert (offset.days_before, offset.at_time) == (3, dt.time(12, 30))
    client.post(url("offset", offset.pk), {"action": "remove"})
    assert not PromotionOffset.objects.filter(pk=offset.pk).exists()
    actions = set(
        AuditEvent.objects.filter(council=riverside, action__startswith="meetings.").values_list("action", flat=True)
    )
    assert {
        "meetings.settings_changed",
        "meetings.offset_added",
        "meetings.offset_changed",
        "meetings.offset_removed",
    } <= actions


def test_draft_now_button(client_for, people, riverside, channel, make_meeting):
    meeting = make_meeting()
    assert not meeting.promotions.exists()  # no default channels yet
    client = client_for(people.comms)
    client.post(url("settings"), {"action": "settings", "default_channels": [channel.pk], "feed_url": ""})
    client.post(url("draft", meeting.pk))
    assert meeting.promotions.count() == 2
    client.post(url("draft", meeting.pk))
    assert meeting.promotions.count() == 2


# --- stream pages --------------------------------------------------------------------------------------------


def test_stream_pages_record_agreement_status_announcement_and_figures(client_for, people, channel, make_meeting):
    meeting = make_meeting()
    client = client_for(people.comms)
    response = client.post(
        url("stream_new"), {"meeting": meeting.pk, "agenda_item": "Item 7: Leisure centre", "channel": channel.pk}
    )
    stream = LiveStream.objects.get()
    assert response["Location"] == url("stream", stream.pk)
    response = client.post(url("stream_status", stream.pk), {"status": "live"})
    page = client.get(url("stream", stream.pk)).content.decode()
    assert "cannot become live" in page or "Record who agreed" in page
    response = client.post(url("stream_agree", stream.pk), {"agreed_on": timezone.localdate().isoformat()})
    assert "Choose who agreed the item" in response.content.decode()
    client.post(
        url("stream_agree", stream.pk),
        {
            "agreed_by": people.councillor.pk,
            "agreed_by_role": "Portfolio Holder",
            "agreed_on": timezone.localdate().isoformat(),
        },
    )
    stream.refresh_from_db()
    assert stream.status == "agreed" and stream.agreed_by == people.councillor
    client.post(
        url("stream_edit", stream.pk),
        {
            "agenda_item": "Item 7: Leisure centre",
            "channel": channel.pk,
            "stream_url": "https://www.facebook.com/RiversideBins/live",
        },
    )
    response = client.post(url("stream_announce", stream.pk), {"text": "Watch live at 7pm", "channels": [channel.pk]})
    assert response.status_code == 302 and stream.announcements.count() == 1
    client.post(url("stream_status", stream.pk), {"status": "live"})
    page = client.get(url("stream", stream.pk)).content.decode()
    assert "can be marked live from an hour before" in page  # ten days before its meeting
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    client.post(url("stream_status", stream.pk), {"status": "live"})
    client.post(url("stream_status", stream.pk), {"status": "finished"})
    response = client.post(
        url("stream_figures", stream.pk),
        {
            "total_views": "900",
            "peak_concurrent_viewers": "120",
            "average_watch": "3:15",
            "source": "Facebook Live video insights",
            "read_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    figures = stream.figures.get()
    assert (figures.total_views, figures.average_watch_seconds) == (900, 195)
    # A councillor sees the figures and who agreed, but none of the buttons.
    page = client_for(people.councillor).get(url("stream", stream.pk)).content.decode()
    assert "900" in page and "3:15" in page and "Portfolio Holder" in page
    assert "Enter viewing figures" not in page and "Change status" not in page


def test_figures_form_rejects_nonsense(client_for, people, channel, make_meeting):
    meeting = make_meeting(starts_at=timezone.now() - dt.timedelta(days=1))
    stream = live_stream_create(actor=people.comms, meeting=meeting, agenda_item="Item 3", channel=channel)
    live_stream_agree(actor=people.comms, stream=stream, agreed_by=people.councillor, agreed_on=timezone.localdate())
    live_stream_set_status(actor=people.comms, stream=stream, status="finished")
    response = client_for(people.comms).post(
        url("stream_figures", stream.pk),
        {
            "total_views": "-1",
            "peak_concurrent_viewers": "x",
            "average_watch": "4:75",
            "source": "",
            "read_on": "tomorrow",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and "Seconds must be less than 60" in page
    assert not stream.figures.exists()


# --- API ------------------------------------------------------------------------------------------------------


def test_api_lists_meetings_promotions_streams_and_figures(client_for, people, promo_channels, make_meeting):
    meeting = make_meeting()
    stream = live_stream_create(actor=people.comms, meeting=meeting, agenda_item="Item 7", platform="youtube")
    live_stream_agree(
        actor=people.comms,
        stream=stream,
        agreed_by_name="Cllr Alan Reid",
        agreed_by_role="Portfolio Holder",
        agreed_on=timezone.localdate(),
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    live_stream_set_status(actor=people.comms, stream=stream, status="finished")
    viewing_figures_record(
        actor=people.comms,
        stream=stream,
        peak_concurrent_viewers=10,
        total_views=50,
        average_watch_seconds=61,
        source="YouTube Studio",
        read_on=timezone.localdate(),
    )
    client = client_for(people.councillor)
    listed = client.get(url("api_meetings") + "?when=past").json()
    assert listed["count"] == 1 and listed["results"][0]["committee"] == "Full Council"
    detail = client.get(url("api_meeting", meeting.pk)).json()
    assert len(detail["promotions"]) == 2 and detail["promotions"][0]["post_status"] == "draft"
    assert detail["live_streams"][0]["stream_status"] == "finished"
    streams = client.get(url("api_streams")).json()["results"]
    assert streams[0]["agreed_by"] == "Cllr Alan Reid" and streams[0]["figures"][0]["total_views"] == 50
    assert client.get(url("api_stream", stream.pk)).json()["platform"] == "youtube"
