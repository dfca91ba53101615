"""What every import shares: reading CSV rows with their numbers, and describing problems in plain words.

Each import (channels, action plans, meetings) checks every row and saves nothing if any is bad.
Problems with the file as a whole (too large, not text) carry row ``FILE`` and are shown without a
row number; problems with a row carry the row number a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

FILE = 0  # a problem with the whole file, not one row

MAX_CELL = csv.field_size_limit()


class CsvRowError(ValueError):
    """A row the CSV reader cannot read; ``row`` is its number (the header is row 1)."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def _reader_message(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a cell is longer than {MAX_CELL:,} characters, the most one cell may hold: shorten it or split it"
    if "new-line character seen in unquoted field" in str(error):
        return "a line break inside a cell that is not in quotes: save the file from your spreadsheet as CSV"
    return f"the row cannot be read as CSV ({str(error)[:100]})"


def csv_rows(text: str, **options: str) -> Iterator[tuple[int, list[str]]]:
    """Each row of ``text`` with its number (1 = the first, usually the header).

    The number counts rows as a spreadsheet does (a cell with line breaks stays one row). Raises
    ``CsvRowError`` for a row the reader cannot read; reading stops there.
    """
    reader = csv.reader(io.StringIO(text, newline=""), **options)  # type: ignore[arg-type]
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvRowError(number, _reader_message(error)) from None
        yield number, row


def not_text_message(*, name: str, expected: str) -> str:
    """What to say about a file that is not text in UTF-8, for the kind of file the import wanted."""
    lowered = name.lower()
    if expected == "ics" or lowered.endswith((".ics", ".ical", ".ifb")):
        return (
            "The file is not an iCalendar (.ics) file: it is not text. Export the calendar again from your "
            "committee system, or use the feed's address."
        )
    if lowered.endswith((".xlsx", ".xls", ".ods", ".numbers")):
        return "The file is a spreadsheet, not a CSV file. In your spreadsheet, choose Save As and then 'CSV UTF-8'."
    return "The file is not text in UTF-8. If it came from a spreadsheet, save it again as 'CSV UTF-8'."


def problem_text(row: int, problem: str) -> str:
    """One problem as a sentence: "Row 3: ..." for a row, the problem alone for the whole file."""
    return problem if row == FILE else f"Row {row}: {problem}"
