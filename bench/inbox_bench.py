"""ingest_mentions_per_s: the inbox's ingest end to end, one process on SQLite.

Usage: .venv/bin/python bench/inbox_bench.py [--items 10000] [--queries 10000] [--profile] [--no-save]

Builds a throwaway SQLite database with one council, a Mastodon and a Bluesky channel and 10,000
listening queries written the way bench/listen_bench.py writes them, and payloads shaped as the
platforms send them (Mastodon notifications with a status and an account; Bluesky notifications with
a record and an author), one in twenty a repeat of an earlier one. Then, in batches of 1,000 as a
poll hands them over: parse each payload (orjson) into an item with the connector's own parser, and
``inbound_store`` them: dedupe, store, normalise, index (FTS5), classify (first pass), urgent
queue, listening (10,000 queries); each batch queues its follow-on job (service-level clocks, request
register, auto-replies, the archive's record), which a worker runs a moment later, and its second-pass
job (the better classifier).

Records ``ingest_mentions_per_s`` with the 1-minute load average and the process's CPU time per
item, and the wall time each stage took (``stages_us_per_item``). Then the queued follow-on jobs are
run in the same process, as the embedded worker would, and timed apart: ``follow_on_per_s`` and its
steps' times (``follow_on_us_per_item``) go into the same entry, with the rate of two of the batches'
second-pass jobs (``second_pass_per_s``). ``--profile`` prints a
cProfile of one run instead of recording. ``--callgrind`` (under ``valgrind --tool=callgrind
--instr-atstart=no``) counts the instructions of the measured items' ingest alone, nothing recorded: a
figure the other work on a shared machine does not move, for comparing two commits. The page benchmark
is bench/inbox_page_bench.py.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000
STAGE_TIMES: dict[str, float] = defaultdict(float)
STAGE_CPU: dict[str, float] = defaultdict(float)  # the process's CPU time in each stage: steadier on a shared machine


PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "ts_ingest_bench"
BROKER = "redis://127.0.0.1:6379/14"


def pg_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")


def setup_django(tmp: str, postgres: bool = False) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "townsquare.settings"
    os.environ["TOWNSQUARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    if postgres:
        pg_recreate()
        os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
        os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ.setdefault("TESTING", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def texts() -> list[str]:
    from classify_bench import MESSAGES, council_messages

    return MESSAGES + council_messages()


def payloads(count: int, seed: int = 7, first: int = 0) -> list[tuple[str, bytes]]:
    """``count`` payloads as the platforms send them, alternately Mastodon and Bluesky; 5% repeats.
    Their platform ids start at ``first`` (the warm-up's are apart from the measured ones)."""
    rng = random.Random(seed)
    said = texts()
    out: list[tuple[str, bytes]] = []
    for n in range(first, first + count):
        if n > first + 20 and rng.random() < 0.05:
            out.append(out[rng.randrange(len(out))])
            continue
        text = rng.choice(said)
        when = (dt.datetime(2026, 12, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
        who = rng.randrange(5000)
        if n % 2 == 0:
            raw: dict[str, Any] = {
                "id": str(900000 + n),
                "type": "mention",
                "created_at": when,
                "account": {
                    "id": str(who),
                    "acct": f"resident{who}@mastodon.social",
                    "display_name": f"Resident {who}",
                    "url": f"https://mastodon.social/@resident{who}",
                    "bot": False,
                },
                "status": {
                    "id": str(110000000 + n),
                    "created_at": when,
                    "language": "en",
                    "visibility": "public",
                    "in_reply_to_id": str(110000000 + n - 2) if n % 10 == 4 else None,
                    "url": f"https://mastodon.social/@resident{who}/{110000000 + n}",
                    "content": "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>",
                    "media_attachments": [
                        {"type": "image", "url": "https://files.mastodon.social/a.jpg", "description": "A photo"}
                    ]
                    if n % 7 == 0
                    else [],
                    "mentions": [{"acct": "riversidedc", "username": "riversidedc"}],
                    "tags": [],
                },
            }
            out.append(("mastodon", orjson.dumps(raw)))
        else:
            uri = f"at://did:plc:res{who}/app.bsky.feed.post/3k{n:08d}"
            raw = {
                "uri": uri,
                "cid": f"bafy{n:012d}",
                "reason": "mention",
                "isRead": False,
                "indexedAt": when,
                "author": {
                    "did": f"did:plc:res{who}",
                    "handle": f"resident{who}.bsky.social",
                    "displayName": f"Resident {who}",
                },
                "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": when, "langs": ["en"]},
            }
            out.append(("bluesky", orjson.dumps(raw)))
    return out


def timed(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return run(*args, **kwargs)
        finally:
            STAGE_TIMES[name] += time.perf_counter() - started
            STAGE_CPU[name] += time.process_time() - cpu

    return wrapper


def instrument() -> None:
    """Time each stage of the pipeline by wrapping the names the pipeline calls them by."""
    from townsquare.inbox import follow_on, pipeline, services
    from townsquare.listening import ingest

    for name in ("normalise", "_index", "enrich", "urgent_stage", "follow_on_enqueue"):
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    services.store = timed("store", services.store)  # type: ignore[assignment]
    ingest.listening_ingest = timed("listening", ingest.listening_ingest)  # type: ignore[assignment]
    for name in ("clocks_start", "open_requests", "_auto_reply", "_archive"):
        setattr(follow_on, name, timed(f"follow_on:{name.lstrip('_')}", getattr(follow_on, name)))


def run_jobs(kind: str, limit: int = 10**6) -> tuple[int, int, float]:
    """Run up to ``limit`` queued jobs of ``kind`` as the embedded worker would; returns (jobs, items, seconds)."""
    from townsquare.jobs.services import job_run, jobs_claim_due

    started = time.perf_counter()
    jobs = jobs_claim_due(worker="bench", limit=limit, kinds=[kind])
    for job in jobs:
        job_run(job)
    return len(jobs), sum(len(job.payload["items"]) for job in jobs), time.perf_counter() - started


def run_follow_on() -> tuple[int, float]:
    """Run the queued follow-on jobs; returns (jobs, seconds)."""
    jobs, _, seconds = run_jobs("inbox.follow_on")
    return jobs, seconds


def ingest(channels: dict[str, Any], data: list[tuple[str, bytes]]) -> None:
    from townsquare.connectors.bluesky.parsing import from_notification
    from townsquare.connectors.mastodon.parsing import parse_notification
    from townsquare.inbox.services import inbound_store

    parsers = {"mastodon": parse_notification, "bluesky": from_notification}
    for start in range(0, len(data), BATCH):
        started, cpu = time.perf_counter(), time.process_time()
        batch: dict[str, list[Any]] = {"mastodon": [], "bluesky": []}
        for platform, body in data[start : start + BATCH]:
            batch[platform].append(parsers[platform](orjson.loads(body)))
        STAGE_TIMES["parse"] += time.perf_counter() - started
        STAGE_CPU["parse"] += time.process_time() - cpu
        for platform, items in batch.items():
            inbound_store(channel=channels[platform], items=items)


def build(queries: int) -> dict[str, Any]:
    from listen_bench import make_queries

    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.listening.models import ListeningQuery

    council = Council.objects.create(slug="bench", name="Bench District Council")
    channels = {
        p: Channel.objects.create(council=council, platform=p, name=f"Bench on {p}", handle="@bench")
        for p in ("mastodon", "bluesky")
    }
    ListeningQuery.objects.bulk_create(
        [ListeningQuery(council=council, name=f"Query {n}", query=q) for n, q in enumerate(make_queries(queries))],
        batch_size=2000,
    )
    return channels


def callgrind_collect(on: bool) -> None:
    """Turn callgrind's counting on or off in this process (run under ``valgrind --tool=callgrind
    --instr-atstart=no``): callgrind reads the request while the process runs, so it keeps running."""
    import subprocess

    asked = subprocess.Popen(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())])
    while asked.poll() is None:
        sum(range(1000))


def measured(rate: float) -> dict[str, Any]:
    """What every ingest_mentions_per_s entry starts with."""
    return {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "metric": "ingest_mentions_per_s",
        "value": round(rate),
        "unit": "per s",
    }


def on_postgres(args: argparse.Namespace) -> None:
    """The same work on PostgreSQL, each batch a Celery task taken by one of ``--workers`` processes."""
    import inbox_celery

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp, postgres=True)
        channels = build(args.queries)
        ids = {p: c.pk for p, c in channels.items()}
        workers = inbox_celery.start_workers(args.workers, dict(os.environ))
        try:
            for n in range(2):  # warm: each worker's models loaded and compiled set built
                inbox_celery.run(ids, payloads(BATCH * args.workers, seed=99, first=10**6 * (n + 1)), BATCH)
            time.sleep(2)
            data = payloads(args.items)
            from townsquare.inbox.models import ReceivedItem

            before = ReceivedItem.objects.count()
            seconds = inbox_celery.run(ids, data, BATCH)
            load = os.getloadavg()[0]
        finally:
            inbox_celery.stop_workers(workers)
        stored = ReceivedItem.objects.count() - before
    entry = {
        **measured(args.items / seconds),
        "database": "postgresql",
        "workers": args.workers,
        "broker": "redis",
        "load_1m": load,
        "items": args.items,
        "stored": stored,
        "queries": args.queries,
        "wall_us_per_item": round(seconds / args.items * 1e6, 1),
    }
    print(f"ingest_mentions_per_s on PostgreSQL, {args.workers} Celery workers: {entry['value']} (load {load:.1f})")
    if not args.no_save:
        append_results([entry])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=10000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--callgrind", action="store_true", help="count instructions of the measured items only")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL with Celery workers (Redis broker)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.postgres:
        on_postgres(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        channels = build(args.queries)
        ingest(channels, payloads(BATCH, seed=99, first=10**6))  # warm: models loaded, compiled set built
        run_follow_on()
        from townsquare.jobs.heap import heap_settle

        heap_settle(warm_classifier=True)  # as a worker does at start (run_worker, Celery, listen_streams)
        data = payloads(args.items)
        if args.callgrind:
            callgrind_collect(True)
            ingest(channels, data)
            callgrind_collect(False)
            return
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            ingest(channels, data)
            profiler.disable()
            profiler.dump_stats(os.environ.get("PROFILE_OUT", f"{tempfile.gettempdir()}/ingest.prof"))
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
            return
        from townsquare.inbox.models import ReceivedItem
        from townsquare.listening.models import ListeningMatch

        before = (ReceivedItem.objects.count(), ListeningMatch.objects.count())
        instrument()
        STAGE_TIMES.clear()
        STAGE_CPU.clear()
        cpu = time.process_time()
        started = time.perf_counter()
        ingest(channels, data)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        ingest_stages = dict(STAGE_TIMES)
        ingest_cpu = dict(STAGE_CPU)
        jobs, follow_seconds = run_follow_on()
        _, second_items, second_seconds = run_jobs("inbox.second_pass", limit=2)  # two batches of the 20
        stored = ReceivedItem.objects.count() - before[0]
        matches = ListeningMatch.objects.count() - before[1]
    load = os.getloadavg()[0]
    rate = args.items / seconds
    ingest_stages["other"] = seconds - sum(ingest_stages.values())
    ingest_cpu["other"] = cpu - sum(ingest_cpu.values())
    stages_cpu = {k: round(v / args.items * 1e6, 1) for k, v in sorted(ingest_cpu.items(), key=lambda kv: -kv[1])}
    stages = {k: round(v / args.items * 1e6, 1) for k, v in sorted(ingest_stages.items(), key=lambda kv: -kv[1])}
    follow = {k: round(v / args.items * 1e6, 1) for k, v in STAGE_TIMES.items() if k.startswith("follow_on:")}
    entry = {
        **measured(rate),
        "database": "sqlite",
        "workers": 1,
        "load_1m": load,
        "items": args.items,
        "stored": stored,
        "queries": args.queries,
        "listening_matches": matches,
        "cpu_us_per_item": round(cpu / args.items * 1e6, 1),
        "wall_us_per_item": round(seconds / args.items * 1e6, 1),
        "stages_us_per_item": stages,
        "stages_cpu_us_per_item": stages_cpu,
        "follow_on_jobs": jobs,
        "follow_on_per_s": round(args.items / follow_seconds),
        "follow_on_us_per_item": follow,
        "second_pass_per_s": round(second_items / second_seconds),
    }
    print(
        f"ingest_mentions_per_s: {entry['value']} (load {load:.1f}, CPU {entry['cpu_us_per_item']} µs an item, "
        f"{stored} stored, {matches} listening matches)"
    )
    for name, us in stages.items():
        print(f"  {name:16} {us:8.1f} µs an item (CPU {stages_cpu.get(name, 0):.1f})")
    print(f"follow-on jobs: {jobs}, {entry['follow_on_per_s']} items a second")
    print(f"second pass (two of the batches): {entry['second_pass_per_s']} items a second")
    for name, us in follow.items():
        print(f"  {name:24} {us:8.1f} µs an item")
    if not args.no_save:
        append_results([entry])


if __name__ == "__main__":
    main()
