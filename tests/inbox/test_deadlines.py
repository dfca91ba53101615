"""Statutory clocks at each nation's bank holidays and at the year's end (dates checked by hand)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from townsquare.inbox.deadlines import Nation, foi_deadline, sar_deadline

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Day 1 is the first working day after receipt: a plain month of working days.
        ("2026-02-02", "2026-03-02"),
        # Christmas Day, Boxing Day (observed Monday 28th), New Year's Day and Scotland's 2 January
        # (Saturday, observed Monday 4 January 2027) are all skipped: any part of the UK counts.
        ("2026-12-18", "2027-01-21"),
        # Northern Ireland's St Patrick's Day (17 March), then Good Friday and Easter Monday.
        ("2026-03-16", "2026-04-16"),
        # Scotland's St Andrew's Day (Monday 30 November) is not a working day either.
        ("2026-11-27", "2026-12-30"),
        # Received at a weekend: day 1 would be Monday 15 June, but that is Scotland's one-off World Cup
        # bank holiday; and Northern Ireland's Battle of the Boyne (Sunday 12 July) is observed on the 13th.
        ("2026-06-13", "2026-07-14"),
    ],
)
def test_foi_and_eir_count_twenty_working_days_across_the_uk(received: str, due: str) -> None:
    assert foi_deadline(D(received)) == D(due)
    out = StringIO()
    call_command("deadline", "eir", received, "--nation", "wales", stdout=out)
    assert out.getvalue().strip() == due


@pytest.mark.parametrize(
    ("received", "nation", "due"),
    [
        ("2026-02-03", Nation.ENGLAND, "2026-03-03"),
        # No 31 April: the month's last day.
        ("2026-03-31", Nation.ENGLAND, "2026-04-30"),
        # 28 February 2026 is a Saturday: the next working day.
        ("2026-01-31", Nation.ENGLAND, "2026-03-02"),
        # St Patrick's Day is a holiday in Northern Ireland only.
        ("2026-02-17", Nation.NORTHERN_IRELAND, "2026-03-18"),
        ("2026-02-17", Nation.ENGLAND, "2026-03-17"),
        # St Andrew's Day in Scotland only.
        ("2026-10-30", Nation.SCOTLAND, "2026-12-01"),
        ("2026-10-30", Nation.WALES, "2026-11-30"),
        # The late summer bank holiday is England's, Wales's and Northern Ireland's, not Scotland's.
        ("2026-07-31", Nation.WALES, "2026-09-01"),
        ("2026-07-31", Nation.SCOTLAND, "2026-08-31"),
        # Good Friday everywhere; Easter Monday not in Scotland.
        ("2026-03-03", Nation.ENGLAND, "2026-04-07"),
        ("2026-03-03", Nation.SCOTLAND, "2026-04-06"),
        # The year's end: Christmas Day (Friday), the weekend, Boxing Day observed on Monday 28th.
        ("2026-11-25", Nation.ENGLAND, "2026-12-29"),
        # Into the new year: 31 January 2027 is a Sunday.
        ("2026-12-31", Nation.ENGLAND, "2027-02-01"),
        # Scotland's 2 January holiday, observed on Monday 4 January 2027.
        ("2026-12-04", Nation.SCOTLAND, "2027-01-05"),
        ("2026-12-04", Nation.ENGLAND, "2027-01-04"),
    ],
)
def test_subject_access_is_a_calendar_month_then_the_next_working_day(received: str, nation: Nation, due: str) -> None:
    assert sar_deadline(D(received), nation) == D(due)
    out = StringIO()
    call_command("deadline", "sar", received, "--nation", nation.value, stdout=out)
    assert out.getvalue() == due + "\n"


def test_the_command_explains_bad_input() -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("deadline", "foi", "2026-02-30")
    with pytest.raises(CommandError):
        call_command("deadline", "fio", "2026-02-03")
    with pytest.raises(CommandError):
        call_command("deadline", "sar", "2026-02-03", "--nation", "cornwall")
