"""Every import (channels, action plans, meetings) turns bad files into clear, row-numbered messages."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from townsquare.channels.models import Channel
from townsquare.governance.models import ActionPlan
from townsquare.governance.timescales import resolve_due
from townsquare.meetings.calendar_io import parse_csv, parse_ics
from townsquare.meetings.models import Meeting
from townsquare.web import uploads

BIG_CELL = "x" * 131_073
ICS_9999 = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\nUID:far@riverside\r\nSUMMARY:Cabinet\r\n"
    b"DTSTART:99991231T235959Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x81\x00"


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- channels -------------------------------------------------------------------------------------


def test_channel_import_names_the_row_of_an_over_long_cell(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    body = f"platform,name,handle,notes\nfacebook,A,a,short\nfacebook,B,b,{BIG_CELL}\n".encode()
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": _file("c.csv", body)})
    text = page.content.decode()
    assert page.status_code == 200 and "Row 3: a cell is longer than 131,072 characters" in text
    assert not Channel.objects.exists()


def test_channel_import_file_problems_have_no_row_zero(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": _file("c.xlsx", BINARY)})
    text = page.content.decode()
    assert "Row 0" not in text and "a spreadsheet, not a CSV file" in text
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": _file("c.csv", b"\n")})
    assert "The file is empty" in page.content.decode() and "Choose a CSV file" not in page.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
def test_an_upload_past_the_limit_is_dropped_as_it_streams_and_said_to_be_too_large(
    people: SimpleNamespace, client_for, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100_000)
    seen: list[int] = []
    original = uploads.LimitedUploadHandler.receive_data_chunk

    def counting(self: uploads.LimitedUploadHandler, raw: bytes, start: int) -> bytes | None:
        seen.append(len(raw))
        return original(self, raw, start)

    monkeypatch.setattr(uploads.LimitedUploadHandler, "receive_data_chunk", counting)
    big = b"platform,name,handle\n" + b"facebook,A,a\n" * 20_000
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": _file("c.csv", big)})
    text = page.content.decode()
    assert "The file is larger than" in text and "Choose a CSV file" not in text
    assert sum(seen) <= 100_000 + 64 * 1024  # stopped within one chunk of the limit
    page = client_for(people.comms).post(
        "/c/riverside/meetings/import/", {"action": "upload", "file": _file("m.ics", big)}
    )
    assert "The file is larger than" in page.content.decode()
    page = client_for(people.comms).post("/c/riverside/governance/actions/import/", {"file": _file("t.csv", big)})
    assert "The file is larger than" in page.content.decode() and "choose a file" not in page.content.decode()
    assert not Channel.objects.exists()


# --- action plans ---------------------------------------------------------------------------------


def test_an_absurd_timescale_names_no_date_instead_of_failing() -> None:
    start = dt.date(2030, 1, 1)
    assert resolve_due("within 99999999999 months", start=start) is None
    assert resolve_due("Q4 9999/00", start=start) is None and resolve_due("January 0000", start=start) is None
    assert resolve_due("within 6 months", start=start) == dt.date(2030, 7, 1)


def test_action_plan_import_keeps_the_words_of_an_absurd_timescale(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    text = "Recommendation,Timescale\nPublish the register,within 99999999999 months\n"
    api = client_for(people.comms).post(
        "/api/councils/riverside/governance/action-plans/import/",
        {"text": text, "dry_run": True, "meeting_on": "2030-01-01"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["rows"][0]["due_on"] is None
    page = client_for(people.comms).post(
        "/c/riverside/governance/actions/import/",
        {"text": text, "meeting_on": "2030-01-01", "confirm": "yes", "title": "Register"},
    )
    assert page.status_code == 302
    assert ActionPlan.objects.get().recommendations.get().due_on is None


def test_action_plan_import_names_the_row_of_an_over_long_cell(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    text = f"Recommendation,Timescale\nFirst,now\n{BIG_CELL},now\n"
    page = client_for(people.comms).post("/c/riverside/governance/actions/import/", {"text": text})
    assert page.status_code == 200 and "Row 3 of the table" in page.content.decode()
    api = client_for(people.comms).post(
        "/api/councils/riverside/governance/action-plans/import/",
        {"text": text, "dry_run": True},
        content_type="application/json",
    )
    assert api.status_code == 400 and "131,072" in api.json()["detail"][0]
    assert not ActionPlan.objects.exists()


def test_action_plan_import_says_what_is_wrong_with_the_file_chosen(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(people.comms)
    for content, expected in ((b"  \n\n", "has nothing in it"), (b"PK\x03\x04\x00\x81\x8d", "not text")):
        page = client.post("/c/riverside/governance/actions/import/", {"file": _file("report.docx", content)})
        text = page.content.decode()
        assert expected in text and "choose a file" not in text


# --- meetings -------------------------------------------------------------------------------------


def test_a_meeting_in_year_9999_is_a_row_problem_not_a_failure(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    assert parse_csv(b"committee,date,start_time\nCabinet,31/12/9999,11pm\n").errors[0][0] == 2
    assert "check the year" in parse_ics(ICS_9999).errors[0][1]
    client = client_for(people.comms)
    page = client.post(
        "/c/riverside/meetings/import/",
        {"action": "upload", "file": _file("m.csv", b"committee,date,start_time\nCabinet,31/12/9999,11pm\n")},
    )
    assert page.status_code == 200 and "Row 2: date: 31/12/9999 is not a likely meeting date" in page.content.decode()
    page = client.post("/c/riverside/meetings/import/", {"action": "upload", "file": _file("m.ics", ICS_9999)})
    assert page.status_code == 200 and "Meeting 1: DTSTART: 31/12/9999" in page.content.decode()
    page = client.post(
        "/c/riverside/meetings/import/", {"action": "confirm", "kind": "ics", "content": ICS_9999.decode()}
    )
    assert page.status_code == 200 and not Meeting.objects.exists()


def test_meeting_import_names_the_row_of_an_over_long_cell(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    body = f"committee,date,start_time,venue\nCabinet,31/12/2030,7pm,{BIG_CELL}\n".encode()
    page = client_for(people.comms).post(
        "/c/riverside/meetings/import/", {"action": "upload", "file": _file("m.csv", body)}
    )
    assert page.status_code == 200 and "Row 2: a cell is longer than 131,072" in page.content.decode()


def test_a_binary_ics_is_not_told_to_save_as_csv(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(people.comms).post(
        "/c/riverside/meetings/import/", {"action": "upload", "file": _file("calendar.ics", BINARY)}
    )
    text = page.content.decode()
    assert "not an iCalendar (.ics) file" in text and "CSV UTF-8" not in text and "Row 0" not in text
    page = client_for(people.comms).post(
        "/c/riverside/meetings/import/", {"action": "upload", "file": _file("m.csv", io.BytesIO(b"").read())}
    )
    assert "The file you chose is empty" in page.content.decode()


def test_a_channel_file_over_the_row_limit_is_refused_before_any_row_is_checked(
    people: SimpleNamespace, client_for, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from townsquare.channels import csv_io

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a row was checked")

    monkeypatch.setattr(csv_io, "ChannelForm", never)
    rows = csv_io.MAX_ROWS + 5
    body = ("platform,name,handle\n" + "".join(f"facebook,Page {n},Page{n}\n" for n in range(rows))).encode()
    page = client_for(people.comms).post("/c/riverside/channels/import/", {"file": _file("c.csv", body)})
    text = page.content.decode()
    assert f"The file has {rows:,} rows under its header" in text and "Row 0" not in text
    assert not Channel.objects.exists()
