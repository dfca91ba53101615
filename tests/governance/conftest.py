from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(prefix: str) -> str:
    return next(FIXTURES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def seed_text():  # type: ignore[no-untyped-def]
    return fixture_text
