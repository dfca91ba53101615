"""Read a committee report's recommendations table into rows, saving nothing.

Reports arrive as text pasted from Word or a PDF (tab-separated, cells that wrap onto the next
line), CSV, an HTML table, a Markdown table, or prose with "Recommendation N" headings and
"Implementation - ..." lines. Each becomes the same ``ParsedRow``s; the person checks them before
anything is saved (see ``services.action_plan_import``).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from townsquare.governance.import_rows import (
    MAX_IMPORT_CHARS,
    ImportProblem,
    ParsedRow,
    ParsedTable,
    _header_map,
    clean,
    split_sub_items,
)
from townsquare.governance.timescales import (
    DAY_MONTH_YEAR,
    FEW,
    IMMEDIATE,
    MONTH_YEAR,
    WITHIN,
    read_status,
    resolve_due,
    split_timescale,
)
from townsquare.web.importing import CsvRowError, csv_rows

# The rows and their cleaning are in import_rows.py; these names are importable from here too.
__all__ = ["MAX_IMPORT_CHARS", "ImportProblem", "ParsedRow", "ParsedTable", "parse_action_table"]

# --- Grids from each format -----------------------------------------------------------------------


class _TableHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.before: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []
        elif tag in {"br", "p", "li"} and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row.append(clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._row is None and data.strip():
            self.before.append(data.strip())


def _grid_html(text: str) -> tuple[list[str], list[list[str]]]:
    parser = _TableHTML()
    parser.feed(text)
    parser.close()
    return parser.before, parser.rows


MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _grid_markdown(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    before: list[str] = []
    rows: list[list[str]] = []
    for line in lines:
        if line.strip().startswith("|"):
            if MD_SEPARATOR.match(line):
                continue
            inner = line.strip().strip("|")
            rows.append([clean(c) for c in re.split(r"(?<!\\)\|", inner)])
        elif not rows:
            before.append(line)
    return before, rows


def _grid_delimited(lines: list[str], delimiter: str) -> tuple[list[str], list[list[str]]]:
    """Rows of a tab- or comma-separated table, keeping the lines before its heading row."""
    before: list[str] = []
    start = None
    for i, line in enumerate(lines):
        try:
            cells = next(csv_rows(line, delimiter=delimiter), (0, []))[1] if line.strip() else []
        except CsvRowError as error:
            raise ImportProblem(f"Line {i + 1}: {error.message}.") from None
        if len(cells) > 1 and _header_map(cells) is not None:
            start = i
            break
        before.append(line)
    if start is None:
        return before, []
    rows: list[list[str]] = []
    if delimiter == ",":
        try:
            return before, [
                [clean(c) for c in row] for _, row in csv_rows("\n".join(lines[start:])) if any(c.strip() for c in row)
            ]
        except CsvRowError as error:
            raise ImportProblem(f"Row {error.row} of the table (its heading is row 1): {error.message}.") from None
    body = lines[start:]
    for i, line in enumerate(body):
        if not line.strip():
            continue
        if delimiter not in line:
            # A line with no tab is either the first cell wrapping onto a line of its own (the next
            # line carries on the table) or the end of the table.
            following = next((ln for ln in body[i + 1 :] if ln.strip()), "")
            if delimiter in following and rows:
                rows.append([clean(line)])
                continue
            break
        rows.append([clean(c) for c in line.split(delimiter)])
    return before, rows


NUMBERED = re.compile(r"^\(?(\d{1,3}[a-z]?)[.)]\s+(.*)$", re.S)


def _rows_from_grid(before: list[str], grid: list[list[str]], source_format: str, start: dt.date | None) -> ParsedTable:
    header_at = next((i for i, row in enumerate(grid) if _header_map(row) is not None), None)
    if header_at is None:
        raise ImportProblem(
            "No heading row was found. The table's first row must name its columns, including one called "
            "Recommendation (or Phase), e.g. Recommendation, Proposed action, Post title, Budget cost, Timescale."
        )
    headings = grid[header_at]
    mapping = _header_map(headings)
    assert mapping is not None
    kind = (
        "phases"
        if any("phase" in clean(headings[i]).lower() for i, f in mapping.items() if f == "recommendation")
        else "recommendations"
    )
    records: list[dict[str, str]] = []
    numbered = False
    for cells in grid[header_at + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        record = {f: (cells[i].strip() if i < len(cells) else "") for i, f in mapping.items()}
        number = record.get("number", "")
        if not number and (m := NUMBERED.match(record["recommendation"])) is not None:
            number, record["recommendation"] = m[1], m[2]
        record["number"] = number
        if not records:
            numbered = bool(number)
        # A wrapped row carries on the row above: in a numbered table, any row without a number;
        # in any table, a row whose first column is empty.
        first_empty = not (cells[0].strip() if cells else "")
        if records and ((numbered and not number) or first_empty):
            previous = records[-1]
            for key, value in record.items():
                if value and key != "number":
                    previous[key] = f"{previous.get(key, '')} {value}".strip()
            continue
        records.append(record)
    if not records:
        raise ImportProblem("The table has a heading row but no rows under it.")
    rows = [_row_from_record(r, i, kind, start) for i, r in enumerate(records, start=1)]
    title, meeting_on = _title_and_date(before)
    return ParsedTable(kind=kind, source_format=source_format, rows=rows, title=title, meeting_on=meeting_on)


DECISION_WORDS = {
    "agreed": "agreed",
    "agree": "agreed",
    "accepted": "agreed",
    "approved": "agreed",
    "yes": "agreed",
    "not agreed": "not_agreed",
    "rejected": "not_agreed",
    "not accepted": "not_agreed",
    "no": "not_agreed",
    "amended": "amended",
    "agreed as amended": "amended",
    "agreed with amendments": "amended",
    "partly agreed": "amended",
    "partially agreed": "amended",
}
# Several post titles run together when a cell's line breaks are lost: split before each new
# "Head of"/"Director of" unless the text joins them itself ("... and Head of ...").
OWNER_SPLIT = re.compile(r"(?<![Aa]nd)(?<!&)\s+(?=(?:Head|Director|Assistant Director|Chief Executive|Leader)\b)")
# Post titles the owner split may cut in half (e.g. "Head of Marketing and Communications and Head of").
TRAILING_JOIN = re.compile(r"\s+(?:and|&)$")


def _owner(text: str) -> str:
    parts = [p.strip() for p in OWNER_SPLIT.split(text) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and TRAILING_JOIN.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return "; ".join(merged)


def _row_from_record(record: dict[str, str], index: int, kind: str, start: dt.date | None) -> ParsedRow:
    _, subs = split_sub_items(record["recommendation"])
    row = ParsedRow(
        number=record.get("number") or str(index),
        recommendation=record["recommendation"],
        sub_items=subs,
        action=record.get("action", ""),
        owner=_owner(record.get("owner", "")),
        budget=record.get("budget", ""),
    )
    decision_text = record.get("decision", "")
    if decision_text:
        row.decision = DECISION_WORDS.get(decision_text.lower().rstrip("."), "")
        if not row.decision:
            row.decision, row.decided_by = _decision_from_sentence(decision_text)
    timescale_cell = record.get("timescale", "")
    if "status" in record:
        row.timescale = timescale_cell
        reading = read_status(record["status"])
    else:
        row.timescale, reading = split_timescale(timescale_cell)
    if reading.status:
        row.status = reading.status
    row.status_note = reading.note
    row.delayed_until = reading.delayed_until
    row.due_on = resolve_due(row.timescale, start=start)
    return row


def _title_and_date(before: list[str]) -> tuple[str, dt.date | None]:
    lines = [clean(line).strip("# ") for line in before if clean(line).strip("#-=| ")]
    title = lines[0][:300] if lines else ""
    meeting_on = None
    for line in lines[:10]:
        if (m := DAY_MONTH_YEAR.fullmatch(line.strip())) is not None:
            meeting_on = resolve_due(m[0], start=None)
            break
    return title, meeting_on


# --- Prose ("Recommendation 1" headings) ----------------------------------------------------------

HEADING = re.compile(r"^\s*#*\s*Recommendation\s+(\d{1,3}[a-z]?)\s*:?\s*$", re.I)
RULE = re.compile(r"^[\s|:=\-–—]*$")
DECISION_SENTENCE = re.compile(
    r"^(?P<by>[A-Z][\w' ]{1,80}?)\s+(?:(?:were|was|is|are)\s+(?P<neg>not\s+)?in\s+agreement|"
    r"(?P<verb>agreed|accepted|approved|rejected|did not agree|did not accept|amended))\b",
    re.I,
)
IMPLEMENTATION = re.compile(r"^Implementation\s*[–—:-]+\s*(.*)$", re.I)
DISCUSSED_WITH = re.compile(r"discussions? with the ((?:[A-Z][\w']*\s?)+)")
FINANCIAL_YEAR_PHRASE = re.compile(r"((?:[A-Z][\w']*\s+)+(?:for|in|during)\s+\d{4}/\d{2})")


def _decision_from_sentence(sentence: str) -> tuple[str, str]:
    m = DECISION_SENTENCE.match(clean(sentence))
    if m is None:
        return "", ""
    verb = (m["verb"] or "").lower()
    if m["neg"] or verb in {"rejected", "did not agree", "did not accept"}:
        decision = "not_agreed"
    elif verb == "amended" or "amend" in sentence.lower():
        decision = "amended"
    else:
        decision = "agreed"
    return decision, m["by"].strip()


def timescale_phrase(action: str) -> str:
    """The words of an implementation sentence that say when ('with immediate effect', a date...)."""
    for pattern in (IMMEDIATE, DAY_MONTH_YEAR, FEW, WITHIN, FINANCIAL_YEAR_PHRASE, MONTH_YEAR):
        if (m := pattern.search(action)) is not None:
            return m[0].strip()
    return ""


def _prose_lines(text: str) -> list[str]:
    text = re.sub(r"(?i)<\s*(li|br|p|tr)\b[^>]*>", "\n", text)
    lines = []
    for raw in text.splitlines():
        line = clean(raw).strip()
        line = re.sub(r"^[-*•]\s+", "", line).strip(" |")
        if not RULE.match(line):
            lines.append(line)
    return lines


def _parse_prose(text: str, start: dt.date | None) -> ParsedTable:
    lines = _prose_lines(text)
    blocks: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    for line in lines:
        if (m := HEADING.match(line)) is not None:
            blocks.append((m[1], []))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            preamble.append(line)
    default_owner = ""
    for line in preamble:
        if (m := DISCUSSED_WITH.search(line)) is not None:
            default_owner = m[1].strip()
            break
    rows = []
    for number, body in blocks:
        text_lines: list[str] = []
        action_lines: list[str] = []
        decision = decided_by = ""
        stage = "text"
        for line in body:
            if stage == "text" and (found := _decision_from_sentence(line))[0]:
                decision, decided_by = found
                stage = "decided"
            elif (m := IMPLEMENTATION.match(line)) is not None:
                action_lines.append(m[1])
                stage = "action"
            elif stage == "action":
                action_lines.append(line)
            elif stage == "text":
                text_lines.append(line)
        recommendation = " ".join(text_lines)
        _, subs = split_sub_items(recommendation)
        action = " ".join(action_lines)
        owner_match = DISCUSSED_WITH.search(action)
        timescale = timescale_phrase(action)
        rows.append(
            ParsedRow(
                number=number,
                recommendation=recommendation,
                sub_items=subs,
                decision=decision,
                decided_by=decided_by,
                action=action,
                owner=owner_match[1].strip() if owner_match else default_owner,
                budget="",
                timescale=timescale,
                due_on=resolve_due(timescale, start=start),
            )
        )
    title = preamble[0].strip("# ") if preamble else ""
    return ParsedTable(kind="recommendations", source_format="prose", rows=rows, title=title[:300])


# --- Entry point ----------------------------------------------------------------------------------


def parse_action_table(text: str, *, start: dt.date | None = None) -> ParsedTable:
    """Read recommendations (or a strategy timetable) from pasted or uploaded text.

    ``start`` is the meeting date that relative timescales ("within the next six months") count
    from; without it they keep their words and get no due date. Raises ImportProblem.
    """
    if len(text) > MAX_IMPORT_CHARS:
        raise ImportProblem("The text is too long to be one committee table (over 500,000 characters).")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ImportProblem("There is nothing to import: paste the table or choose a file.")
    lines = text.split("\n")
    if any(HEADING.match(clean(line)) for line in lines):
        table = _parse_prose(text, start)
    elif re.search(r"(?i)<table\b", text):
        before, grid = _grid_html(text)
        table = _rows_from_grid(before, grid, "html", start)
    elif sum(1 for line in lines if MD_SEPARATOR.match(line) and "|" in line):
        before, grid = _grid_markdown(lines)
        table = _rows_from_grid(before, grid, "markdown", start)
    elif "\t" in text:
        before, grid = _grid_delimited(lines, "\t")
        table = _rows_from_grid(before, grid, "tsv", start)
    else:
        before, grid = _grid_delimited(lines, ",")
        table = _rows_from_grid(before, grid, "csv", start)
    if not table.rows:
        raise ImportProblem("No recommendations were found in the text.")
    if start is None and table.meeting_on is not None:
        # The report's own date is the best start for its relative timescales.
        return parse_action_table(text, start=table.meeting_on)
    return table
