"""CSV import and export of the channel register.

Import is all or nothing: every row is validated first; if any row is bad, the person gets every
problem with its row number and nothing is saved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.forms import ChannelForm, known_handles
from townsquare.channels.handles import handle_normalise, handle_skeleton
from townsquare.channels.models import Channel, Platform
from townsquare.channels.selectors import Shortfall
from townsquare.channels.services import channel_save_form
from townsquare.councils.models import Council, Service
from townsquare.councils.services import service_get_or_create
from townsquare.web.importing import FILE, CsvRowError, csv_rows, not_text_message

COLUMNS = [
    "platform",
    "name",
    "handle",
    "url",
    "service",
    "owner_email",
    "deputy_email",
    "digital_access_confirmed_on",
    "branding_checked_on",
    "platform_two_factor",
    "status",
    "last_post_at",
    "notes",
]
REQUIRED = {"platform", "name", "handle"}
# Every row is checked through the register's form before anything is saved, in the request. A file
# of this many rows finishes inside the web server's 30-second timeout on a 2-core server even when it
# is six times oversubscribed (20 rows/s saved, bench/channel_import_bench.py); a larger file is refused
# before any row is checked.
MAX_ROWS = 500
MAX_BYTES = 10 * 1024 * 1024
TRUE_WORDS = {"yes", "y", "true", "1", "on"}
FALSE_WORDS = {"no", "n", "false", "0", "off"}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def safe_cell(value: object) -> str:
    """Stop spreadsheet formula injection in exported cells (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _bool_word(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def channel_row(channel: Channel) -> list[str]:
    return [
        safe_cell(v)
        for v in (
            channel.platform,
            channel.name,
            channel.handle,
            channel.url,
            channel.service.name if channel.service else "",
            channel.owner.email if channel.owner else "",
            channel.deputy.email if channel.deputy else "",
            _fmt_date(channel.digital_access_confirmed_on),
            _fmt_date(channel.branding_checked_on),
            _bool_word(channel.platform_two_factor),
            channel.status,
            _fmt_date(channel.last_post_at),
            channel.notes,
        )
    ]


def channels_to_csv(channels: Iterable[Channel]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "connection_state"])
    for channel in channels:
        writer.writerow([*channel_row(channel), channel.connection_state])
    return out.getvalue()


def shortfalls_to_csv(shortfalls: Iterable[Shortfall]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "failing_standards"])
    for item in shortfalls:
        writer.writerow([*channel_row(item.channel), safe_cell("; ".join(item.reasons))])
    return out.getvalue()


