"""archive_search_p95_ms: p95 latency of archive searches through the API over 1,000,000 records, 20 clients.

Usage: .venv/bin/python bench/archive_bench.py [--records 1000000] [--duration 30] [--database all|sqlite|postgresql]
                                              [--no-save]

The archive is built once and kept: on SQLite in var/bench/archive_<records>.sqlite3, on PostgreSQL in
the database at BENCH_ARCHIVE_PG_URL (default postgres://postgres@127.0.0.1:5432/ts_archive_bench),
reused while it holds that many records. Building goes through the capture service (sealed versions,
the full-text index), 5,000 records a batch: Riverside with 20 channels, six years of posts, replies,
received items, direct messages and notes, 0.5% of them edited later. Then the production web server
starts as ``manage.py serve`` does and ``wrk -t2 -c20`` with bench/lua/page.lua cycles through a
fixed list of searches (words, words with filters, filters alone, edited only, a date range) as the
communications officer, each a 200 with a JSON page of up to 50 records and their versions. The
figure appended to bench/results.json is the p95 over all of them.
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

from record import append_results, commit
from register_bench import (
    Server,
    cpu_sample,
    describe,
    log,
    pg_reachable,
    pg_recreate,
    server_env,
    wait_for_quiet,
)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
LUA = ROOT / "bench" / "lua" / "page.lua"
PG_URL = os.environ.get("BENCH_ARCHIVE_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_archive_bench")
EMAIL = "comms@riverside.example"
API = "/api/councils/riverside/archive/"
SEARCHES = [
    "?q=leisure+centre",
    "?q=bins",
    "?q=pothole&kind=received",
    "?kind=post",
    "?only=edited",
    "?q=council+tax&from=2024-01-01&to=2024-12-31",
    "",
    "?q=swimming+pool+closure",
    "?platform=x&q=library",
]
TARGETS = {"sqlite": 20.0, "postgresql": 50.0}
BATCH = 5000

WORDS = {
    "topics": [
        "leisure centre",
        "bins",
        "recycling",
        "pothole",
        "council tax",
        "library",
        "swimming pool",
        "planning application",
        "parking",
        "street lights",
        "housing repairs",
        "flooding",
        "market",
        "park",
        "school holidays",
        "elections",
        "bus station",
        "closure",
        "consultation",
        "opening hours",
    ],
    "openers": [
        "Why is the",
        "Thank you for the update on the",
        "When will the",
        "Please can someone look at the",
        "Great news about the",
        "I am unhappy with the",
        "Reminder:",
        "Update on the",
        "Is the",
        "We have changed the",
    ],
    "closers": [
        "this week.",
        "on Mill Lane.",
        "near the station.",
        "from Monday.",
        "again!",
        "in Riverside.",
        "for the summer.",
        "after the storm.",
        "before Christmas.",
        "at the weekend.",
    ],
}
KINDS = [("post", 15), ("reply", 10), ("received", 55), ("direct_message", 10), ("note", 5), ("approval", 5)]


def prepare(records: int) -> dict[str, Any]:
    """Build the archive if the database does not hold it yet; sign the comms officer in either way."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.archive.index_tidy import index_tidy
    from townsquare.archive.models import ArchiveRecord
    from townsquare.archive.services import archive_edit_seen
    from townsquare.channels.models import Channel, Platform
    from townsquare.councils.models import Council
    from townsquare.councils.services import membership_grant

    call_command("migrate", verbosity=0)
    council, made = Council.objects.get_or_create(slug="riverside", defaults={"name": "Riverside District Council"})
    user = User.objects.filter(email=EMAIL).first() or User.objects.create_user(EMAIL, "bench-password-not-used")
    if made:
        membership_grant(actor=None, council=council, user=user, role="comms")
    platforms = list(Platform.values)
    channels = [
        Channel.objects.get_or_create(
            council=council,
            platform=platforms[n % len(platforms)],
            handle=f"riverside{n}",
            defaults={"name": f"Riverside account {n}"},
        )[0]
        for n in range(20)
    ]
    have = ArchiveRecord.objects.filter(council=council).count()
    rng = random.Random(1_000_000 + have)
    now = timezone.now()
    started = time.monotonic()
    edited: list[int] = []
    while have < records:
        size = min(BATCH, records - have)
        edited += insert_batch(council.pk, channels, rng, have, size, now)
        have += size
        print(f"{have} records ({time.monotonic() - started:.0f}s)", file=sys.stderr, flush=True)
    for record in ArchiveRecord.objects.filter(pk__in=edited):  # 0.5% edited later
        archive_edit_seen(record=record, text=f"Corrected: {record.pk} leisure centre opening hours")
    index_tidy()  # as the daily archive.dispose job would (SQLite: the full-text index's b-trees merged)
    if connection.vendor == "postgresql":
        # As autovacuum would in time: the visibility map lets the newest-first index be read without the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE archive_archiverecord")
            cursor.execute("VACUUM ANALYZE archive_archiveversion")
            cursor.execute("ANALYZE")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "records": ArchiveRecord.objects.filter(council=council).count()}


