"""Reading a council's own history of its accounts' figures from CSV or XLSX, checked all together.

The machine format is one row a figure: ``date,platform,channel,metric,value``. Spreadsheets kept by
hand have other headings: a column mapping names which column holds each field. Every problem is
reported with the spreadsheet's own row number (the heading is row 1) and nothing is stored unless
every row is right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.measures.models import Metric
from townsquare.measures.services import Figure

FIELDS = ("date", "platform", "channel", "metric", "value")
MAX_ROWS = 200_000
MAX_CELL = 1_000
MAX_ERRORS = 50
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV or XLSX, no heading, too many rows)."""


@dataclass
class Parsed:
    figures: list[Figure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.figures)


def handle_key(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


def table_from_upload(name: str, content: bytes) -> list[list[str]]:
    """The file's rows as text cells: XLSX by its content, otherwise CSV in UTF-8."""
    if content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{name} is neither an XLSX workbook nor a CSV file in UTF-8 text.") from exc
    try:
        csv.field_size_limit(MAX_CELL * 10)
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ImportFileError(f"{name} could not be read as CSV: {exc}.") from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError("The workbook could not be opened: save it again as XLSX.") from exc
    sheet = book.worksheets[0]
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime) else str(v)) for v in values]
        if any(c.strip() for c in cells):
            rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def machine_mapping(heading: Sequence[str]) -> dict[str, int]:
    """The mapping for the fixed machine format; ImportFileError when the heading is not exactly it."""
    names = [h.strip().lower() for h in heading]
    if names != list(FIELDS):
        raise ImportFileError(f"The first row must be exactly: {','.join(FIELDS)} (found: {','.join(names)}).")
    return {name: i for i, name in enumerate(FIELDS)}


def _day(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not dt.date(2000, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=1):
            raise ValueError(f"the date {text} is outside 2000 to today")
        return day
    raise ValueError(f"“{text}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _value(text: str) -> int:
    cleaned = re.sub(r"[,\s]", "", text)
    if not re.fullmatch(r"\d{1,15}(\.0+)?", cleaned):
        raise ValueError(f"“{text[:40]}” is not a whole number of 0 or more")
    return int(float(cleaned)) if "." in cleaned else int(cleaned)


def figures_parse(
    *, council: Council, rows: Iterable[Sequence[str]], mapping: dict[str, int], first_row: int = 2
) -> Parsed:
    """Check every row against the council's register; all the problems, or all the figures."""
    missing = [f for f in FIELDS if f not in mapping]
    if missing:
        raise ImportFileError(f"Choose a column for: {', '.join(missing)}.")
    channels = {(c.platform, handle_key(c.handle)): c.pk for c in Channel.objects.filter(council=council)}
    platforms = {p for p, _ in channels}
    metrics = {m.value for m in Metric}
    parsed = Parsed()
    seen: dict[tuple[int, str, dt.date], int] = {}
    for number, row in enumerate(rows, start=first_row):
        parsed.rows += 1
        if parsed.rows > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it by year.")
        if len(parsed.errors) >= MAX_ERRORS:
            continue
        cell = {name: (row[i].strip() if i < len(row) else "") for name, i in mapping.items()}
        problems: list[str] = []
        if any(len(v) > MAX_CELL for v in cell.values()):
            parsed.errors.append(f"Row {number}: a cell is longer than {MAX_CELL} characters.")
            continue
        try:
            day = _day(cell["date"])
        except ValueError as exc:
            problems.append(str(exc))
            day = None
        platform = cell["platform"].lower()
        channel_id = channels.get((platform, handle_key(cell["channel"])))
        if platform not in platforms:
            problems.append(f"no channel on the platform “{cell['platform'][:40]}” in the register")
        elif channel_id is None:
            problems.append(f"no {platform} channel with the handle “{cell['channel'][:60]}” in the register")
        metric = cell["metric"].lower()
        if metric not in metrics:
            problems.append(f"“{cell['metric'][:40]}” is not a measure ({', '.join(sorted(metrics))})")
        try:
            value = _value(cell["value"])
        except ValueError as exc:
            problems.append(str(exc))
        if problems:
            parsed.errors.append(f"Row {number}: " + "; ".join(problems) + ".")
            continue
        assert day is not None and channel_id is not None
        key = (channel_id, metric, day)
        if key in seen:
            parsed.errors.append(f"Row {number}: the same channel, measure and date as row {seen[key]}.")
            continue
        seen[key] = number
        parsed.figures.append(Figure(channel_id, day, metric, value))
    if not parsed.errors and not parsed.figures:
        parsed.errors.append("The file has a heading but no figures.")
    return parsed


def table_preview(rows: list[list[str]], limit: int = 10) -> list[list[Any]]:
    return [row[:20] for row in rows[: limit + 1]]
