"""dispatch_10k_drain_s and dispatch_skew_p99_s: 10,000 posts due in the same minute across 500 channels.

Usage: .venv/bin/python bench/dispatch_bench.py [--mode all|embedded|celery] [--spread SECONDS] [--posts 10000]
           [--channels 500] [--rate-limit 300] [--concurrency N] [--timeout 900] [--no-save]

Two scenarios, each on both modes (``--spread`` picks one):

  same instant      all 10,000 fall due at T0: how fast Townsquare sends them (dispatch_10k_drain_s).
                    Their lateness follows from it: the 99th percentile post waits for 99% of the
                    rest, so it is about 0.99 x the drain time whatever the design.
  spread over 60 s  the due times are spread evenly across the minute from T0 (post i at
                    T0 + 60 s x i / 10,000; each channel's 20 posts 3 s apart), as a council's
                    scheduled posts fall: how late each one goes out (dispatch_skew_p99_s).

The peer is ``LocalMastodonPeer`` below: a small threaded HTTP server of this benchmark's own (not a
real Mastodon, not mastodon-mock, which answers a status in several milliseconds and would measure
itself), speaking the two calls the Mastodon connector makes to publish: verify credentials and
POST /api/v1/statuses. It keeps the statuses per token, honours ``Idempotency-Key``, and enforces a
per-token rate limit (``--rate-limit`` posts per hour, 429 with X-RateLimit headers past it), so
duplicates and limit breaches would show. Its own capacity is measured first (a separate client
process, keep-alive connections, no limit) and recorded with the figures, so a slow peer shows.

Each mode gets a fresh database with 500 Mastodon channels connected to the peer and 10,000
approved posts (20 per channel: within the limit, so the drain is limited by Townsquare, not by
the limits). Once the workers are up and everything is prepared, the posts are released: their
times are moved so that the first falls due at T0, a few seconds ahead, and their dispatch jobs are
queued as approval queues them (``channels_enqueue``: one job per due time; with Celery, sent with
their ETA).

  embedded  SQLite (the default install), one ``manage.py run_worker`` process (its default
            concurrency unless ``--concurrency``).
  celery    PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/ts_dispatch_bench),
            Redis at 127.0.0.1:6379/14, ``celery worker --concurrency 2`` (two worker processes).

"Sent" means the platform confirmed it (status "published"). dispatch_10k_drain_s = the last
``published_at`` - T0, a figure only when every post was published (otherwise the entry says
``incomplete`` and how many were left). dispatch_skew_p99_s = the 99th percentile over all posts of
(``published_at``, or for a post not published its latest attempt's ``started_at``) - the post's
``scheduled_for``; no figure while any post has not been tried. They are appended to
bench/results.json with ``"mode"``, ``"scenario"`` and the 1-minute load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "dispatch"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_dispatch_bench")
REDIS_URL = "redis://127.0.0.1:6379/14"
LEAD_SECONDS = 3.0  # from releasing the posts to their due time: the jobs are queued (and sent to Celery) first
STARTUP_SECONDS = 60.0  # the workers are up and idle well before the release


# --- the peer -----------------------------------------------------------------------------------------


class LocalMastodonPeer(ThreadingHTTPServer):
    """This benchmark's own minimal Mastodon-compatible peer (publishing calls only)."""

    daemon_threads = True

    def __init__(self, rate_limit: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.rate_limit = rate_limit
        self.lock = threading.Lock()
        self.statuses: dict[str, list[str]] = {}  # token -> texts
        self.keys: dict[tuple[str, str], int] = {}  # (token, idempotency key) -> status id
        self.calls: dict[str, list[float]] = {}
        self.refused = 0
        self.next_id = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: LocalMastodonPeer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms a response), and the peer, not Townsquare, would set the pace.
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _token(self) -> str:
        return self.headers.get("Authorization", "").removeprefix("Bearer ").strip()

    def do_GET(self) -> None:
        token = self._token()
        if self.path.startswith("/api/v1/accounts/verify_credentials"):
            self._send(200, {"id": token, "acct": token, "username": token, "display_name": token, "url": ""})
        elif self.path.startswith("/api/v1/instance"):
            self._send(200, {"uri": "127.0.0.1", "title": "LocalMastodonPeer", "version": "4.3.0"})
        else:
            self._send(404, {"error": "Not found"})

    def do_POST(self) -> None:
        from urllib.parse import parse_qs

        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if not self.path.startswith("/api/v1/statuses"):
            self._send(404, {"error": "Not found"})
            return
        token = self._token()
        form = parse_qs(raw) if "json" not in (self.headers.get("Content-Type") or "") else json.loads(raw or "{}")
        text = form.get("status", [""])[0] if isinstance(form.get("status"), list) else str(form.get("status", ""))
        key = self.headers.get("Idempotency-Key", "")
        peer = self.server
        now = time.time()
        with peer.lock:
            if key and (token, key) in peer.keys:
                status_id = peer.keys[(token, key)]
            else:
                window = [t for t in peer.calls.get(token, []) if t > now - 3600]
                remaining = peer.rate_limit - len(window)
                if remaining <= 0:
                    peer.refused += 1
                    self._send(
                        429,
                        {"error": "Too many requests"},
                        {
                            "X-RateLimit-Limit": str(peer.rate_limit),
                            "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": str(int(min(window) + 3600)),
                        },
                    )
                    return
                window.append(now)
                peer.calls[token] = window
                status_id = peer.next_id
                peer.next_id += 1
                peer.statuses.setdefault(token, []).append(text)
                if key:
                    peer.keys[(token, key)] = status_id
            remaining = peer.rate_limit - len(peer.calls.get(token, []))
        self._send(
            200,
            {
                "id": str(status_id),
                "url": f"{peer.url}/@{token}/{status_id}",
                "content": text,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
            },
            {"X-RateLimit-Limit": str(peer.rate_limit), "X-RateLimit-Remaining": str(remaining)},
        )


