"""dispatch_10k_drain_s and dispatch_skew_p99_s: 10,000 posts due at the same moment across 500 channels.

Usage: .venv/bin/python bench/dispatch_bench.py [--mode all|embedded|celery] [--posts 10000]
                                               [--channels 500] [--rate-limit 300] [--no-save]

The peer is ``LocalMastodonPeer`` below: a tiny threaded HTTP server of this benchmark's own (not a
real Mastodon, not mastodon-mock, which answers a status in several milliseconds and would measure
itself), speaking the two calls the Mastodon connector makes to publish: verify credentials and
POST /api/v1/statuses. It keeps the statuses per token, honours ``Idempotency-Key``, and enforces a
per-token rate limit (``--rate-limit`` posts per hour, 429 with X-RateLimit headers past it), so
duplicates and limit breaches would show.

Each mode gets a fresh database with 500 Mastodon channels connected to the peer and 10,000
approved posts (20 per channel, within the limit) whose targets are all due at T0, a few seconds
after the workers have started; their dispatch jobs are on the queue as approval puts them there.

  embedded  SQLite (the default install), one ``manage.py run_worker`` process.
  celery    PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/ts_dispatch_bench),
            Redis at 127.0.0.1:6379/14, ``celery worker --concurrency 2``; each job is sent to Celery
            with its ETA, as ``job_enqueue`` does.

dispatch_10k_drain_s = last ``published_at`` - T0; dispatch_skew_p99_s = the 99th percentile of
(``published_at`` - ``due_at``). Both are appended to bench/results.json with ``"mode"``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "dispatch"
RESULTS = ROOT / "bench" / "results.json"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_dispatch_bench")
REDIS_URL = "redis://127.0.0.1:6379/14"
LEAD_SECONDS = 8.0  # workers start and settle before the posts fall due


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
                    self._send(429, {"error": "Too many requests"}, {
                        "X-RateLimit-Limit": str(peer.rate_limit), "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": str(int(min(window) + 3600))})
                    return
                window.append(now)
                peer.calls[token] = window
                status_id = peer.next_id
                peer.next_id += 1
                peer.statuses.setdefault(token, []).append(text)
                if key:
                    peer.keys[(token, key)] = status_id
            remaining = peer.rate_limit - len(peer.calls.get(token, []))
        self._send(200, {"id": str(status_id), "url": f"{peer.url}/@{token}/{status_id}", "content": text,
                         "created_at": dt.datetime.now(dt.UTC).isoformat()},
                   {"X-RateLimit-Limit": str(peer.rate_limit), "X-RateLimit-Remaining": str(remaining)})


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
    """Child: make the channels and the approved, due posts (bulk rows, as approval leaves them)."""
    import django

    django.setup()
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.connectors.base import AccountInfo, Credentials
    from townsquare.connectors.crypto import credentials_encrypt
    from townsquare.connectors.models import Connection
    from townsquare.councils.models import Council
    from townsquare.jobs.models import Job
    from townsquare.publishing.dispatch import JOB_KIND, _job_key
    from townsquare.publishing.models import Post, PostTarget

    _ = AccountInfo
    council = Council.objects.create(slug="bench", name="Bench Council")
    author = User.objects.create_user("author@bench.example", None)
    channels = Channel.objects.bulk_create([
        Channel(council=council, platform="mastodon", name=f"Bench {n}", handle=f"@bench{n}",
                connection_state=Channel.Connection.CONNECTED) for n in range(args.channels)])
    Connection.objects.bulk_create([
        Connection(channel=c, state=Channel.Connection.CONNECTED, base_url=args.peer,
                   credentials_encrypted=credentials_encrypt(Credentials({"access_token": f"token{n}"})),
                   account_external_id=str(n), account_handle=f"@bench{n}") for n, c in enumerate(channels)])
    t0 = dt.datetime.fromtimestamp(args.t0, dt.UTC)
    now = timezone.now()
    posts = Post.objects.bulk_create([
        Post(council=council, author=author, text=f"Bench post {i:05d}", status=Post.Status.APPROVED,
             scheduled_for=t0, approved_by=author, approved_at=now) for i in range(args.posts)], batch_size=2000)
    targets = PostTarget.objects.bulk_create([
        PostTarget(post=p, channel=channels[i % len(channels)], status=PostTarget.Status.SCHEDULED, due_at=t0)
        for i, p in enumerate(posts)], batch_size=2000)
    jobs = Job.objects.bulk_create([
        Job(kind=JOB_KIND, payload={"target_id": t.pk}, run_after=t0, dedupe_key=_job_key(t.pk, t0), max_attempts=3)
        for t in targets], batch_size=2000)
    if args.mode == "celery":
        from townsquare.jobs.tasks import run_job

        for job in jobs:
            run_job.apply_async(args=[job.pk], eta=t0)
    print(f"prepared {len(targets)} targets on {len(channels)} channels")


def measure(args: argparse.Namespace) -> None:
    """Child: wait until nothing is left to send, then print the figures as JSON."""
    import django

    django.setup()
    from townsquare.publishing.models import PostTarget

    deadline = time.time() + args.timeout
    left = -1
    while time.time() < deadline:
        left = PostTarget.objects.filter(status__in=["scheduled", "publishing"]).count()
        if left == 0:
            break
        time.sleep(1)
    rows = list(PostTarget.objects.values_list("status", "due_at", "published_at"))
    published = [(d, p) for s, d, p in rows if s == "published" and p is not None]
    lateness = sorted((p - d).total_seconds() for d, p in published)
    t0 = dt.datetime.fromtimestamp(args.t0, dt.UTC)
    last = max((p for _, p in published), default=t0)
    print("FIGURES " + json.dumps({
        "published": len(published), "not_published": len(rows) - len(published), "left": left,
        "drain_s": round((last - t0).total_seconds(), 2),
        "skew_p99_s": round(lateness[int(0.99 * (len(lateness) - 1))], 2) if lateness else None,
    }))


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
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def run_mode(mode: str, args: argparse.Namespace, peer: LocalMastodonPeer) -> dict[str, Any]:
    env = _env(mode)
    _fresh_database(mode, env)
    me = [sys.executable, str(Path(__file__).resolve())]
    workers: list[subprocess.Popen[bytes]] = []
    log = (WORK / mode / "workers.log").open("ab")
    try:
        if mode == "embedded":
            workers.append(subprocess.Popen([sys.executable, "manage.py", "run_worker", "--idle-sleep", "0.05"],
                                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        else:
            workers.append(subprocess.Popen([sys.executable, "-m", "celery", "-A", "townsquare", "worker",
                                             "--concurrency", "2", "--loglevel", "WARNING", "--without-gossip",
                                             "--without-mingle"], cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT))
        t0 = time.time() + LEAD_SECONDS + 60  # preparing 10,000 posts (and queueing them in Celery) takes a while
        common = ["--mode", mode, "--posts", str(args.posts), "--channels", str(args.channels), "--t0", str(t0),
                  "--peer", peer.url]
        subprocess.run([*me, "--child", "prepare", *common], cwd=ROOT, env=env, check=True)
        if time.time() > t0:
            raise SystemExit("preparing took longer than the lead time: raise LEAD_SECONDS")
        out = subprocess.run([*me, "--child", "measure", *common, "--timeout", str(args.timeout)], cwd=ROOT, env=env,
                             check=True, capture_output=True, text=True).stdout
        figures: dict[str, Any] = json.loads(out.split("FIGURES ", 1)[1])
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()
    on_peer = sum(len(v) for v in peer.statuses.values())
    figures.update(on_peer=on_peer, distinct_on_peer=len({t for v in peer.statuses.values() for t in v}),
                   refused_429=peer.refused)
    peer.statuses.clear()
    peer.keys.clear()
    peer.calls.clear()
    return figures


def save(entries: list[dict[str, Any]]) -> None:
    with open(RESULTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # other benchmarks append to the same file
        data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
        data.extend(entries)
        RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="all", choices=["all", "embedded", "celery"])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--rate-limit", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--child", choices=["prepare", "measure"])
    parser.add_argument("--t0", type=float, default=0.0)
    parser.add_argument("--peer", default="")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    if args.child == "prepare":
        prepare(args)
        return
    if args.child == "measure":
        measure(args)
        return
    peer = LocalMastodonPeer(args.rate_limit)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    entries = []
    for mode in (["embedded", "celery"] if args.mode == "all" else [args.mode]):
        figures = run_mode(mode, args, peer)
        print(mode, json.dumps(figures))
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        common = {"when": when, "commit": commit, "mode": mode, "posts": args.posts, "channels": args.channels,
                  "peer": "LocalMastodonPeer (bench/dispatch_bench.py)",
                  "rate_limit_per_hour": args.rate_limit, "published": figures["published"],
                  "duplicates_on_peer": figures["on_peer"] - figures["distinct_on_peer"],
                  "load_1m": round(os.getloadavg()[0], 2)}
        if figures["left"]:
            # Not everything went out before --timeout: no drain figure, only how far it got.
            common.update(incomplete=True, left=figures["left"], timeout_s=args.timeout)
            figures["drain_s"] = None
        entries += [{"metric": "dispatch_10k_drain_s", "value": figures["drain_s"], "unit": "s", **common},
                    {"metric": "dispatch_skew_p99_s", "value": figures["skew_p99_s"], "unit": "s", **common}]
    peer.shutdown()
    if not args.no_save:
        save(entries)


if __name__ == "__main__":
    main()
