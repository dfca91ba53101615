from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(prefix: str) -> str:
    """The text of a committee paper kept in fixtures/ (see its README for the source)."""
    return next(FIXTURES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
