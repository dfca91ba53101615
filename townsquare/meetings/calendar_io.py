"""Reading a meeting calendar: iCalendar (ModernGov's feeds and exports) or CSV, into typed rows.

Parsing never touches the database. Every row is checked; the caller saves nothing when any row
is bad (all or nothing), and each problem carries its row number: the CSV line, or the event's
position in the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from townsquare.web.importing import FILE, CsvRowError, csv_rows, not_text_message

# Under Django's 2.5 MB form limit: the preview page sends the file back in a hidden field to confirm.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
EARLIEST_YEAR = 2000
YEARS_AHEAD = 10
CSV_COLUMNS = ["committee", "date", "start_time", "venue", "agenda_link"]
_ALIASES = {
    "committee": "committee",
    "meeting": "committee",
    "date": "date",
    "start_time": "start_time",
    "start": "start_time",
    "time": "start_time",
    "venue": "venue",
    "location": "venue",
    "agenda_link": "agenda_link",
    "agenda": "agenda_link",
    "agenda_url": "agenda_link",
    "link": "agenda_link",
    "status": "status",
}
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")
_url_ok = URLValidator(schemes=["http", "https"])


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ParsedMeeting:
    row: int
    committee: str
    starts_at: dt.datetime
    venue: str = ""
    agenda_url: str = ""
    uid: str = ""
    ends_at: dt.datetime | None = None
    cancelled: bool = False

    @property
    def local_date(self) -> dt.date:
        return self.starts_at.astimezone(local_zone()).date()


@dataclass
class ParseResult:
    meetings: list[ParsedMeeting] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        _url_ok(value)
    except ValidationError as exc:
        raise ValueError(f"'{value[:80]}' is not a web address starting http:// or https://") from exc
    if len(value) > 1000:
        raise ValueError("the agenda link is longer than 1,000 characters")
    return value


def _decode(upload: bytes, result: ParseResult, *, expected: str, name: str) -> str | None:
    if len(upload) > MAX_BYTES:
        result.errors.append((FILE, "The file is larger than 2 MB."))
        return None
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        result.errors.append((FILE, not_text_message(name=name, expected=expected)))
        return None
    return text


def _check_year(starts_at: dt.datetime, what: str) -> None:
    """A meeting more than YEARS_AHEAD years ahead, or before 2000, is a typing slip in the year."""
    today = dt.date.today()
    if starts_at.year < EARLIEST_YEAR or starts_at.year > today.year + YEARS_AHEAD:
        raise ValueError(
            f"{what}: {starts_at:%d/%m/%Y} is not a likely meeting date (from {EARLIEST_YEAR} to "
            f"{today.year + YEARS_AHEAD}): check the year"
        )


def _check_lengths(committee: str, venue: str) -> list[str]:
    problems = []
    if not committee:
        problems.append("the committee is missing")
    elif len(committee) > 200:
        problems.append("the committee's name is longer than 200 characters")
    if len(venue) > 300:
        problems.append("the venue is longer than 300 characters")
    return problems


# --- iCalendar ----------------------------------------------------------------------------------------


def _as_local_datetime(value: object, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        # A floating time (no TZID) is the council's own local time, as ModernGov writes it.
        return value if value.tzinfo is not None else value.replace(tzinfo=local_zone())
    if isinstance(value, dt.date):
        raise ValueError(f"{what} is a whole day ({value:%d/%m/%Y}) with no start time")
    raise ValueError(f"{what} is not a date and time")


def _event(number: int, event: object) -> ParsedMeeting:
    get = event.get  # type: ignore[attr-defined]
    uid = str(get("UID", "") or "").strip()
    committee = " ".join(str(get("SUMMARY", "") or "").split())
    venue = " ".join(str(get("LOCATION", "") or "").split())
    problems = _check_lengths(committee, venue)
    if len(uid) > 500:
        problems.append("the UID is longer than 500 characters")
    starts_at = ends_at = None
    start = get("DTSTART")
    if start is None:
        problems.append("DTSTART (the start) is missing")
    else:
        try:
            starts_at = _as_local_datetime(start.dt, "DTSTART")
            _check_year(starts_at, "DTSTART")
        except ValueError as exc:
            problems.append(str(exc))
    end = get("DTEND")
    if end is not None:
        try:
            ends_at = _as_local_datetime(end.dt, "DTEND")
            _check_year(ends_at, "DTEND")
        except ValueError:
            ends_at = None  # an odd end time does not stop the meeting being promoted
    agenda = str(get("URL", "") or "").strip()
    if not agenda:
        found = _URL_IN_TEXT.search(str(get("DESCRIPTION", "") or ""))
        agenda = found.group(0).rstrip(".,;)") if found else ""
    try:
        agenda = _clean_url(agenda)
    except ValueError as exc:
        problems.append(f"URL: {exc}")
    if problems:
        raise ValueError("; ".join(problems))
    assert starts_at is not None
    if ends_at is not None and ends_at < starts_at:
        ends_at = None
    cancelled = str(get("STATUS", "") or "").strip().upper() == "CANCELLED"
    return ParsedMeeting(
        row=number,
        committee=committee,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        agenda_url=agenda,
        uid=uid,
        cancelled=cancelled,
    )


def parse_ics(upload: bytes, *, name: str = "calendar.ics") -> ParseResult:
    """Every VEVENT of the calendar; problems numbered by the event's position (1 = first)."""
    import icalendar

    result = ParseResult()
    text = _decode(upload, result, expected="ics", name=name)
    if text is None:
        return result
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        result.errors.append((FILE, f"This is not an iCalendar file: {str(exc)[:200]}"))
        return result
    events = calendar.walk("VEVENT")
    if not events:
        result.errors.append((FILE, "The calendar has no meetings (no VEVENT entries)."))
        return result
    seen: dict[str, int] = {}
    for number, event in enumerate(events, start=1):
        if number > MAX_ROWS:
            result.errors.append((number, f"More than {MAX_ROWS} meetings: split the calendar."))
            break
        try:
            parsed = _event(number, event)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            uid = str(event.get("UID", "") or "")[:60]
            result.errors.append((number, f"{str(exc)[:300]}{f' (UID {uid})' if uid else ''}"))
            continue
        if parsed.uid:
            if parsed.uid in seen:
                result.errors.append((number, f"Same UID as meeting {seen[parsed.uid]}."))
                continue
            seen[parsed.uid] = number
        result.meetings.append(parsed)
    return result


