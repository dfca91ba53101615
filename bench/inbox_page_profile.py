"""CPU per inbox page in process: the real WSGI application (every middleware), the inbox page benchmark's data.

Usage: .venv/bin/python bench/inbox_page_profile.py [--database sqlite|postgres] [--rounds 30] [--profile N]
                                                     [--pages first,status_category,search] [--queries]

Runs after ``inbox_page_bench.py`` has built its data (SQLite: var/bench/inbox-1000000items.sqlite3, copied
once to var/bench/inbox-profile.sqlite3 and migrated; PostgreSQL: the database at BENCH_PG_URL, default
ts_inbox_page_bench, as the benchmark built it). Signs Riverside's communications manager in (a fresh
session, as the benchmark does), then calls ``townsquare.wsgi.application`` with each of the benchmark's
pages in turn, ``--rounds`` times, and prints the CPU time of this process per request for each page (the
best round, and the median) and, on PostgreSQL, the database server's own CPU time for its backend.
``--queries`` prints the statements of one request of each page; ``--profile N`` prints the N costliest
functions of one more pass under cProfile. The figures are what the web process spends, without
gunicorn's socket handling or the queue.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import os
import pstats
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from archive_profile import backend_cpu, environ  # noqa: E402
from inbox_page_bench import CACHE, PAGES, prepare  # noqa: E402

MARKER = b"Received items"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_inbox_page_bench")


def call(app: Any, path: str, cookie: str) -> bytes:
    status: list[str] = []
    body = b"".join(app(environ(path, cookie), lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200") or MARKER not in body:
        raise RuntimeError(f"{path}: {status[0]} {body[:300]!r}")
    return body


def _timed(dotted: str) -> list[float]:
    """Wrap the function or method ``dotted`` (``module.function``, ``module.Class.method``) where its owner
    and any module holds it (``from … import`` copies it): each call's CPU time is appended to the list
    returned."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        break
    else:
        raise SystemExit(f"cannot find {dotted}")
    original = getattr(owner, parts[-1])
    spent: list[float] = []

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.process_time() - before)

    setattr(owner, parts[-1], wrapper)
    for module in list(sys.modules.values()):
        for key, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                setattr(module, key, wrapper)
    return spent


def cpu_of(request: Callable[[], Any], backend: int | None) -> tuple[float, float]:
    """The CPU milliseconds ``request`` costs this process, and the PostgreSQL ``backend`` (0 without one)."""
    db_before = backend_cpu(backend) if backend else 0.0
    before = time.process_time()
    request()
    spent = (time.process_time() - before) * 1000
    return spent, ((backend_cpu(backend) - db_before) * 1000 if backend else 0.0)


def database_url(database: str, items: int) -> str:
    if database == "postgres":
        return PG_URL
    cached = CACHE / f"inbox-{items}items.sqlite3"
    if not cached.exists():
        raise SystemExit(f"{cached} is missing: run bench/inbox_page_bench.py once to build it")
    copy = CACHE / "inbox-profile.sqlite3"
    if not copy.exists() or copy.stat().st_mtime < cached.stat().st_mtime:
        shutil.copyfile(cached, copy)
    return f"sqlite:///{copy}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--pages", default=",".join(PAGES), help="which of: " + ", ".join(PAGES))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--callees", default="", help="with --profile: what the functions matching this call")
    parser.add_argument(
        "--time",
        default="",
        help="comma-separated functions (module.function) whose own CPU time per request is printed, e.g. "
        "townsquare.inbox.rows.page_rows",
    )
    args = parser.parse_args()
    var = ROOT / "bench" / "work" / "inbox-profile"
    var.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "townsquare.settings",
            "TOWNSQUARE_VAR_DIR": str(var),
            "DATABASE_URL": database_url(args.database, args.items),
            "DEBUG": "0",
            "TOWNSQUARE_DEMO": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("TESTING", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session_key = prepare()["session"]  # migrates, signs the communications manager in, as the benchmark does
    from townsquare.wsgi import application

    cookie = f"sessionid={session_key}"
    paths = {name: PAGES[name] for name in args.pages.split(",")}
    timed = {name: _timed(name) for name in args.time.split(",") if name}
    for path in paths.values():  # warm: imports, templates, prepared statements, the database's pages in memory
        for _ in range(3):
            call(application, path, cookie)
    if args.queries:
        for name, path in paths.items():
            with CaptureQueriesContext(connection) as captured:
                call(application, path, cookie)
            print(f"{name}: {len(captured.captured_queries)} statements")
            for query in captured.captured_queries:
                print(f"  {query['time']}s  {query['sql'][:220]}")
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    for spent in timed.values():
        spent.clear()
    spent_by_page: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, path in paths.items():
            spent_by_page[name].append(cpu_of(lambda p=path: call(application, p, cookie), backend))
    print(
        f"{args.database}: CPU per request in ms, best / median of {args.rounds}"
        + (" (and the PostgreSQL backend's, mean: /proc counts in ticks)" if backend else "")
    )
    for name, spent in spent_by_page.items():
        own = [web for web, _ in spent]
        db = f"   db {statistics.mean(d for _, d in spent):5.2f}" if backend else ""
        print(f"  {name:16} {min(own):6.2f} {statistics.median(own):6.2f}{db}")
    for name, spent in timed.items():
        print(f"  {name}: {1000 * sum(spent) / (args.rounds * len(paths)):.2f} ms a request ({len(spent)} calls)")
    if args.profile:
        # Timed by this process's CPU clock: on a shared machine the wall clock counts the time others ran.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(10):
            for path in paths.values():
                call(application, path, cookie)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
        if args.callees:
            stats.print_callees(args.callees)
    SessionStore(session_key).delete()


if __name__ == "__main__":
    main()
