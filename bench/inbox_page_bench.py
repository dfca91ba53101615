"""inbox_page_p95_ms: the inbox's first page and filtered pages with 1,000,000 items, 20 clients, on SQLite.

Usage: .venv/bin/python bench/inbox_page_bench.py [--items 1000000] [--duration 15] [--rebuild-data] [--no-save]

The data is built once into var/bench/ (the demo councils, then ``--items`` items for Riverside's
accounts over two years, written with one prepared INSERT, not through the pipeline: statuses,
sentiments, categories, services and texts varied, each item with its two service-level clocks (running on
open items, as the pipeline starts them), and the full-text index filled) and copied into
bench/work/inbox/ for each run. The production web server is started as ``manage.py serve`` does
(gunicorn, DEBUG off; helpers shared with bench/register_bench.py), signed in as Riverside's
communications manager, and each page is driven with ``wrk -t2 -c20 --latency`` and
bench/lua/page.lua, which fails the run unless every response is a 200 carrying the table of items:
the first page, a filtered page (status and category) and a text search. Each figure is appended
to bench/results.json with the 1-minute load average and the server's CPU time per request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import register_bench as rb
from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "inbox"
CACHE = ROOT / "var" / "bench"
TARGET_MS = 150.0
PAGES = {
    "first": "/c/riverside/inbox/",
    "status_category": "/c/riverside/inbox/?status=new&category=complaint",
    "search": "/c/riverside/inbox/?q=pothole",
}
SCENARIOS = {"first": "first page", "status_category": "status and category", "search": "text search"}
STATUSES = ["resolved"] * 7 + ["new", "assigned", "awaiting_reply", "awaiting_resident"]
SENTIMENTS = ["negative"] * 3 + ["neutral"] * 5 + ["positive"] * 2
WORDS = ("bins", "pothole", "streetlight", "parking", "council tax", "library", "fly tipping", "planning")
PLACES = ("Mill Lane", "Station Road", "Church Street", "the High Street", "Riverside Park", "Kings Road")


def build(items: int) -> dict[str, Any]:
    """Migrate, load the demo, add ``items`` items for Riverside with one prepared INSERT, index them."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from townsquare.channels.models import Channel
    from townsquare.classify.categories import CATEGORIES
    from townsquare.councils.models import Council, Service
    from townsquare.demo.services import demo_load
    from townsquare.inbox.pipeline import ROW_FIELDS
    from townsquare.inbox.search import FTS_TABLE

    call_command("migrate", verbosity=0)
    demo_load()
    council = Council.objects.get(slug="riverside")
    channels = list(Channel.objects.filter(council=council).values_list("pk", flat=True))
    services = list(Service.objects.filter(council=council).values_list("pk", flat=True))
    categories = list(CATEGORIES)
    rng = random.Random(21)
    columns = [*ROW_FIELDS, "service_id", "updated_at"]
    sql = f"INSERT INTO inbox_receiveditem ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)
    span = 730 * 86400
    with transaction.atomic(), connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for n in range(items):
            received = start + dt.timedelta(seconds=span * n // items)
            text = f"The {rng.choice(WORDS)} on {rng.choice(PLACES)}: {rng.choice(WORDS)} again, report {n}"
            cats = json.dumps(rng.sample(categories, rng.randint(0, 2)))
            batch.append(
                (
                    council.pk,
                    rng.choice(channels),
                    f"bench-{n}",
                    "mention",
                    f"@resident{n % 5000}",
                    f"Resident {n % 5000}",
                    text,
                    received,
                    "",
                    "",
                    "{}",
                    False,
                    "",
                    received,
                    f"resident{n % 5000}",
                    "en",
                    "[]",
                    "[]",
                    f"bench-{n}",
                    rng.choice(SENTIMENTS),
                    cats,
                    "",
                    "{}",
                    True,
                    True,
                    True,
                    False,
                    "",
                    rng.choice(STATUSES),
                    rng.choice(services) if services else None,
                    received,
                )
            )
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        clocks = _clocks_add(cursor, connection.vendor)
        if connection.vendor == "sqlite":
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, body, author) "  # noqa: S608
                "SELECT id, text, author_handle || ' ' || author_name FROM inbox_receiveditem"
            )
        else:
            cursor.execute("ANALYZE inbox_receiveditem")  # as autovacuum would after such a load
            cursor.execute("ANALYZE inbox_itemtarget")
    return {"items": items, "clocks": clocks}


def _clocks_add(cursor: Any, vendor: str) -> int:
    """Each bench item's two service-level clocks, as the pipeline starts them: first response (one working
    day) and resolution (five): met for resolved items, the response met for those awaiting the resident,
    running (and mostly overdue) for the rest, so the list shows each open item's clocks as it would."""
    from townsquare.inbox.service_level_models import ItemTarget

    def later(hours: int) -> str:
        return (
            f"datetime(received_at, '+{hours} hours')"
            if vendor == "sqlite"
            else f"received_at + interval '{hours} hours'"
        )

    table = ItemTarget._meta.db_table
    columns = "item_id, council_id, kind, minutes, started_at, due_at, state, finished_at"
    answered = "('resolved', 'awaiting_resident')"
    for kind, minutes, hours, finished in (
        ("first_response", 480, 24, answered),
        ("resolution", 2400, 120, "('resolved')"),
    ):
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT id, council_id, %s, %s, received_at, {later(hours)}, "  # noqa: S608
            f"CASE WHEN status IN {finished} THEN 'met' ELSE 'running' END, "
            f"CASE WHEN status IN {finished} THEN {later(2)} ELSE NULL END "
            "FROM inbox_receiveditem WHERE external_id LIKE 'bench-%%' ORDER BY id",
            [kind, minutes],
        )
    cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
    return int(cursor.fetchone()[0])


