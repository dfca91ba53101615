"""Helpers for the policy tests: check a draft at Riverside and list the rule ids found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from townsquare.councils.models import Council
from townsquare.policy.engine import CheckResult
from townsquare.policy.services import check_draft, election_save

Check = Callable[..., CheckResult]


@pytest.fixture
def check(riverside: Council) -> Check:
    def run(text: str, **kwargs: Any) -> CheckResult:
        return check_draft(council=kwargs.pop("council", riverside), text=text, **kwargs)

    return run


def rules(result: CheckResult) -> list[str]:
    return [f.rule for f in result.findings]


def spans(result: CheckResult, text: str, rule: str) -> list[str]:
    return [text[f.start : f.end] for f in result.findings if f.rule == rule]


@pytest.fixture
def election(riverside: Council) -> Any:
    """Riverside's 2026 locals: notice on Monday 23 March (GMT), poll on Thursday 7 May (BST)."""
    return election_save(
        actor=None,
        council=riverside,
        data={
            "title": "Riverside district elections 2026",
            "election_type": "local",
            "notice_date": dt.date(2026, 3, 23),
            "poll_date": dt.date(2026, 5, 7),
            "area": "Whole district",
            "wards": "",
            "candidates": "Priya Shah, @PriyaForRiverside\nTom Baker",
        },
    )


IN_WINDOW = dt.datetime(2026, 4, 15, 9, 0, tzinfo=dt.UTC)
OUTSIDE = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
