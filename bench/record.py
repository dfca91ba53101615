"""What every benchmark script shares: the commit measured, and appending figures to bench/results.json.

The scripts run as ``python bench/<name>.py``, so this folder is on their path: ``from record import ...``.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


def commit() -> str:
    """The commit measured (``git rev-parse --short HEAD``)."""
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def append_results(entries: list[dict[str, Any]]) -> None:
    """Append figures to bench/results.json, which is only ever appended to (it is the history).

    Benchmarks may run side by side: each holds both locks, always in this order, while it
    reads, extends and writes the file, so no append is lost.
    """
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(Path(tempfile.gettempdir()) / "townsquare-bench-results.lock", "w") as shared,
        open(RESULTS.with_suffix(".lock"), "w") as local,
    ):
        fcntl.flock(shared, fcntl.LOCK_EX)
        fcntl.flock(local, fcntl.LOCK_EX)
        data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
        data.extend(entries)
        RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
