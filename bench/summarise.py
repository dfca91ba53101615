"""Write the table of latest benchmark figures into docs/benchmarks.md from bench/results.json.

Usage: .venv/bin/python bench/summarise.py [--print]

The table sits between the two marker comments in docs/benchmarks.md; everything else in that file
is left as written. One row per metric and database, the most recent measurement of each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- results:start (written by bench/summarise.py from bench/results.json; do not edit by hand) -->"
END = "<!-- results:end -->"

# metric: (what it measures, target, True when lower is better)
METRICS: dict[str, tuple[str, str, bool]] = {
    "register_page_p95_ms": (
        "p95 latency of the channel register's first page (50 rows of 5,000+ channels), 20 concurrent clients",
        "under 150 ms",
        True,
    ),
    "register_page_filtered_p95_ms": (
        "the same, filtered to active Facebook accounts (`?platform=facebook&status=active`)",
        "under 150 ms",
        True,
    ),
    "register_page_deep_p95_ms": ("the same, page 80 of the register (`?page=80`)", "under 150 ms", True),
    "check_post_per_s": (
        "policy checks of realistic council drafts per second, one process on one core (bench/check_post_bench.py)",
        "at least 2,000 per second",
        False,
    ),
    "classify_offensive_per_s": (
        "offensive-text scores per second on realistic council drafts and residents' messages, one process on one "
        "core (bench/classify_bench.py)",
        "at least 10,000 per second",
        False,
    ),
    "classify_first_pass_per_s": (
        "messages classified per second by the first pass (sentiment, categories, risk, language, service) in "
        "batches of 1,000, one process on one core (bench/classify_bench.py)",
        "at least 20,000 per second",
        False,
    ),
    "classify_second_pass_per_s": (
        "messages classified per second by the second pass (with reasons), batches of 1,000, one process on one "
        "core (bench/classify_bench.py)",
        "at least 100 per second",
        False,
    ),
    "dispatch_10k_drain_s": (
        "seconds from the moment 10,000 posts across 500 channels all fall due at once to the last one published "
        "(bench/dispatch_bench.py)",
        "under 60 s",
        True,
    ),
    "dispatch_skew_p99_s": (
        "p99 of how late each of 10,000 posts across 500 channels was published after its due time, their due "
        "times spread across one minute; also shown for all due at once, where it follows from the drain time "
        "(bench/dispatch_bench.py)",
        "under 2 s",
        True,
    ),
    "listen_match_per_s": (
        "messages matched per second against 10,000 listening queries compiled into one set, one process on one "
        "core (bench/listen_bench.py)",
        "",
        False,
    ),
    "listening_match_us": ("the same as microseconds per message (bench/listen_bench.py)", "", True),
    "listening_100k_vs_1k_ratio": (
        "time per message with 100,000 queries over the time with 1,000 (bench/listen_bench.py)",
        "under 2",
        True,
    ),
    "audit_writes_per_s": (
        "audited writes committed per second, 4 writer processes at once, each in its own council or all in one "
        "(bench/audit_bench.py)",
        "",
        False,
    ),
    "channel_import_dry_run_rows_per_s": (
        "rows of the channel register's CSV import checked per second, nothing saved (bench/channel_import_bench.py)",
        "at least 50 per second (the 500-row limit in 10 s)",
        False,
    ),
    "channel_import_saved_rows_per_s": (
        "rows of the channel register's CSV import checked and saved per second, audited "
        "(bench/channel_import_bench.py)",
        "at least 25 per second (the 500-row limit in 20 s)",
        False,
    ),
    "partners_home_p95_ms": (
        "server time of the combined home page of a communications officer at four councils (500 channels and "
        "10 posts waiting each), in process (bench/partners_bench.py)",
        "under 300 ms",
        True,
    ),
    "partners_approvals_p95_ms": (
        "the same, the combined approval queue: 40 posts with fresh policy findings and previews",
        "under 2,000 ms",
        True,
    ),
    "partners_summary_pdf_p95_ms": (
        "the same, the accounts summary of 2,000 accounts as a PDF",
        "under 3,000 ms",
        True,
    ),
    "dashboard_p95_ms": (
        "p95 latency of the council's Measures Dashboard (63 accounts with five years of daily figures, "
        "1,000,000 inbox items), 20 concurrent clients (bench/measures_bench.py)",
        "under 150 ms",
        True,
    ),
    "quarterly_pdf_s": (
        "seconds to build the quarter's report to Members as a tagged PDF from the same data (bench/measures_bench.py)",
        "under 5 s",
        True,
    ),
    "archive_search_p95_ms": (
        "p95 latency of archive searches through the API (permissions included) over 1,000,000 archived records, "
        "20 concurrent clients, a fixed mix of words and filters (bench/archive_bench.py)",
        "under 20 ms (SQLite), under 50 ms (PostgreSQL)",
        True,
    ),
    "archive_export_s": (
        "a request's export of 10,000 archived records with redaction proposed (spaCy names and patterns), accepted, "
        "as CSV and JSON, one process (bench/disclosure_bench.py)",
        "under 60 s",
        True,
    ),
    "archive_export_pdf_s": (
        "the same request's accessible PDF (PDF/UA-1) of its first 500 records (bench/disclosure_bench.py)",
        "",
        True,
    ),
    "ingest_mentions_per_s": (
        "received items per second end to end: parse (orjson and the connector's parser), dedupe, store, normalise, "
        "index, first-pass classify, urgent queue, listening against 10,000 queries; one process, batches of "
        "1,000 (bench/inbox_bench.py; since 0af5749 the clocks, request register, auto-replies and archive run "
        "in a follow-on job, its rate recorded beside)",
        "at least 10,000 per second",
        False,
    ),
    "inbox_page_p95_ms": (
        "p95 latency of the inbox with 1,000,000 items: the first page, a status and category filter, a text "
        "search; 20 concurrent clients (bench/inbox_page_bench.py)",
        "under 150 ms",
        True,
    ),
}


def target_of(entry: dict[str, Any], default: str) -> str:
    """The target written in the entry itself if any (``target`` or ``target_<unit>``), else the known one."""
    value = entry.get("target", entry.get(f"target_{entry.get('unit', '')}"))
    if value in (None, ""):
        return default or "—"
    lower_is_better = METRICS.get(entry["metric"], ("", "", True))[2]
    return f"{'under' if lower_is_better else 'at least'} {number(value)} {entry.get('unit', '')}".strip()


def number(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.3g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def variant(entry: dict[str, Any]) -> str:
    """What a figure was measured on: the database, or the dispatch benchmark's mode and scenario."""
    where = str(entry.get("database") or entry.get("mode") or "")
    scenario = entry.get("scenario") or ("same instant" if str(entry.get("metric", "")).startswith("dispatch_") else "")
    return f"{where}, {scenario}" if scenario else where


