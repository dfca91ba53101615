"""Reading calendars: ModernGov-shaped iCalendar and CSV, every problem with its row number."""

from __future__ import annotations

import datetime as dt

from townsquare.meetings.calendar_io import parse_csv, parse_ics

from .conftest import LONDON, moderngov_ics

DATES = {"full_council": dt.date(2031, 4, 2), "cabinet": dt.date(2031, 3, 25), "planning": dt.date(2031, 4, 10)}


def test_moderngov_calendar_is_read_with_its_time_zone_venue_agenda_and_cancellation():
    result = parse_ics(moderngov_ics(**DATES))
    assert result.ok, result.errors
    by_name = {m.committee: m for m in result.meetings}
    assert set(by_name) == {"Full Council", "Cabinet", "Planning Committee"}
    full = by_name["Full Council"]
    # 2 April 2031 is after the clocks go forward: 19:00 BST is 18:00 UTC.
    assert full.starts_at == dt.datetime(2031, 4, 2, 19, 0, tzinfo=LONDON)
    assert full.starts_at.astimezone(dt.UTC).hour == 18
    assert full.ends_at == dt.datetime(2031, 4, 2, 21, 30, tzinfo=LONDON)
    assert full.venue == "Council Chamber, Riverside House, High Street"
    assert full.agenda_url == "https://democracy.riverside.example/ieListDocuments.aspx?CId=130&MId=4101"
    assert full.uid == "riverside-mgMeeting-4101@democracy.riverside.example"
    assert not full.cancelled
    cabinet = by_name["Cabinet"]
    assert cabinet.starts_at.astimezone(dt.UTC).hour == 18 and cabinet.starts_at.astimezone(dt.UTC).minute == 30  # GMT
    # No URL property: the agenda link is found in the description, without the full stop after it.
    assert cabinet.agenda_url == "https://democracy.riverside.example/ieListDocuments.aspx?CId=131&MId=4102"
    assert by_name["Planning Committee"].cancelled


def test_a_calendar_with_bad_events_reports_each_by_number():
    text = moderngov_ics(**DATES).decode()
    text = text.replace("DTSTART;TZID=Europe/London:20310325T183000", "DTSTART;VALUE=DATE:20310325", 1)
    text = text.replace("SUMMARY:Planning Committee", "SUMMARY:", 1)
    result = parse_ics(text.encode())
    assert not result.ok
    numbers = dict(result.errors)
    assert set(numbers) == {2, 3}
    assert "whole day" in numbers[2] and "4102" in numbers[2]
    assert "committee is missing" in numbers[3]


def test_a_repeated_uid_is_a_problem_of_the_later_event():
    text = moderngov_ics(**DATES).decode().replace("mgMeeting-4102", "mgMeeting-4101")
    result = parse_ics(text.encode())
    assert result.errors == [(2, "Same UID as meeting 1.")]


def test_not_a_calendar_at_all():
    assert parse_ics(b"committee,date\nCabinet,2031-01-01\n").errors[0][0] == 0
    assert "no meetings" in parse_ics(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").errors[0][1]
    assert "not an iCalendar (.ics) file: it is not text" in parse_ics(b"\xff\xfe\x00B").errors[0][1]


def test_floating_times_are_council_local_time():
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x1\r\nSUMMARY:Licensing Committee\r\n"
        b"DTSTART:20310115T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    meeting = parse_ics(ics).meetings[0]
    assert meeting.starts_at == dt.datetime(2031, 1, 15, 10, tzinfo=LONDON)


CSV = """committee,date,start time,venue,agenda link
Full Council,02/04/2031,19:00,Council Chamber,https://democracy.riverside.example/a/1
Cabinet,2031-03-25,6.30pm,Committee Room 1,
Planning Committee,2031-04-10,6pm,Council Chamber,https://democracy.riverside.example/a/3
"""


def test_csv_rows_become_meetings_in_local_time():
    result = parse_csv(CSV.encode())
    assert result.ok, result.errors
    assert [m.row for m in result.meetings] == [2, 3, 4]
    assert result.meetings[0].starts_at == dt.datetime(2031, 4, 2, 19, tzinfo=LONDON)
    assert result.meetings[1].starts_at == dt.datetime(2031, 3, 25, 18, 30, tzinfo=LONDON)
    assert result.meetings[2].starts_at.hour == 18
    assert result.meetings[1].agenda_url == ""


def test_csv_bad_rows_are_each_reported_with_their_row_number():
    bad = (
        CSV
        + "\n".join(
            [
                ",2031-05-01,19:00,Chamber,",  # row 5: no committee
                "Audit Committee,31/02/2031,19:00,Chamber,",  # row 6: no such date
                "Audit Committee,2031-05-02,7,Chamber,",  # row 7: morning or evening?
                "Audit Committee,2031-05-03,19:00,Chamber,javascript:alert(1)",  # row 8: not a web address
                "full council,2031-04-02,20:00,Chamber,",  # row 9: same committee and date as row 2
                "Standards Committee,2031-05-04,25:00,Chamber,",  # row 10: no such time
                "Standards Committee,2031-05-05,19:00,Chamber,,postponed",  # row 11: unknown status
            ]
        )
        + "\n"
    )
    bad = bad.replace("agenda link\n", "agenda link,status\n", 1)
    result = parse_csv(bad.encode())
    rows = dict(result.errors)
    assert sorted(rows) == [5, 6, 7, 8, 9, 10, 11]
    assert "committee is missing" in rows[5]
    assert "not a date" in rows[6]
    assert "not a time" in rows[7] and "not a time" in rows[10]
    assert "agenda_link" in rows[8]
    assert rows[9] == "Same committee and date as row 2."
    assert "status" in rows[11]


def test_csv_without_the_needed_columns():
    result = parse_csv(b"name,when\nCabinet,2031-01-01\n")
    assert result.errors == [(1, "The header row lacks the column(s): committee, date, start_time.")]


def test_csv_cancelled_status():
    result = parse_csv(b"committee,date,start_time,status\nCabinet,2031-01-07,18:30,Cancelled\n")
    assert result.meetings[0].cancelled