# --- CSV ----------------------------------------------------------------------------------------------


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date: '{text[:40]}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def _parse_time(text: str) -> dt.time:
    """19:00, 7pm, 7.30 pm, 7:30pm; a bare "7" is refused (morning or evening?)."""
    found = _TIME.match(text.strip())
    if found:
        hour, minute, half = int(found.group(1)), int(found.group(2) or 0), (found.group(3) or "").lower()
        valid = False
        if half:
            valid = 1 <= hour <= 12
            hour = hour % 12 + (12 if half == "pm" else 0)
        else:
            valid = found.group(2) is not None
        if valid and hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValueError(f"start_time: '{text.strip()[:20]}' is not a time (use 19:00 or 7pm)")


def _csv_records(text: str, result: ParseResult) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-empty row after the header as column: value (columns by their usual names)."""
    header: list[str] = []
    try:
        for number, cells in csv_rows(text):
            if number == 1:
                header = [_ALIASES.get(h.strip().lower().replace(" ", "_"), h.strip().lower()) for h in cells]
                missing = {"committee", "date", "start_time"} - set(header)
                if missing:
                    result.errors.append((1, f"The header row lacks the column(s): {', '.join(sorted(missing))}."))
                    return
                continue
            row = {k: v.strip() for k, v in zip(header, cells, strict=False) if k}
            if any(row.values()):
                yield number, row
    except CsvRowError as error:
        result.errors.append((error.row, error.message))


def parse_csv(upload: bytes, *, name: str = "meetings.csv") -> ParseResult:
    """Rows of committee, date, start_time, venue, agenda_link (and optionally status: cancelled)."""
    result = ParseResult()
    text = _decode(upload, result, expected="csv", name=name)
    if text is None:
        return result
    zone = local_zone()
    seen: dict[tuple[str, dt.date], int] = {}
    for number, row in _csv_records(text, result):
        if number - 1 > MAX_ROWS:
            result.errors.append((number, f"More than {MAX_ROWS:,} rows: split the file."))
            break
        committee, venue = " ".join(row.get("committee", "").split()), row.get("venue", "")
        problems = _check_lengths(committee, venue)
        day = start = None
        try:
            day = _parse_date(row.get("date", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            start = _parse_time(row.get("start_time", ""))
        except ValueError as exc:
            problems.append(str(exc))
        agenda = ""
        try:
            agenda = _clean_url(row.get("agenda_link", ""))
        except ValueError as exc:
            problems.append(f"agenda_link: {exc}")
        status = row.get("status", "").lower()
        if status not in {"", "cancelled", "canceled", "confirmed", "scheduled"}:
            problems.append(f"status: '{status[:20]}' is not 'cancelled' or empty")
        if problems:
            result.errors.append((number, "; ".join(problems)))
            continue
        assert day is not None and start is not None
        try:
            _check_year(dt.datetime.combine(day, start), "date")
        except ValueError as exc:
            result.errors.append((number, str(exc)))
            continue
        key = (committee.lower(), day)
        if key in seen:
            result.errors.append((number, f"Same committee and date as row {seen[key]}."))
            continue
        seen[key] = number
        result.meetings.append(
            ParsedMeeting(
                row=number,
                committee=committee,
                starts_at=dt.datetime.combine(day, start, tzinfo=zone),
                venue=venue,
                agenda_url=agenda,
                cancelled=status in {"cancelled", "canceled"},
            )
        )
    if not result.meetings and not result.errors:
        result.errors.append((FILE, "The file has no meetings in it: it needs a header row, then a row a meeting."))
    return result