def latest(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most recent entry of each metric on each database (entries are appended in time order)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, dict) and "metric" in entry and "value" in entry:
            found[(entry["metric"], variant(entry))] = entry
    order = {name: i for i, name in enumerate(METRICS)}
    return sorted(
        found.values(),
        key=lambda e: (
            order.get(e["metric"], len(order)),
            e["metric"],
            not variant(e).startswith(("sqlite", "embedded")),
            variant(e),
        ),
    )


def table(entries: list[dict[str, Any]]) -> str:
    rows = latest(entries)
    if not rows:
        return "No measurements yet: run `make bench`."
    lines = [
        "| Metric | What it measures | Target | Latest | Database or "
        "mode | Measured (UTC) | Commit | Load (1 min) | Server |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in rows:
        meaning, target, _ = METRICS.get(e["metric"], ("", "", True))
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{e['metric']}`",
                    meaning or "—",
                    target_of(e, target),
                    f"**{number(e['value'])} {e.get('unit', '')}**".replace(" **", "**")
                    if e["value"] is not None
                    else "not reached" + (f" ({e['note']})" if e.get("note") else ""),
                    variant(e) or "—",
                    str(e.get("when", "—")).replace("T", " ").replace("Z", ""),
                    f"`{e.get('commit', '')}`" if e.get("commit") else "—",
                    number(e["load_1m"]) if "load_1m" in e else "—",
                    str(e.get("server", "—")),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the table instead of writing the doc")
    args = parser.parse_args()
    entries = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    block = table(entries)
    if args.print:
        print(block)
        return
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        tail = rest.split(END, 1)[1]
        doc = f"{head}{START}\n{block}\n{END}{tail}"
    else:
        doc = f"{doc.rstrip()}\n\n## Latest figures\n\n{START}\n{block}\n{END}\n"
    DOC.write_text(doc, encoding="utf-8")
    print(block)
    print(f"Summary written to {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
