"""CPU per archive search in process: the real WSGI application (every middleware), the bench's archive.

Usage: .venv/bin/python bench/archive_profile.py [--database sqlite|postgresql] [--rounds 20] [--profile N]

Runs after ``archive_bench.py`` has built the archive. Signs the communications officer in (a fresh
session, as the benchmark does), then calls ``townsquare.wsgi.application`` with each of the
benchmark's searches in turn, ``--rounds`` times, and prints the CPU time of this process per request
for each search (the best round, and the median) and, on PostgreSQL, the database server's own CPU
time for its backend. ``--profile N`` prints the N costliest functions of one more pass under cProfile.
The figures are what the web process spends, without gunicorn's socket handling or the queue.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from archive_bench import API, CACHE, EMAIL, PG_URL, SEARCHES  # noqa: E402


def backend_cpu(pid: int) -> float:
    """The CPU seconds used so far by one PostgreSQL backend (it runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def environ(path: str, cookie: str) -> dict[str, Any]:
    base, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": base,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": cookie,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: Any, path: str, cookie: str) -> bytes:
    status: list[str] = []
    body = b"".join(app(environ(path, cookie), lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200") or b'"results":' not in body:
        raise RuntimeError(f"{path}: {status[0]} {body[:200]!r}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    url = f"sqlite:///{CACHE / f'archive_{args.records}.sqlite3'}" if args.database == "sqlite" else PG_URL
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "townsquare.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "TOWNSQUARE_DEMO": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("TESTING", None)
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from townsquare.accounts.models import User
    from townsquare.wsgi import application

    user = User.objects.get(email=EMAIL)
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.create()
    cookie = f"sessionid={session.session_key}"
    paths = [API + s for s in SEARCHES]
    for path in paths:  # warm: imports, prepared statements, the database's pages in memory
        call(application, path, cookie)
        call(application, path, cookie)
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    own: dict[str, list[float]] = {p: [] for p in paths}
    server: dict[str, list[float]] = {p: [] for p in paths}
    for _ in range(args.rounds):
        for path in paths:
            db_before = backend_cpu(backend) if backend else 0.0
            before = time.process_time()
            call(application, path, cookie)
            own[path].append((time.process_time() - before) * 1000)
            if backend:
                server[path].append((backend_cpu(backend) - db_before) * 1000)
    print(
        f"{args.database}: CPU per request in ms, best / median of {args.rounds}"
        + (" (and the PostgreSQL backend's, mean: /proc counts in ticks)" if backend else "")
    )
    for path in paths:
        line = (
            f"  {path.removeprefix(API) or '(no filter)':48} {min(own[path]):6.2f} {statistics.median(own[path]):6.2f}"
        )
        if backend:
            line += f"   db {sum(server[path]) / len(server[path]):6.1f}"
        print(line)
    every = [t for times in own.values() for t in times]
    print(
        f"  mean of all {statistics.mean(every):.2f} ms, median {statistics.median(every):.2f} ms"
        + (f"; db mean {statistics.mean([t for v in server.values() for t in v]):.1f} ms" if backend else "")
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            for path in paths:
                call(application, path, cookie)
        profiler.disable()
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.profile)
            print(out.getvalue())
    session.delete()


if __name__ == "__main__":
    main()
