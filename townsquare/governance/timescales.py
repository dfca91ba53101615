"""Timescales and statuses as committee reports write them, resolved to dates where possible.

"with immediate effect", "within the next six months", "24th January 2018", "End of October 2015",
"January 2022", "2019/20", "Complete", "Delayed until May 2016". A phrase naming a month without a
day means the end of that month (a committee reads "November 2021" as "by the end of November").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH_RE = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}

DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+({MONTH_RE})\s+(\d{{4}})\b", re.I)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")
MONTH_YEAR = re.compile(rf"\b({MONTH_RE})\s+(\d{{4}})\b", re.I)
FINANCIAL_YEAR = re.compile(r"\b(\d{4})/(\d{2})\b")
IMMEDIATE = re.compile(r"\b(with immediate effect|immediately|with effect from now)\b", re.I)
WITHIN = re.compile(r"\b(?:within|over)\s+(?:the\s+)?(?:next\s+)?([a-z0-9-]+)\s+(day|week|month|year)s?\b", re.I)
FEW = re.compile(r"\b(?:within|in|over)\s+the\s+next\s+(few|couple of)\s+(week|month)s?\b", re.I)
QUARTER_FY = re.compile(r"\bQ([1-4])\s+(\d{4})/(\d{2})\b", re.I)

# Words a report uses for "how long", in days per unit.
UNITS = {
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}
# "A few weeks" is read as four weeks and "a few months" as three: long enough to be fair to the
# owner, short enough that the tracker flags it if nothing happens.
FEW_COUNT = {"week": 4, "month": 3}


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def resolve_due(text: str, *, start: dt.date | None) -> dt.date | None:
    """The date a timescale phrase means, or None when it names no date (or only a status).

    A phrase naming a date no calendar holds ("within 99999999999 months", "Q4 9999/00") names no
    date either: its words are kept, as for any phrase that gives none.
    """
    try:
        return _resolve_due(text, start=start)
    except (ValueError, OverflowError):
        return None


def _resolve_due(text: str, *, start: dt.date | None) -> dt.date | None:
    if not text:
        return None
    if (m := DAY_MONTH_YEAR.search(text)) is not None:
        try:
            return dt.date(int(m[3]), MONTHS[m[2].lower().rstrip(".")], int(m[1]))
        except ValueError:
            return None
    if (m := NUMERIC_DATE.search(text)) is not None:
        try:
            return dt.date(_year(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
    if (m := MONTH_YEAR.search(text)) is not None:
        return _end_of_month(int(m[2]), MONTHS[m[1].lower().rstrip(".")])
    if (m := QUARTER_FY.search(text)) is not None:
        # Financial quarters: Q1 is April to June of the first year.
        first = int(m[2])
        month = {1: 6, 2: 9, 3: 12, 4: 3}[int(m[1])]
        return _end_of_month(first + 1 if month == 3 else first, month)
    if (m := FINANCIAL_YEAR.search(text)) is not None and int(m[2]) == (int(m[1]) + 1) % 100:
        return dt.date(int(m[1]) + 1, 3, 31)  # a financial or municipal year ends on 31 March
    if start is None:
        return None
    if IMMEDIATE.search(text):
        return start
    if (m := FEW.search(text)) is not None:
        unit = m[2].lower()
        return start + UNITS[unit] * FEW_COUNT[unit]
    if (m := WITHIN.search(text)) is not None:
        count_word, unit = m[1].lower(), m[2].lower()
        count = int(count_word) if count_word.isdigit() else NUMBER_WORDS.get(count_word)
        if count is not None:
            return start + UNITS[unit] * count
    return None


@dataclass(frozen=True)
class StatusReading:
    status: str  # an ActionStatus value, or "" when the words give no status
    note: str  # the words as reported, when they say more than the status
    delayed_until: dt.date | None


DELAYED = re.compile(r"^\s*(?:delayed|deferred|postponed)(?:\s+(?:until|to|till)\s+(?P<when>.+?))?\s*\.?$", re.I)


def read_status(text: str) -> StatusReading:
    """Read a status cell: 'Complete', 'Delayed until May 2016', 'In progress', 'Complete in CSC...'."""
    words = " ".join(text.split())
    lowered = words.lower().rstrip(".")
    if not lowered:
        return StatusReading("", "", None)
    if (m := DELAYED.match(words)) is not None:
        when = m["when"] or ""
        return StatusReading("delayed", words, resolve_due(when, start=None) if when else None)
    if lowered in {"complete", "completed", "done", "achieved", "implemented"}:
        return StatusReading("complete", "", None)
    if lowered.startswith(("complete", "completed", "partly complete", "partially complete")):
        # Complete in part, with more to do: still in progress, the words kept as the note.
        return StatusReading("in_progress", words, None)
    if lowered in {"in progress", "ongoing", "underway", "under way", "started", "on track"}:
        return StatusReading("in_progress", "", None)
    if lowered in {"not started", "not yet started", "to do", "planned"}:
        return StatusReading("not_started", "", None)
    return StatusReading("", words, None)


LEADING_TIMESCALE = re.compile(
    rf"^\s*(?P<when>(?:(?:end|beginning|start|middle|mid)\s+of\s+|by\s+(?:the\s+end\s+of\s+)?)?"
    rf"(?:\d{{1,2}}\s*(?:st|nd|rd|th)?\s+)?{MONTH_RE}\s+\d{{4}})\s*(?P<rest>.*)$",
    re.I,
)


def split_timescale(cell: str) -> tuple[str, StatusReading]:
    """Split 'End of October 2015 Complete' into the timescale and the status that follows it.

    A cell that is only a status ('Complete') keeps its words as the timescale too, as the report
    printed them; a cell that is only a date ('January 2022') has no status.
    """
    words = " ".join(cell.split())
    if (m := LEADING_TIMESCALE.match(words)) is not None:
        rest = m["rest"].strip()
        return m["when"], read_status(rest) if rest else StatusReading("", "", None)
    status = read_status(words)
    if status.status:
        return words, status
    return words, StatusReading("", "", None)
