"""quarterly_report: the page, an accessible tagged PDF whose text reads back, and a CSV of every figure."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from townsquare.councils.models import Council
from townsquare.measures.periods import Quarter
from townsquare.measures.report import monthly_table, report_build, report_html


def test_writes_html_pdf_and_csv_for_a_calendar_quarter(
    riverside: object, accounts: SimpleNamespace, record: Callable[..., None], tmp_path: Path
) -> None:
    record(accounts.x, "followers", {dt.date(2015, 3, 31): 5000, dt.date(2016, 3, 31): 6900})
    call_command("quarterly_report", "--council", "riverside", "--quarter", "2016Q1", "--out", str(tmp_path))
    html = (tmp_path / "riverside-2016Q1.html").read_text()
    assert "Quarter 1 2016" in html and "calendar year" in html
    assert "X followers increased 38% between March 2015 and March 2016." in html
    rows = list(csv.DictReader((tmp_path / "riverside-2016Q1.csv").open()))
    quarter = next(r for r in rows if r["kind"] == "quarter")
    assert (quarter["scope"], quarter["value"], quarter["year_before"], quarter["change_percent"]) == (
        "X (Twitter)",
        "6900",
        "5000",
        "38",
    )
    pdf = (tmp_path / "riverside-2016Q1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian poppler-utils) is needed to read the PDF back: run scripts/setup.sh --test")
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "riverside-2016Q1.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M) and re.search(r"^PDF version:\s+1\.7$", info, re.M)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "riverside-2016Q1.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert "social media report to Members, Quarter 1 2016" in words
    assert "X followers increased 38% between March 2015 and March 2016" in words


def test_financial_quarter_is_named_as_such(
    riverside: object, accounts: SimpleNamespace, record: Callable[..., None], tmp_path: Path
) -> None:
    record(accounts.facebook, "page_likes", {dt.date(2015, 4, 30): 10000, dt.date(2016, 4, 30): 14600})
    call_command(
        "quarterly_report", "--council", "riverside", "--quarter", "2016Q1", "--financial", "--out", str(tmp_path)
    )
    html = (tmp_path / "riverside-2016Q1.html").read_text()
    assert "Quarter 1 2016/17" in html and "financial year" in html
    assert "Facebook page likes increased 46% between April 2015 and April 2016." in html


def test_bad_arguments_are_explained(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No council"):
        call_command("quarterly_report", "--council", "x", "--quarter", "2016Q1", "--out", str(tmp_path))


def test_one_table_holds_every_charts_figures_by_month(
    riverside: Council, accounts: SimpleNamespace, record: Callable[..., None]
) -> None:
    record(accounts.x, "followers", {dt.date(2016, 1, 31): 6100, dt.date(2016, 3, 31): 6900})
    record(accounts.youtube, "video_views", {dt.date(2016, 3, 1): 40, dt.date(2016, 3, 2): 2})
    report = report_build(council=riverside, quarter=Quarter(2016, 1))
    labels, months = monthly_table(report)
    assert labels == ["followers", "video views"]
    assert months == [(dt.date(2016, 1, 1), [6100, None]), (dt.date(2016, 3, 1), [6900, 42])]
    html = report_html(report)
    assert '<th scope="col" class="n">Video views</th>' in html and '<th scope="row">Mar 2016</th>' in html
    # The printed charts draw fewer labels and no dots: each is laid out again in the PDF.
    chart = report.sections[0].chart.svg
    assert "<circle" not in chart and chart.count("<line") == 3
    assert report.sections[0].chart.summary.startswith("Followers by month, all accounts: 6,100 in January 2016")
