"""The Measures Dashboard in a real browser: a councillor opens it, switches the comparison period,
reads the data table, then downloads the quarterly report's PDF, whose text and tags are checked.
Every page is checked with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from townsquare.measures.periods import month_add

pytestmark = pytest.mark.browser

Check = Callable[[Page], None]
Shot = Callable[..., Path]


def test_councillor_compares_periods_reads_the_table_and_downloads_the_report(
    page: Page, demo_data: None, sign_in: Callable[..., None], axe_check: Check, screenshot: Shot, tmp_path: Path
) -> None:
    sign_in(page, "councillor@riverside.example")
    page.goto("/c/riverside/measures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    expect(page.get_by_role("link", name="Import figures from a spreadsheet")).to_have_count(0)  # read-only
    expect(page.locator("#aim-reputation")).to_contain_text("Reputation through customer satisfaction")
    expect(page.locator("#access")).to_be_visible()
    axe_check(page)
    screenshot(page, "measures-dashboard")

    # Any two months: this month against the same month a year before (April to April).
    this_month = timezone.localdate().replace(day=1)
    year_before = month_add(this_month, -12)
    page.get_by_label("Measure").select_option("page_likes")
    page.get_by_label("Any two months").check()
    page.get_by_label("From month").fill(f"{year_before:%Y-%m}")
    page.get_by_label("To month").fill(f"{this_month:%Y-%m}")
    page.get_by_role("button", name="Show").click()
    heading = page.locator("#comparison")
    expect(heading).to_have_text(f"Page likes: {this_month:%B %Y} against {year_before:%B %Y}")
    expect(page.locator(".govuk-summary-list")).to_contain_text(re.compile(r"Change\s*[\d,]+ \(\d+%\)"))

    # The chart's data table, read as a screen reader user would.
    table = page.get_by_role("table", name="Page likes by month")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(24)
    last = rows.last
    ended = month_add(this_month, -3)  # the dashboard opens on the latest quarter that has ended
    expect(last.locator("th")).to_have_text(f"{dt.date(ended.year, (ended.month - 1) // 3 * 3 + 3, 1):%b %Y}")
    axe_check(page)
    screenshot(page, "measures-dashboard-compared")

    # Month on month.
    page.get_by_label("Month on month").check()
    page.get_by_role("button", name="Show").click()
    expect(heading).to_contain_text("against")

    # The quarterly report under review, and its PDF.
    with page.expect_navigation():
        page.get_by_role("link", name="Quarterly reports to Members").click()
    axe_check(page)
    page.locator("tbody a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social media report to Members")
    expect(page.locator(".govuk-inset-text")).to_contain_text("residents reported issues online")
    axe_check(page)
    screenshot(page, "measures-report-review")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Riverside" in text and "social media report to Members" in text
    assert "Commentary from the communications team" in text and "Headlines" in text
    assert re.search(r"Facebook page likes increased \d+% between", text)
    info_text = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info_text, re.M)