# --- one mode, in a child process with its own settings ---------------------------------------------


def _env(mode: str) -> dict[str, str]:
    env = {**os.environ, "TESTING": "1", "LOG_LEVEL": "WARNING", "TOWNSQUARE_VAR_DIR": str(WORK / mode)}
    if mode == "embedded":
        env["DATABASE_URL"] = f"sqlite:///{WORK / mode / 'bench.sqlite3'}"
        env["CELERY_BROKER_URL"] = ""
    else:
        env["DATABASE_URL"] = PG_URL
        env["CELERY_BROKER_URL"] = REDIS_URL
    return env


def prepare(args: argparse.Namespace) -> None:
    """Child: the channels and the approved posts, scheduled a day ahead (bulk rows, as approval leaves them)."""
    import django

    django.setup()
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.connectors.base import Credentials
    from townsquare.connectors.crypto import credentials_encrypt
    from townsquare.connectors.models import Connection
    from townsquare.councils.models import Council
    from townsquare.publishing.models import Post, PostTarget

    council = Council.objects.create(slug="bench", name="Bench Council")
    author = User.objects.create_user("author@bench.example", None)
    channels = Channel.objects.bulk_create(
        [
            Channel(
                council=council,
                platform="mastodon",
                name=f"Bench {n}",
                handle=f"@bench{n}",
                connection_state=Channel.Connection.CONNECTED,
            )
            for n in range(args.channels)
        ]
    )
    Connection.objects.bulk_create(
        [
            Connection(
                channel=c,
                state=Channel.Connection.CONNECTED,
                base_url=args.peer,
                credentials_encrypted=credentials_encrypt(Credentials({"access_token": f"token{n}"})),
                account_external_id=str(n),
                account_handle=f"@bench{n}",
            )
            for n, c in enumerate(channels)
        ]
    )
    now = timezone.now()
    later = now + dt.timedelta(days=1)

    def due(i: int) -> dt.datetime:
        # Spread evenly across ``--spread`` seconds from ``later`` (0: all at the same instant); post i
        # goes to channel i % channels, so each channel's posts are spread across the whole span.
        return later + dt.timedelta(seconds=args.spread * i / args.posts)

    posts = Post.objects.bulk_create(
        [
            Post(
                council=council,
                author=author,
                text=f"Bench post {i:05d}",
                status=Post.Status.APPROVED,
                scheduled_for=due(i),
                approved_by=author,
                approved_at=now,
            )
            for i in range(args.posts)
        ],
        batch_size=2000,
    )
    PostTarget.objects.bulk_create(
        [
            PostTarget(post=p, channel=channels[i % len(channels)], status=PostTarget.Status.SCHEDULED, due_at=due(i))
            for i, p in enumerate(posts)
        ],
        batch_size=2000,
    )
    print(f"prepared {len(posts)} posts on {len(channels)} channels")


