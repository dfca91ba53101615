"""The quarterly report to Members: headline sentences written from the figures, each measure's
chart (with its description) and table, as a page, an accessible tagged PDF (PDF/UA) and a CSV of
every figure it quotes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from townsquare.channels.models import Platform
from townsquare.councils.models import Council
from townsquare.measures.charts import Chart, line_chart
from townsquare.measures.engagement import (
    TARGET_LABEL,
    Democracy,
    InboxFigures,
    democratic_engagement,
    inbox_performance,
)
from townsquare.measures.models import Metric
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Change, Scope, headlines, metrics_with_figures, monthly_series, quarter_change


@dataclass
class Section:
    metric: str
    label: str
    chart: Chart
    series: list[Any]
    changes: list[tuple[str, Change]] = field(default_factory=list)


@dataclass
class QuarterlyReport:
    council: Council
    quarter: Quarter
    headlines: list[str]
    sections: list[Section]
    inbox: tuple[InboxFigures, InboxFigures] | None = None
    democracy: Democracy | None = None
    commentary: str = ""
    status: str = ""  # e.g. "Draft for the task group": shown at the top until published


def report_build(*, council: Council, quarter: Quarter) -> QuarterlyReport:
    sections: list[Section] = []
    last = quarter.months[-1]
    platforms = [p for p, _ in Platform.choices]
    for metric in metrics_with_figures(council):
        label = Metric(metric).label
        series = monthly_series(scope=Scope(council), metric=metric, first=month_add(last, -14), last=last)
        chart = line_chart(
            title=f"{label.capitalize()} by month, all accounts",
            series=series,
            chart_id=f"c-{metric}",
            gridlines=2,
            month_labels=4,
            markers=False,
        )
        section = Section(metric, label, chart, series)
        for platform in platforms:
            found = quarter_change(scope=Scope(council, platform=platform), metric=metric, quarter=quarter)
            if found:
                section.changes.append((Platform(platform).label, found[0]))
        sections.append(section)
    return QuarterlyReport(
        council,
        quarter,
        headlines(council=council, quarter=quarter),
        sections,
        inbox=inbox_performance(scope=Scope(council), quarter=quarter),
        democracy=democratic_engagement(scope=Scope(council), quarter=quarter),
    )


def monthly_table(report: QuarterlyReport) -> tuple[list[str], list[tuple[dt.date, list[int | None]]]]:
    """Every chart's figures in one table (a row per month, a column per measure): one table to lay
    out in the PDF in place of one per chart, and the same figures."""
    months = sorted({month for section in report.sections for month, _ in section.series})
    columns = [dict(section.series) for section in report.sections]
    return [section.label for section in report.sections], [
        (month, [column.get(month) for column in columns]) for month in months
    ]


def _inbox_rows(figures: InboxFigures) -> list[tuple[str, object]]:
    return [
        ("messages_received", figures.received),
        ("positive_percent", figures.positive_percent),
        ("neutral_percent", figures.neutral_percent),
        ("negative_percent", figures.negative_percent),
        ("answered", figures.responded),
        ("first_response_hours", figures.first_response_hours),
        ("first_response_in_target_percent", figures.in_target_percent),
        ("resolved", figures.resolved),
        ("resolution_hours", figures.resolution_hours),
    ]


def report_html(report: QuarterlyReport) -> str:
    labels, months = monthly_table(report)
    return render_to_string(
        "measures/report.html",
        {
            "report": report,
            "council": report.council,
            "response_target": TARGET_LABEL,
            "month_labels": labels,
            "months": months,
        },
    )


def report_csv(report: QuarterlyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["council", "quarter", "kind", "measure", "scope", "month", "value", "year_before", "change", "change_percent"]
    )
    for section in report.sections:
        for month, value in section.series:
            writer.writerow(
                [
                    report.council.slug,
                    report.quarter.code,
                    "month",
                    section.metric,
                    "all accounts",
                    month.isoformat(),
                    value,
                    "",
                    "",
                    "",
                ]
            )
        for platform, change in section.changes:
            writer.writerow(
                [
                    report.council.slug,
                    report.quarter.code,
                    "quarter",
                    section.metric,
                    platform,
                    "",
                    change.after,
                    change.before,
                    change.difference,
                    "" if change.percent is None else change.percent,
                ]
            )
    if report.inbox:
        now, before = report.inbox
        for (name, value), (_, then) in zip(_inbox_rows(now), _inbox_rows(before), strict=True):
            writer.writerow(
                [
                    report.council.slug,
                    report.quarter.code,
                    "inbox",
                    name,
                    "all accounts",
                    "",
                    "" if value is None else value,
                    "" if then is None else then,
                    "",
                    "",
                ]
            )
    if report.democracy:
        for name in (
            "streams",
            "stream_views",
            "peak_viewers",
            "promotion_posts",
            "promotion_reach",
            "promotion_posts_measured",
        ):
            writer.writerow(
                [
                    report.council.slug,
                    report.quarter.code,
                    "meetings",
                    name,
                    "all accounts",
                    "",
                    getattr(report.democracy, name),
                    "",
                    "",
                    "",
                ]
            )
    return out.getvalue()


def report_pdf(report: QuarterlyReport) -> bytes:
    """A tagged PDF (PDF/UA-1): real text, headings, table headers, the charts' descriptions."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(report)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return pdf
