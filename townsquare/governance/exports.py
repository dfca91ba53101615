"""Committee-ready tables of an action plan (CSV and PDF) and of the strategy timetable (CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from townsquare.governance.models import ActionPlan, Recommendation, StrategyPhase

PLAN_COLUMNS = [
    "No.",
    "Recommendation",
    "Decision",
    "Proposed action",
    "Post title",
    "Budget cost",
    "Timescale",
    "Due",
    "Status",
    "Latest progress",
]


def _status(item: Recommendation | StrategyPhase) -> str:
    label = item.get_status_display()
    if item.status == "delayed" and item.delayed_until:
        label = f"Delayed until {item.delayed_until:%d %B %Y}"
    note = getattr(item, "status_note", "")
    return f"{label} ({note})" if note and note != label else label


def _recommendation_cells(rec: Recommendation) -> list[str]:
    latest = rec.updates.first()
    decision = rec.get_decision_display() if rec.decision else ""
    if decision and rec.decided_by:
        decision = f"{decision} ({rec.decided_by})"
    return [
        rec.number,
        rec.text,
        decision,
        rec.action,
        rec.owner_title,
        rec.budget,
        rec.timescale,
        rec.due_on.strftime("%d/%m/%Y") if rec.due_on else "",
        _status(rec),
        f"{latest.on:%d/%m/%Y}: {latest.text}" if latest else "",
    ]


def plan_rows(plan: ActionPlan) -> list[list[str]]:
    return [_recommendation_cells(r) for r in plan.recommendations.prefetch_related("updates")]


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: prefix it.
        writer.writerow([f"'{c}" if c[:1] in {"=", "+", "-", "@"} else c for c in row])
    return out.getvalue()


def plan_csv(plan: ActionPlan) -> str:
    return _csv(PLAN_COLUMNS, plan_rows(plan))


PHASE_COLUMNS = ["Phase", "Brief details", "Timescale", "Due", "Status"]


def phase_rows(phases: Iterable[StrategyPhase]) -> list[list[str]]:
    return [
        [p.phase, p.details, p.timescale, p.due_on.strftime("%d/%m/%Y") if p.due_on else "", _status(p)] for p in phases
    ]


def phases_csv(phases: Iterable[StrategyPhase]) -> str:
    return _csv(PHASE_COLUMNS, phase_rows(phases))


def plan_pdf(plan: ActionPlan) -> bytes:
    """An A4 landscape table for the committee pack, repeating its heading row on every page."""
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head = cell.clone("head", fontName="Helvetica-Bold")
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=plan.title,
        author=plan.council.name,
    )
    story = [Paragraph(escape(plan.title), styles["Title"])]
    meta = " · ".join(
        x
        for x in (plan.council.name, plan.source_body, plan.meeting_on.strftime("%d %B %Y") if plan.meeting_on else "")
        if x
    )
    story += [Paragraph(escape(meta), styles["Normal"]), Spacer(1, 4 * mm)]
    data = [[Paragraph(escape(h), head) for h in PLAN_COLUMNS]]
    data += [[Paragraph(escape(c).replace("\n", "<br/>"), cell) for c in row] for row in plan_rows(plan)]
    widths = [10, 52, 22, 56, 30, 16, 24, 18, 22, 23]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return out.getvalue()