def release_and_measure(args: argparse.Namespace) -> None:
    """Child: make every post due at T0, queue the channels as approval does, then wait until nothing is left."""
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import F, OuterRef, Subquery

    from townsquare.channels.models import Channel
    from townsquare.publishing.dispatch.enqueue import channels_enqueue
    from townsquare.publishing.models import Post, PostTarget, PublishAttempt

    released = time.time()
    # Queueing 10,000 separate due times takes longer than queueing 500 channels at one.
    lead = LEAD_SECONDS if not args.spread else LEAD_SECONDS + args.posts / 250
    t0 = dt.datetime.fromtimestamp(released + lead, dt.UTC)
    first = PostTarget.objects.order_by("due_at").values_list("due_at", flat=True)[0]
    shift = t0 - first  # every post keeps its place in the span; the first falls due at T0
    with transaction.atomic():
        Post.objects.update(scheduled_for=F("scheduled_for") + shift)
        PostTarget.objects.update(due_at=F("due_at") + shift)
        if args.spread:
            # As approval queues them: one job per channel and due time.
            for channel_id, due_at in PostTarget.objects.values_list("channel_id", "due_at").distinct():
                channels_enqueue(channel_ids=[channel_id], due_at=due_at)
        else:
            channels_enqueue(channel_ids=Channel.objects.values_list("pk", flat=True), due_at=t0)
    queued_late = time.time() > t0.timestamp()
    deadline = t0.timestamp() + args.timeout
    left = -1
    while time.time() < deadline:
        left = PostTarget.objects.filter(status__in=["scheduled", "publishing"]).count()
        if left == 0:
            break
        time.sleep(0.5)
    last_started = PublishAttempt.objects.filter(target=OuterRef("pk")).order_by("-started_at").values("started_at")[:1]
    rows = list(
        PostTarget.objects.annotate(tried=Subquery(last_started)).values_list(
            "status", "published_at", "tried", "post__scheduled_for"
        )
    )
    published = [p for s, p, _, _ in rows if s == "published" and p is not None]
    # Lateness: confirmed time for a published post, else when it was last tried; untried posts have none.
    lateness = sorted(
        ((p if s == "published" and p else tried) - due).total_seconds()
        for s, p, tried, due in rows
        if (p if s == "published" and p else tried) is not None
    )
    untried = len(rows) - len(lateness)
    complete = len(published) == len(rows)
    statuses: dict[str, int] = {}
    for s, *_ in rows:
        statuses[s] = statuses.get(s, 0) + 1
    print(
        "FIGURES "
        + json.dumps(
            {
                "t0": t0.timestamp(),
                "queued_late": queued_late,
                "posts": len(rows),
                "published": len(published),
                "statuses": statuses,
                "left": left,
                "untried": untried,
                "drain_s": round((max(published) - t0).total_seconds(), 2) if complete else None,
                "first_confirmed_s": round((min(published) - t0).total_seconds(), 2) if published else None,
                "skew_p99_s": round(lateness[int(0.99 * (len(lateness) - 1))], 2) if lateness and not untried else None,
                "skew_p50_s": round(lateness[len(lateness) // 2], 2) if lateness and not untried else None,
                "attempts": PublishAttempt.objects.count(),
            }
        )
    )


def peer_capacity(args: argparse.Namespace) -> None:
    """Child: how many publishing calls a second the peer answers, from 4 keep-alive connections."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    where = urlsplit(args.peer)
    stop_at = time.time() + 3.0
    done = [0] * 4

    def hammer(n: int) -> None:
        conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
        body = urlencode({"status": "capacity", "visibility": "public"})
        while time.time() < stop_at:
            conn.request(
                "POST",
                "/api/v1/statuses",
                body=body,
                headers={
                    "Authorization": f"Bearer capacity{n}",
                    "Idempotency-Key": uuid.uuid4().hex,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            done[n] += 1

    started = time.time()
    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"CAPACITY {sum(done) / (time.time() - started):.0f}")


def _fresh_database(mode: str, env: dict[str, str]) -> None:
    shutil.rmtree(WORK / mode, ignore_errors=True)
    (WORK / mode).mkdir(parents=True, exist_ok=True)
    if mode == "celery":
        import psycopg

        base, name = PG_URL.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _wait_until_idle(mode: str, env: dict[str, str], started: float) -> None:
    """The workers have started (Django loaded, polling or connected to the broker)."""
    log = WORK / mode / "workers.log"
    marker = "started." if mode == "embedded" else "ready."
    while time.time() - started < STARTUP_SECONDS:
        if log.exists() and log.read_text(errors="replace").count(marker) >= 1:
            time.sleep(1.0)
            return
        time.sleep(0.5)
    raise SystemExit(f"the {mode} workers did not start within {STARTUP_SECONDS:.0f} s; see {log}")


def run_mode(mode: str, args: argparse.Namespace, peer: LocalMastodonPeer) -> dict[str, Any]:
    env = _env(mode)
    _fresh_database(mode, env)
    me = [sys.executable, str(Path(__file__).resolve())]
    common = [
        "--mode",
        mode,
        "--posts",
        str(args.posts),
        "--channels",
        str(args.channels),
        "--peer",
        peer.url,
        "--spread",
        str(args.spread),
    ]
    subprocess.run([*me, "--child", "prepare", *common], cwd=ROOT, env=env, check=True)
    workers: list[subprocess.Popen[bytes]] = []
    log = (WORK / mode / "workers.log").open("ab")
    try:
        started = time.time()
        if mode == "embedded":
            command = [sys.executable, "-u", "manage.py", "run_worker"]
            if os.environ.get("BENCH_PROFILE"):  # a profile of the worker (use with --concurrency 1)
                command[2:2] = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
            if args.concurrency:
                command += ["--concurrency", str(args.concurrency)]
            workers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        else:
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "townsquare",
                        "worker",
                        "--concurrency",
                        str(args.concurrency or 2),
                        "--loglevel",
                        "INFO",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        _wait_until_idle(mode, env, started)
        out = subprocess.run(
            [*me, "--child", "measure", *common, "--timeout", str(args.timeout)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures: dict[str, Any] = json.loads(out.split("FIGURES ", 1)[1])
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()
    with peer.lock:
        on_peer = sum(len(v) for v in peer.statuses.values())
        distinct = len({t for v in peer.statuses.values() for t in v})
        figures.update(on_peer=on_peer, duplicates_on_peer=on_peer - distinct, refused_429=peer.refused)
        peer.statuses.clear()
        peer.keys.clear()
        peer.calls.clear()
        peer.refused = 0
    return figures


def _measure_peer() -> float:
    peer = LocalMastodonPeer(10**9)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", "capacity", "--peer", peer.url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    peer.shutdown()
    return float(out.split("CAPACITY ", 1)[1])


def _commit() -> tuple[str, bool]:
    """The commit measured, and whether the code that dispatch runs differed from it."""
    head = commit()
    changed = subprocess.run(
        [
            "git",
            "status",
            "--porcelain",
            "--",
            "townsquare/publishing",
            "townsquare/jobs",
            "townsquare/connectors",
            "bench/dispatch_bench.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head, bool(changed)


def scenario_of(spread: float) -> str:
    return "same instant" if not spread else f"spread over {spread:g} s"


def entries_for(mode: str, figures: dict[str, Any], args: argparse.Namespace, capacity: float) -> list[dict[str, Any]]:
    """The metrics one run gives. All at the same instant: ``dispatch_10k_drain_s`` (how fast 10,000 go
    out) and the lateness that follows from it. Spread across the minute: ``dispatch_skew_p99_s`` (how
    late each post goes out while Townsquare keeps up); its drain is the span itself, kept as a field."""
    measured, changed = _commit()
    common: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": measured,
        "mode": mode,
        "scenario": scenario_of(args.spread),
        "spread_s": args.spread,
        "load_1m": round(os.getloadavg()[0], 2),
        "posts": args.posts,
        "channels": args.channels,
        "rate_limit_per_hour": args.rate_limit,
        "published": figures["published"],
        "statuses": figures["statuses"],
        "duplicates_on_peer": figures["duplicates_on_peer"],
        "refused_429": figures["refused_429"],
        "peer": "LocalMastodonPeer (bench/dispatch_bench.py)",
        "peer_capacity_per_s": round(capacity),
        "skew_p50_s": figures["skew_p50_s"],
        "first_confirmed_s": figures["first_confirmed_s"],
        "last_published_after_t0_s": figures["drain_s"],
    }
    if mode == "embedded":
        common["concurrency"] = args.concurrency or "default"
    else:
        common["celery_workers"] = args.concurrency or 2
    if changed:
        common["uncommitted_changes"] = True
    if figures["drain_s"] and not args.spread:
        common["posts_per_s"] = round(figures["published"] / figures["drain_s"], 1)
    if figures["drain_s"] is None or figures["queued_late"]:
        # Not every post went out (or the release overran T0): no figure, only how far it got.
        common.update(
            incomplete=True,
            left=figures["left"],
            untried=figures["untried"],
            timeout_s=args.timeout,
            queued_late=figures["queued_late"],
        )
    skew = {
        "metric": "dispatch_skew_p99_s",
        "value": None if common.get("incomplete") else figures["skew_p99_s"],
        "unit": "s",
        **common,
    }
    if args.spread:
        return [skew]
    return [
        {
            "metric": "dispatch_10k_drain_s",
            "value": None if common.get("incomplete") else figures["drain_s"],
            "unit": "s",
            **common,
        },
        skew,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="all", choices=["all", "embedded", "celery"])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--rate-limit", type=int, default=300)
    parser.add_argument(
        "--spread",
        type=float,
        default=None,
        help="seconds across which the posts' due times are spread evenly (0: all at the same "
        "instant); default: both, the same instant and 60 s",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="run_worker threads (embedded) or Celery worker processes (default: 2)",
    )
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--child", choices=["prepare", "measure", "capacity"])
    parser.add_argument("--peer", default="")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    if args.child:
        {"prepare": prepare, "measure": release_and_measure, "capacity": peer_capacity}[args.child](args)
        return
    capacity = _measure_peer()
    print(f"peer capacity: {capacity:.0f} publishing calls/s (4 keep-alive connections, another process)")
    peer = LocalMastodonPeer(args.rate_limit)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    entries = []
    for spread in [0.0, 60.0] if args.spread is None else [args.spread]:
        args.spread = spread
        for mode in ["embedded", "celery"] if args.mode == "all" else [args.mode]:
            figures = run_mode(mode, args, peer)
            print(mode, scenario_of(spread), json.dumps(figures))
            entries += entries_for(mode, figures, args, capacity)
    peer.shutdown()
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()