def prepare() -> dict[str, Any]:
    """Bring the copy up to date and sign Riverside's communications manager in."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from townsquare.accounts.models import User
    from townsquare.inbox.models import ReceivedItem

    call_command("migrate", verbosity=0)
    user = User.objects.get(email="comms@riverside.example")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "inbox_items": ReceivedItem.objects.count()}


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "_prepare":
        print(json.dumps(prepare()))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "_build":
        import django

        django.setup()
        print(json.dumps(build(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--pages", default=",".join(PAGES), help="which of: " + ", ".join(PAGES))
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (scripts/bench.sh installs it with apt).")
    rb.MARKER = "Received items"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    if args.database == "postgres":
        # The database itself is the cache: built once, migrated each run, left in place.
        url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_inbox_page_bench")
        if not rb.pg_reachable(url):
            raise SystemExit(f"PostgreSQL is not reachable at {url}")
        env = rb.server_env(WORK, url)
        if args.rebuild_data or not (CACHE / "inbox-postgres.built").exists():
            rb.pg_recreate(url)
            rb.log(f"   building {args.items:,} inbox items in PostgreSQL once")
            made = subprocess.run(
                [sys.executable, __file__, "_build", str(args.items)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if made.returncode != 0:
                raise SystemExit(f"building the data failed:\n{made.stderr[-4000:]}")
            CACHE.mkdir(parents=True, exist_ok=True)
            (CACHE / "inbox-postgres.built").write_text(url)
    else:
        cached = CACHE / f"inbox-{args.items}items.sqlite3"
        if args.rebuild_data or not cached.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            building = cached.with_suffix(".building")
            building.unlink(missing_ok=True)
            rb.log(f"   building {cached.name} once ({args.items:,} inbox items)")
            made = subprocess.run(
                [sys.executable, __file__, "_build", str(args.items)],
                cwd=ROOT,
                env=rb.server_env(CACHE, f"sqlite:///{building}"),
                capture_output=True,
                text=True,
                check=False,
            )
            if made.returncode != 0:
                raise SystemExit(f"building the data failed:\n{made.stderr[-4000:]}")
            building.rename(cached)
        shutil.copyfile(cached, WORK / "bench.sqlite3")
        env = rb.server_env(WORK, f"sqlite:///{WORK / 'bench.sqlite3'}")
    prep = subprocess.run(
        [sys.executable, __file__, "_prepare"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if prep.returncode != 0:
        raise SystemExit(f"preparing the database failed:\n{prep.stderr[-4000:]}")
    prepared = json.loads(prep.stdout.strip().splitlines()[-1])
    cookie = f"sessionid={prepared['session']}"
    common = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": commit(),
        "database": args.database,
        "inbox_items": prepared["inbox_items"],
        "clients": args.connections,
        "server": rb.describe(rb.WEB_WORKERS, rb.WEB_THREADS),
        "target_ms": TARGET_MS,
    }
    entries: list[dict[str, Any]] = []
    server = rb.Server(env, WORK, rb.WEB_WORKERS, rb.WEB_THREADS)
    try:
        server.wait_ready(cookie)
        for name in args.pages.split(","):
            path = PAGES[name]
            started = time.perf_counter()
            status, body = server.get(path, cookie)
            single_ms = (time.perf_counter() - started) * 1000
            if status != 200 or "Received items" not in body:
                raise SystemExit(f"expected the inbox at {path}, got {status}")
            rb.wrk(server.base + path, cookie, duration=args.warmup, connections=args.connections, threads=2)
            load = os.getloadavg()[0]
            cpu_before = server.cpu_seconds()
            result = rb.wrk(server.base + path, cookie, duration=args.duration, connections=args.connections, threads=2)
            entry = {
                **common,
                "metric": "inbox_page_p95_ms",
                "page": name,
                "scenario": SCENARIOS[name],
                "path": path,
                "value": round(result["p95_ms"], 1),
                "unit": "ms",
                "load_1m": load,
                "p50_ms": round(result["p50_ms"], 1),
                "p99_ms": round(result["p99_ms"], 1),
                "first_request_ms": round(single_ms, 1),
                "requests": result["requests"],
                "requests_per_s": round(result["requests"] / result["duration_s"], 1),
                "server_cpu_ms_per_request": round(
                    1000 * (server.cpu_seconds() - cpu_before) / max(result["requests"], 1), 2
                ),
            }
            print(json.dumps(entry), flush=True)
            entries.append(entry)
    finally:
        server.stop()
        shutil.rmtree(WORK, ignore_errors=True)
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()
