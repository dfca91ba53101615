"""manage.py import_actions: JSON lines out, nothing saved with --dry-run."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from townsquare.councils.models import Council
from townsquare.governance.models import ActionPlan, StrategyPhase

FIXTURES = Path(__file__).parent / "fixtures"


def _run(*args: str) -> list[dict[str, object]]:
    out, err = StringIO(), StringIO()
    call_command("import_actions", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_dry_run_prints_rows_and_saves_nothing(riverside: Council) -> None:
    rows = _run("--council", "riverside", "--dry-run", str(next(FIXTURES.glob("003_*.txt"))))
    assert [r["number"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[3]["owner"] == "Head of Marketing and Communications and Head of Democratic Services"
    assert {k for k in rows[0]} >= {
        "number",
        "recommendation",
        "decision",
        "action",
        "owner",
        "budget",
        "timescale",
        "status",
    }
    assert not ActionPlan.objects.exists()


def test_saving_with_a_meeting_date(riverside: Council) -> None:
    rows = _run(
        "--council",
        "riverside",
        "--meeting-date",
        "2017-11-01",
        "--title",
        "Cabinet response",
        str(next(FIXTURES.glob("000_*.txt"))),
    )
    assert rows[0]["timescale"] == "with immediate effect" and rows[0]["due_on"] == "2017-11-01"
    plan = ActionPlan.objects.get()
    assert plan.title == "Cabinet response" and plan.recommendations.count() == 5


def test_strategy_timetable_goes_to_the_timetable(riverside: Council) -> None:
    _run("--council", "riverside", str(next(FIXTURES.glob("001_*.txt"))))
    assert StrategyPhase.objects.filter(council=riverside).count() == 5


def test_unknown_council_and_bad_file(riverside: Council, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No council"):
        _run("--council", "nowhere", "x.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("nothing tabular here")
    with pytest.raises(CommandError, match="No heading row"):
        _run("--council", "riverside", str(bad))
    assert not ActionPlan.objects.exists()
