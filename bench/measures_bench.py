"""dashboard_p95_ms and quarterly_pdf_s: the Measures Dashboard under 20 clients, and the quarter's PDF.

Usage: .venv/bin/python bench/measures_bench.py [--duration 20] [--channels 50] [--items 1000000]
       [--rebuild-data] [--no-save] [--keep]

On SQLite. The data is built once (bench/measures_data.py) into var/bench/ and copied into
bench/work/measures/ for each run: the demo councils, ``--channels`` more accounts for Riverside,
every account with five years of daily figures and their summaries, and ``--items`` inbox items over
those five years with the inbox summaries. Each run migrates the copy (building the summaries
again if a migration added them), then times the last full quarter's report PDF (built from the
figures, WeasyPrint, PDF/UA-1): ``quarterly_pdf_s``. It starts the production web server as
``manage.py serve`` does (gunicorn, DEBUG off; helpers shared with bench/register_bench.py), warms it
and drives the dashboard /c/riverside/measures/ with ``wrk -t2 -c20 --latency`` and bench/lua/page.lua, which fails the
run unless every response is a 200 carrying the chart: ``dashboard_p95_ms``. Both figures are
appended to bench/results.json with the machine's load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import register_bench as rb
from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "measures"
PATH = "/c/riverside/measures/"
DASHBOARD_TARGET_MS, PDF_TARGET_S = 150.0, 5.0


CACHE = ROOT / "var" / "bench"


def prepare() -> dict[str, Any]:
    """Bring the copied database up to date, time the PDF, and sign the councillor in."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.inbox.models import ReceivedItem
    from townsquare.measures.models import DailyMeasure, InboxMonthly, LatestMeasure
    from townsquare.measures.periods import Quarter, month_add
    from townsquare.measures.report import report_build, report_pdf

    call_command("migrate", verbosity=0)
    if not InboxMonthly.objects.exists() or not LatestMeasure.objects.exists():
        call_command("measures_rebuild", verbosity=0)
    council = Council.objects.get(slug="riverside")
    ended = month_add(timezone.localdate().replace(day=1), -3)
    quarter = Quarter(ended.year, (ended.month - 1) // 3 + 1)
    started = time.perf_counter()
    pdf = report_pdf(report_build(council=council, quarter=quarter))
    pdf_s = time.perf_counter() - started
    user = User.objects.get(email="councillor@riverside.example")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "session": session.session_key,
        "channels": Channel.objects.filter(council=council).count(),
        "daily_rows": DailyMeasure.objects.count(),
        "inbox_items": ReceivedItem.objects.count(),
        "pdf_s": round(pdf_s, 2),
        "pdf_bytes": len(pdf),
        "quarter": quarter.code,
    }


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "_prepare":
        print(json.dumps(prepare()))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "_build":
        import django

        django.setup()
        from measures_data import build

        print(json.dumps(build(int(sys.argv[2]), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of load (default 20)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--channels", type=int, default=50, help="accounts added to Riverside (default 50)")
    parser.add_argument("--items", type=int, default=1_000_000, help="inbox items (default 1,000,000)")
    parser.add_argument("--rebuild-data", action="store_true", help="build the cached data in var/bench/ again")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (scripts/bench.sh installs it with apt).")
    rb.MARKER = "measure-desc"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    cached = CACHE / f"measures-{args.channels}ch-{args.items}items.sqlite3"
    started = time.monotonic()
    if args.rebuild_data or not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        rb.log(f"   building {cached.name} once (five years of figures, {args.items:,} inbox items)")
        build = subprocess.run(
            [sys.executable, __file__, "_build", str(args.channels), str(args.items)],
            cwd=ROOT,
            env=rb.server_env(CACHE, f"sqlite:///{building}"),
            capture_output=True,
            text=True,
            check=False,
        )
        if build.returncode != 0:
            raise SystemExit(f"building the data failed:\n{build.stderr[-4000:]}")
        building.rename(cached)
    shutil.copyfile(cached, WORK / "bench.sqlite3")
    env = rb.server_env(WORK, f"sqlite:///{WORK / 'bench.sqlite3'}")
    prep = subprocess.run(
        [sys.executable, __file__, "_prepare"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if prep.returncode != 0:
        raise SystemExit(f"preparing the database failed:\n{prep.stderr[-4000:]}")
    prepared = json.loads(prep.stdout.strip().splitlines()[-1])
    rb.log(
        f"   {prepared['channels']} accounts, {prepared['daily_rows']} daily rows, {prepared['inbox_items']} inbox "
        f"items ({time.monotonic() - started:.0f}s)"
    )
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    common = {
        "when": when,
        "commit": commit(),
        "database": "sqlite",
        "load_1m": os.getloadavg()[0],
        "channels": prepared["channels"],
        "daily_rows": prepared["daily_rows"],
        "inbox_items": prepared["inbox_items"],
    }
    entries: list[dict[str, Any]] = [
        {
            "metric": "quarterly_pdf_s",
            "value": prepared["pdf_s"],
            "unit": "s",
            "quarter": prepared["quarter"],
            "pdf_bytes": prepared["pdf_bytes"],
            "target_s": PDF_TARGET_S,
            **common,
        }
    ]
    cookie = f"sessionid={prepared['session']}"
    server = rb.Server(env, WORK, rb.WEB_WORKERS, rb.WEB_THREADS)
    try:
        server.wait_ready(cookie)
        status, body = server.get(PATH, cookie)
        if status != 200 or "measure-desc" not in body:
            raise SystemExit(f"expected the dashboard, got {status}")
        rb.wrk(server.base + PATH, cookie, duration=args.warmup, connections=args.connections, threads=2)
        load = os.getloadavg()[0]
        cpu_before = server.cpu_seconds()
        result = rb.wrk(server.base + PATH, cookie, duration=args.duration, connections=args.connections, threads=2)
        entries.append(
            {
                **common,
                "metric": "dashboard_p95_ms",
                "value": round(result["p95_ms"], 1),
                "unit": "ms",
                "load_1m": load,
                "server": rb.describe(rb.WEB_WORKERS, rb.WEB_THREADS),
                "path": PATH,
                "clients": args.connections,
                "requests": result["requests"],
                "requests_per_s": round(result["requests"] / result["duration_s"], 1),
                "p50_ms": round(result["p50_ms"], 1),
                "p99_ms": round(result["p99_ms"], 1),
                "server_cpu_ms_per_request": round(
                    1000 * (server.cpu_seconds() - cpu_before) / max(result["requests"], 1), 2
                ),
                "target_ms": DASHBOARD_TARGET_MS,
            }
        )
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    for entry in entries:
        print(json.dumps(entry))
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()
