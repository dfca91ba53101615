"""What a committee report's table becomes (``ParsedRow``, ``ParsedTable``), its cells cleaned, and
which field each column heading means."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

MAX_IMPORT_CHARS = 500_000


class ImportProblem(ValueError):
    """The text cannot be read as a table of recommendations; the message says why, plainly."""


@dataclass
class ParsedRow:
    number: str = ""
    recommendation: str = ""
    sub_items: list[str] = field(default_factory=list)
    decision: str = ""
    decided_by: str = ""
    action: str = ""
    owner: str = ""
    budget: str = ""
    timescale: str = ""
    due_on: dt.date | None = None
    status: str = "not_started"
    status_note: str = ""
    delayed_until: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        """The row as the import command prints it: the report's columns first, then what was resolved."""
        return {
            "number": self.number,
            "recommendation": self.recommendation,
            "decision": self.decision,
            "action": self.action,
            "owner": self.owner,
            "budget": self.budget,
            "timescale": self.timescale,
            "status": self.status,
            "sub_items": self.sub_items,
            "decided_by": self.decided_by,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "status_note": self.status_note,
            "delayed_until": self.delayed_until.isoformat() if self.delayed_until else None,
        }


@dataclass
class ParsedTable:
    kind: str  # "recommendations" or "phases" (a strategy's timetable)
    source_format: str  # tsv, csv, html, markdown or prose
    rows: list[ParsedRow]
    title: str = ""
    meeting_on: dt.date | None = None


# --- Cleaning -------------------------------------------------------------------------------------

TAG = re.compile(r"<[^>]+>")
ORDINAL_GAP = re.compile(r"(\d)\s+(st|nd|rd|th)\b")  # "24 <sup>th</sup>" becomes "24 th" once tags go


def clean(text: str) -> str:
    """One cell's text: no tags or Markdown emphasis, entities decoded, spaces collapsed."""
    text = html.unescape(TAG.sub(" ", text))
    text = text.replace("**", " ").replace("__", " ")
    text = ORDINAL_GAP.sub(r"\1\2", " ".join(text.split()))
    return text.strip()


SUB_ITEM = re.compile(r"(?:^|\s)\(([a-z]|[ivx]+)\)\s+")


def split_sub_items(text: str) -> tuple[str, list[str]]:
    """'That ... areas: (a) An introduction; and (b) Any legal ...' -> lead text and sub-items."""
    marks = list(SUB_ITEM.finditer(text))
    if len(marks) < 2 or marks[0].group(1) != "a":
        return text, []
    lead = text[: marks[0].start()].strip()
    items = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append(f"({mark.group(1)}) {text[mark.end() : end].strip()}")
    return lead, items


# --- Column headings ------------------------------------------------------------------------------

FIELDS = ("number", "recommendation", "decision", "action", "owner", "budget", "timescale", "status")


def column_for(heading: str) -> str | None:
    h = clean(heading).lower().strip(" :")
    if not h:
        return None
    if h in {"no", "no.", "number", "ref", "ref.", "#", "item", "rec", "rec."}:
        return "number"
    if "phase" in h or "recommendation" in h:
        return "recommendation"
    if "decision" in h or "response" in h or h in {"agreed", "agreed?"}:
        return "decision"
    if "action" in h or "detail" in h or "implementation" in h:
        return "action"
    if any(w in h for w in ("post title", "owner", "lead", "responsib", "officer")):
        return "owner"
    if "budget" in h or "cost" in h:
        return "budget"
    if any(w in h for w in ("timescale", "target", "deadline", "due", "date", "when")):
        return "timescale"
    if "status" in h or "progress" in h or h == "rag":
        return "status"
    return None


def _header_map(cells: list[str]) -> dict[int, str] | None:
    mapping = {i: f for i, c in enumerate(cells) if (f := column_for(c)) is not None}
    fields = list(mapping.values())
    if "recommendation" not in fields or len(fields) < 2 or len(set(fields)) != len(fields):
        return None
    return mapping
