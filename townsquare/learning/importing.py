"""Completions from a council's own learning management system, read from its CSV report.

Checked whole before anything is saved: the preview lists what will be recorded and every problem
with its row number, and saving is all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit.services import audit_record
from townsquare.councils.models import Council
from townsquare.learning.models import Completion, LearningModule, ModuleVersion
from townsquare.learning.selectors import current_version
from townsquare.learning.services import completion_record

MAX_BYTES = 2_000_000
# LMS reports name their columns differently; each field accepts these headings (any case).
HEADINGS = {
    "email": {"email", "email address", "user email", "learner email"},
    "module": {"module", "course", "course id", "module slug", "activity"},
    "status": {"status", "lesson status", "completion status", "result"},
    "score": {"score", "score (%)", "raw score", "grade"},
    "completed_on": {"completed on", "completed", "completion date", "date completed", "date"},
}
PASSED = {"passed", "completed", "complete", "pass"}
NOT_PASSED = {"failed", "incomplete", "not attempted", "browsed", "in progress", "fail"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d %B %Y")


@dataclass(frozen=True)
class ImportRow:
    number: int
    user: User
    module: LearningModule
    version: ModuleVersion | None
    score: int | None
    completed_on: dt.date


@dataclass
class Parsed:
    rows: list[ImportRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # not passes: shown, not recorded
    problems: list[tuple[int, str]] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        for key, names in HEADINGS.items():
            if name.strip().lower().lstrip("\ufeff") in names and key not in found:
                found[key] = i
    return found


def _module(council: Council, text: str) -> LearningModule | None:
    """By slug, by title, or by the identifier the export gave the package."""
    text = text.strip()
    prefix = f"ts-{council.slug}-"
    slug = text[len(prefix) :] if text.startswith(prefix) else text
    return (
        LearningModule.objects.filter(council=council, slug=slug).first()
        or LearningModule.objects.filter(council=council, title__iexact=text).first()
    )


def parse_completions(*, council: Council, data: bytes) -> Parsed:
    parsed = Parsed()
    if len(data) > MAX_BYTES:
        parsed.problems.append((0, "The file is larger than 2 MB: split it, or export fewer rows."))
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.problems.append((0, "The file is not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'."))
        return parsed
    if "\x00" in text:
        parsed.problems.append(
            (0, "The file holds a NUL character, which no spreadsheet writes: save it again as 'CSV UTF-8'.")
        )
        return parsed
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a field longer than the reader takes (131,072 characters), say
        parsed.problems.append((0, f"The file could not be read as CSV: {exc}."))
        return parsed
    if not table:
        parsed.problems.append((0, "The file is empty."))
        return parsed
    columns = _columns(table[0])
    missing = [k for k in ("email", "module", "status", "completed_on") if k not in columns]
    if missing:
        parsed.problems.append(
            (
                1,
                "No column for: "
                + ", ".join(m.replace("_", " ") for m in missing)
                + ". The first row must name the columns.",
            )
        )
        return parsed
    members = {u.email.lower(): u for u in User.objects.filter(memberships__council=council).distinct()}
    today = timezone.localdate()
    seen: set[tuple[int, int, dt.date]] = set()
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {k: (cells[i].strip() if i < len(cells) else "") for k, i in columns.items()}
        problems = []
        user = members.get(cell["email"].lower())
        if user is None:
            problems.append(f"{cell['email'] or 'A blank email'} holds no role at {council.name}")
        module = _module(council, cell["module"])
        if module is None:
            problems.append(f"there is no module '{cell['module']}' at {council.name}")
        status = cell["status"].lower()
        if status not in PASSED | NOT_PASSED:
            problems.append(f"'{cell['status']}' is not a status (passed, completed, failed, incomplete)")
        completed_on = _date(cell["completed_on"])
        if completed_on is None and status in PASSED:
            problems.append(f"'{cell['completed_on']}' is not a date (use 2025-03-31 or 31/03/2025)")
        elif completed_on is not None and completed_on > today:
            problems.append("the completion date is in the future")
        score: int | None = None
        if cell.get("score"):
            try:
                score = round(float(cell["score"].rstrip("%")))
            except ValueError:
                problems.append(f"'{cell['score']}' is not a score")
            else:
                if not 0 <= score <= 100:
                    problems.append("the score must be between 0 and 100")
        if problems:
            parsed.problems.append((number, "; ".join(problems).capitalize() + "."))
            continue
        assert user is not None and module is not None
        if status in NOT_PASSED:
            parsed.skipped.append((number, f"{user.display_name}: {cell['status']}, not recorded"))
            continue
        assert completed_on is not None
        key = (user.pk, module.pk, completed_on)
        if key in seen or Completion.objects.filter(user=user, module=module, completed_on=completed_on).exists():
            parsed.skipped.append((number, f"{user.display_name}: already recorded for {completed_on:%d/%m/%Y}"))
            continue
        seen.add(key)
        parsed.rows.append(ImportRow(number, user, module, current_version(module=module), score, completed_on))
    if not parsed.rows and not parsed.problems:
        parsed.problems.append((0, "There are no passes to record in this file."))
    return parsed


def completions_import(*, actor: User, council: Council, data: bytes) -> list[Completion]:
    """Record every pass in the file, or none: raises ValidationError listing each problem by row."""
    parsed = parse_completions(council=council, data=data)
    if parsed.problems:
        raise ValidationError([f"Row {n}: {m}" if n else m for n, m in parsed.problems])
    with transaction.atomic():
        made = [
            completion_record(
                actor=actor,
                module=r.module,
                version=r.version,
                user=r.user,
                score=r.score,
                completed_on=r.completed_on,
                source=Completion.Source.LMS,
            )
            for r in parsed.rows
        ]
        audit_record(
            actor=actor,
            council=council,
            action="learning_module.completions_imported",
            object_type="learning.completion",
            after={"recorded": len(made), "skipped": len(parsed.skipped)},
        )
    return made