def insert_batch(
    council_id: int, channels: list[Any], rng: random.Random, first: int, size: int, now: dt.datetime
) -> list[int]:
    """Insert ``size`` records with their first versions, sealed and indexed as ``archive_capture`` does, in three
    statements (the service itself takes longer per row: it checks each source is new). Returns ids to edit."""
    from django.db import connection, transaction

    from townsquare.archive import chain
    from townsquare.archive.models import ArchiveChainHead, ArchiveRecord, ArchiveVersion
    from townsquare.archive.search import index_versions
    from townsquare.audit.chain import newest_key, seal

    ops = connection.ops
    key_name, key = newest_key()
    kinds, weights = [k for k, _ in KINDS], [w for _, w in KINDS]
    with transaction.atomic():
        next_id = (ArchiveRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        next_version = (ArchiveVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        ArchiveChainHead.objects.get_or_create(id=council_id)
        head = ArchiveChainHead.objects.select_for_update().get(id=council_id)
        seq, prev = head.seq, head.hash
        record_rows, version_rows, index_rows = [], [], []
        for n in range(first, first + size):
            channel = channels[rng.randrange(len(channels))]
            text = (
                f"{rng.choice(WORDS['openers'])} {rng.choice(WORDS['topics'])} and the "
                f"{rng.choice(WORDS['topics'])} {rng.choice(WORDS['closers'])} #{n}"
            )
            metadata = {"bench": True}
            digest = chain.content_hash(text, metadata)
            record = ArchiveRecord(
                id=next_id,
                council_id=council_id,
                channel_id=channel.pk,
                platform=channel.platform,
                kind=rng.choices(kinds, weights)[0],
                external_id=f"b{n}",
                url="",
                author=f"@resident{rng.randrange(50000)}",
                thread_key=f"b{n - n % 7}",
                source=f"bench:{n}",
                first_seen_at=now,
                content_hash=digest,
                occurred_at=(now - dt.timedelta(seconds=rng.randrange(6 * 365 * 86400))).replace(microsecond=0),
            )
            seq += 1
            version = ArchiveVersion(
                id=next_version,
                record=record,
                council_id=council_id,
                n=1,
                event="captured",
                text=text,
                metadata=metadata,
                captured_at=now,
                content_hash=digest,
                seq=seq,
                prev_hash=prev,
                key_id=key_name,
            )
            version.hash = prev = seal(key, chain.sealed_fields(version, record))
            record_rows.append(
                (
                    record.pk,
                    council_id,
                    channel.pk,
                    record.platform,
                    record.kind,
                    record.external_id,
                    "",
                    record.author,
                    record.thread_key,
                    record.source,
                    ops.adapt_datetimefield_value(record.occurred_at),
                    ops.adapt_datetimefield_value(now),
                    digest,
                    1,
                )
            )
            version_rows.append(
                (
                    version.pk,
                    record.pk,
                    council_id,
                    1,
                    "captured",
                    text,
                    json.dumps(metadata),
                    ops.adapt_datetimefield_value(now),
                    digest,
                    seq,
                    version.prev_hash,
                    version.hash,
                    key_name,
                )
            )
            index_rows.append((version.pk, record.occurred_at, text, record.author))
            next_id, next_version = next_id + 1, next_version + 1
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO archive_archiverecord (id, council_id, "
                "channel_id, platform, kind, external_id, url, author, "
                "thread_key, source, occurred_at, first_seen_at, content_hash, version_count) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                record_rows,
            )
            cursor.executemany(
                "INSERT INTO archive_archiveversion (id, record_id, council_id, n, event, text, metadata, captured_at, "
                "content_hash, seq, prev_hash, hash, key_id) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                version_rows,
            )
        index_versions(index_rows)
        ArchiveChainHead.objects.filter(id=council_id).update(seq=seq, hash=prev)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval('archive_archiverecord_id_seq', %s)", [next_id])
                cursor.execute("SELECT setval('archive_archiveversion_id_seq', %s)", [next_version])
    return [row[0] for row in record_rows[::200]]


def pg_records(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM archive_archiverecord").fetchone()[0])  # type: ignore[index]
    except Exception:
        return -1


def wrk(base: str, cookie: str, *, duration: int, connections: int) -> dict[str, Any]:
    paths = [API + s for s in SEARCHES]
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        "-H",
        f"Cookie: {cookie}",
        base + API,
        "--",
        '"results":',
        *paths,
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    found = [line for line in run.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if run.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stderr or run.stdout}")
    result: dict[str, Any] = json.loads(found[-1].removeprefix("WRK_JSON "))
    if result["bad_responses"] or sum(result["errors"].values()) or not result["requests"]:
        raise RuntimeError(
            f"{result['bad_responses']} bad responses (first {result['first_bad_status']}), {result['errors']}"
        )
    return result


def bench_database(database: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    var_dir = ROOT / "bench" / "work" / f"archive-{database}"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    if database == "postgresql" and pg_records(url) < 0:
        pg_recreate(url)
    env = server_env(var_dir, url)
    log(f"== {database}: the archive of {args.records} records (built once, then reused)")
    started = time.monotonic()
    prep = subprocess.run(
        [sys.executable, __file__, "_prepare", str(args.records)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if prep.returncode != 0:
        raise RuntimeError(f"preparing the {database} archive failed")
    prepared = json.loads(prep.stdout.strip().splitlines()[-1])
    log(f"   {prepared['records']} records ready ({time.monotonic() - started:.0f}s)")
    cookie = f"sessionid={prepared['session']}"
    server = Server(env, var_dir, args.workers, args.threads)
    try:
        server.wait_ready(cookie)
        for search in SEARCHES:
            status, body = server.get(API + search, cookie)
            if status != 200 or '"results":' not in body:
                raise RuntimeError(f"{search or 'no filter'}: expected a page of results, got {status}")
        wrk(server.base, cookie, duration=args.warmup, connections=args.connections)
        load, busy = wait_for_quiet(args.quiet_wait, 0.15)
        machine, server_cpu = cpu_sample(), server.cpu_seconds()
        result = wrk(server.base, cookie, duration=args.duration, connections=args.connections)
        server_cpu = server.cpu_seconds() - server_cpu
        elapsed, used = (after - before for after, before in zip(cpu_sample(), machine, strict=True))
    finally:
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    entry = {
        "metric": "archive_search_p95_ms",
        "value": round(result["p95_ms"], 1),
        "unit": "ms",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": args.commit,
        "database": database,
        "load_1m": load,
        "others_cpu_before": busy,
        "machine_cpu_during": round(used / elapsed, 2),
        "server": describe(args.workers, args.threads),
        "path": API,
        "searches": SEARCHES,
        "records": prepared["records"],
        "clients": args.connections,
        "duration_s": round(result["duration_s"], 1),
        "requests": result["requests"],
        "requests_per_s": round(result["requests"] / result["duration_s"], 1),
        "p50_ms": round(result["p50_ms"], 1),
        "p99_ms": round(result["p99_ms"], 1),
        "target_ms": TARGETS[database],
        # The web processes' own CPU time per request (on PostgreSQL the database server's is not in it).
        "server_cpu_ms_per_request": round(server_cpu * 1000 / result["requests"], 2),
    }
    log(
        f"   archive_search_p95_ms [{database}]: p95 {entry['value']} "
        f"ms (p50 {entry['p50_ms']}, p99 {entry['p99_ms']}; "
        f"{entry['requests_per_s']}/s, {entry['server_cpu_ms_per_request']} ms CPU each; load {load})"
    )
    return entry


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "_prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
        return
    from townsquare.web.management.commands.serve import WEB_THREADS, WEB_WORKERS

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=WEB_WORKERS)
    parser.add_argument("--threads", type=int, default=WEB_THREADS)
    parser.add_argument("--database", choices=["all", "sqlite", "postgresql"], default="all")
    parser.add_argument("--quiet-wait", type=float, default=120)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    args.commit = commit()
    CACHE.mkdir(parents=True, exist_ok=True)
    databases = []
    if args.database in {"all", "sqlite"}:
        databases.append(("sqlite", f"sqlite:///{CACHE / f'archive_{args.records}.sqlite3'}"))
    if args.database in {"all", "postgresql"}:
        if pg_reachable(PG_URL):
            databases.append(("postgresql", PG_URL))
        else:
            log(f"Skipping PostgreSQL: nothing answers at {PG_URL}.")
    entries = [bench_database(database, url, args) for database, url in databases]
    for entry in entries:
        print(json.dumps(entry))
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()
