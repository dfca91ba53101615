"""The accounts summary for the social media policy's appendix: page, CSV and PDF from one set of rows.

Generated from the register each time it is asked for, so it is always current. Owners and
deputies are named by post title, as a policy names them (people change; posts stay).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Max
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from townsquare.accounts.models import User
from townsquare.channels.csv_io import safe_cell
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

COLUMNS = [
    "Council",
    "Platform",
    "Account",
    "Handle",
    "Service",
    "Owner (post title)",
    "Deputy (post title)",
    "Two-factor at the platform",
    "Digital team's access",
    "Status",
    "Last review",
]
TITLE = "Corporate social media accounts"
CHUNK = 25
TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


@dataclass(frozen=True)
class SummaryRow:
    council: str
    platform: str
    name: str
    handle: str
    service: str
    owner: str
    deputy: str
    two_factor: str
    digital_access: str
    status: str
    last_review: str
    url: str = ""

    def cells(self) -> list[str]:
        return [
            self.council,
            self.platform,
            self.name,
            self.handle,
            self.service,
            self.owner,
            self.deputy,
            self.two_factor,
            self.digital_access,
            self.status,
            self.last_review,
        ]


@dataclass(frozen=True)
class CouncilSummary:
    council: Council
    rows: list[SummaryRow]


def _day(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def _post_title(person: User | None) -> str:
    if person is None:
        return "None named"
    return person.job_title or "Post title not recorded"


def accounts_summary(*, councils: list[Council]) -> list[CouncilSummary]:
    """Every account in use (not closed) of each council, by platform and handle."""
    channels = (
        Channel.objects.filter(council__in=councils)
        .exclude(status=Channel.Status.CLOSED)
        .select_related("council", "service", "owner", "deputy")
        .annotate(last_review=Max("reviews__reviewed_on"))
        .order_by("platform", "handle")
    )
    by_council: dict[int, list[SummaryRow]] = {c.pk: [] for c in councils}
    for c in channels:
        by_council[c.council_id].append(
            SummaryRow(
                council=c.council.name,
                platform=c.get_platform_display(),
                name=c.name,
                handle=c.handle,
                service=c.service.name if c.service else "",
                owner=_post_title(c.owner),
                deputy=_post_title(c.deputy),
                two_factor={True: "On", False: "Off", None: "Not confirmed"}[c.platform_two_factor],
                digital_access=_day(c.digital_access_confirmed_on) or "Not confirmed",
                status=c.get_status_display(),
                last_review=_day(c.last_review) or "Never reviewed",
                url=c.url,
            )
        )
    return [CouncilSummary(council, by_council[council.pk]) for council in councils]


def summary_csv(summaries: list[CouncilSummary]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "Address"])
    for summary in summaries:
        for row in summary.rows:
            writer.writerow([safe_cell(v) for v in [*row.cells(), row.url]])
    return out.getvalue()


def summary_pdf(summaries: list[CouncilSummary], *, now: dt.datetime | None = None) -> bytes:
    """A4 landscape, one table per council with its heading row repeated on every page."""
    now = timezone.localtime(now or timezone.now())
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    head = cell.clone("head", fontName="Helvetica-Bold")
    names = " and ".join(s.council.name for s in summaries)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{TITLE}: {names}",
        author=names,
    )
    story = [
        Paragraph(escape(TITLE), styles["Title"]),
        Paragraph(
            escape(f"{names}. Generated from the channel register on {now.day} {now:%B %Y at %H:%M}."), styles["Normal"]
        ),
        Spacer(1, 4 * mm),
    ]
    widths = [22, 40, 40, 28, 38, 38, 24, 28, 16, 22]
    for summary in summaries:
        story.append(Paragraph(escape(f"{summary.council.name} ({len(summary.rows)} accounts)"), styles["Heading2"]))
        header = [Paragraph(escape(h), head) for h in COLUMNS[1:]]
        # Short cells as plain text: a Paragraph (which wraps) per cell is most of the time taken.
        rows: list[list[Any]] = [
            [Paragraph(escape(c), cell) if len(c) > 14 else c for c in row.cells()[1:]] for row in summary.rows
        ]
        if not rows:
            rows.append([Paragraph("No accounts in use.", cell)] + [""] * (len(COLUMNS) - 2))
        # Tables of a page's worth of rows each: splitting one long table across pages costs time
        # that grows with the square of its rows (a council with 500 accounts took a minute).
        for start in range(0, len(rows), CHUNK):
            table = LongTable([header, *rows[start : start + CHUNK]], colWidths=[w * mm for w in widths], repeatRows=1)
            table.setStyle(TABLE_STYLE)
            story.append(table)
        story.append(Spacer(1, 6 * mm))
    doc.build(story)
    return out.getvalue()