def _parse_date(text: str) -> str:
    """Accept ISO dates and the UK's day/month/year; return ISO for the form, or raise ValueError."""
    text = text.strip()
    if not text:
        return ""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _parse_datetime(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            continue
    return _parse_date(text)


def _platform(text: str) -> str:
    word = text.strip().lower()
    for value, label in Platform.choices:
        if word in {value, label.lower()} or (value == "x" and word == "twitter"):
            return value
    raise ValueError(f"'{text}' is not a platform ({', '.join(Platform.values)})")


def _form_data(
    row: dict[str, str], council: Council, people: dict[str, int], services: dict[str, int], existing: Channel | None
) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    data: dict[str, Any] = {
        "name": row.get("name", "").strip(),
        "handle": row.get("handle", "").strip(),
        "url": row.get("url", "").strip(),
        "status": row.get("status", "").strip().lower().replace(" ", "_") or Channel.Status.ACTIVE,
        "notes": row.get("notes", "").strip(),
        "assignees": list(existing.assignees.values_list("pk", flat=True)) if existing else [],
    }
    try:
        data["platform"] = _platform(row.get("platform", ""))
    except ValueError as exc:
        problems.append(str(exc))
    for column in ("owner_email", "deputy_email"):
        email = row.get(column, "").strip().lower()
        if email and email not in people:
            problems.append(f"{column}: {email} has no role at {council.name}")
        data[column.removesuffix("_email")] = people.get(email, "")
    service = row.get("service", "").strip()
    data["service"] = services.get(service.lower(), "") if service else ""
    for column in ("digital_access_confirmed_on", "branding_checked_on"):
        try:
            data[column] = _parse_date(row.get(column, ""))
        except ValueError as exc:
            problems.append(f"{column}: {exc}")
    try:
        data["last_post_at"] = _parse_datetime(row.get("last_post_at", ""))
    except ValueError as exc:
        problems.append(f"last_post_at: {exc}")
    word = row.get("platform_two_factor", "").strip().lower()
    if word in TRUE_WORDS:
        data["platform_two_factor"] = "true"
    elif word in FALSE_WORDS:
        data["platform_two_factor"] = "false"
    elif word in {"", "unknown", "not known"}:
        data["platform_two_factor"] = "unknown"
    else:
        problems.append(f"platform_two_factor: '{word}' is not yes or no")
    return data, problems


def _count_rows(text: str) -> int:
    """How many rows the file holds (header included), counted before any is checked."""
    count = 0
    try:
        for count, _ in csv_rows(text):  # noqa: B007
            pass
    except CsvRowError:
        pass  # reported with its row number when the rows are read
    return count


def _records(
    rows: Iterator[tuple[int, list[str]]], header: list[str], result: ImportResult
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-empty row after the header as column: value; a row the reader cannot read is a problem."""
    try:
        for number, cells in rows:
            row = {k: v for k, v in zip(header, cells, strict=False) if k}
            if any(v.strip() for v in row.values()):
                yield number, row
    except CsvRowError as error:
        result.errors.append((error.row, error.message))


def channels_import_csv(
    *, actor: User, council: Council, upload: bytes, dry_run: bool = False, name: str = "channels.csv"
) -> ImportResult:
    """Validate every row, then save all of them in one transaction, or none."""
    result = ImportResult()
    if len(upload) > MAX_BYTES:
        result.errors.append((FILE, "The file is larger than 10 MB."))
        return result
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((FILE, not_text_message(name=name, expected="csv")))
        return result
    if (count := _count_rows(text)) > MAX_ROWS + 1:
        result.errors.append(
            (
                FILE,
                f"The file has {count - 1:,} rows under its header: the most one import takes "
                f"is {MAX_ROWS:,}. Split it into files of up to {MAX_ROWS:,} rows and import "
                f"each in turn.",
            )
        )
        return result
    rows = csv_rows(text)
    try:
        _, first = next(rows, (1, []))
    except CsvRowError as error:
        result.errors.append((error.row, error.message))
        return result
    header = [h.strip().lower() for h in first]
    if not any(header):
        result.errors.append(
            (FILE, "The file is empty: it needs a header row naming the columns, then a row a channel.")
        )
        return result
    missing = REQUIRED - set(header)
    if missing:
        result.errors.append((1, f"The header row lacks the column(s): {', '.join(sorted(missing))}."))
        return result
    people = {
        email.lower(): pk
        for pk, email in User.objects.filter(memberships__council=council).values_list("pk", "email").distinct()
    }
    services = {s.name.lower(): s.pk for s in Service.objects.filter(council=council)}
    existing = {(c.platform, handle_normalise(c.handle).lower()): c for c in Channel.objects.filter(council=council)}
    known = known_handles(council)
    forms: list[tuple[ChannelForm, str]] = []  # each valid row's form, with a service to create
    seen: dict[tuple[str, str], int] = {}
    for number, row in _records(rows, header, result):
        platform_word = row.get("platform", "").strip().lower()
        platform_value = "x" if platform_word == "twitter" else platform_word
        handle = handle_normalise(row.get("handle", ""))
        looks = (platform_value, handle_skeleton(handle))
        if looks in seen:
            result.errors.append(
                (number, f"Same platform and handle as row {seen[looks]}, or one that looks the same.")
            )
            continue
        seen[looks] = number
        instance = existing.get((platform_value, handle.lower()))
        data, problems = _form_data(row, council, people, services, instance)
        form = ChannelForm(data=data, instance=instance, council=council, known_handles=known)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = "row" if name == "__all__" else name
                problems.extend(f"{label}: {error}" for error in errors)
        result.errors.extend((number, problem) for problem in problems)
        service_name = row.get("service", "").strip()
        forms.append((form, service_name if service_name and not data["service"] else ""))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for form, new_service in forms:
            before = None if form.instance.pk is None else channel_row(Channel.objects.get(pk=form.instance.pk))
            if new_service:
                # Services named in the file but not yet known are created with the import.
                form.instance.service = service_get_or_create(actor=actor, council=council, name=new_service)
            channel = channel_save_form(actor=actor, form=form)
            if before is None:
                result.created += 1
            elif channel_row(channel) != before:
                result.updated += 1
            else:
                result.unchanged += 1
    return result
