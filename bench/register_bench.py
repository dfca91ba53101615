"""register_page_p95_ms: p95 latency of the channel register page, 5,000 channels, 20 clients.

Usage: .venv/bin/python bench/register_bench.py [--duration 30] [--database all|sqlite|postgres]
                                              [--config 2x4 [--config 3x1 ...]] [--no-save] [--keep]

For each database (SQLite always; PostgreSQL at BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/ts_bench, when it answers) the script builds a fresh database
in bench/work/, migrates it, loads the demo councils, adds 5,000 channels to Riverside and signs
comms@riverside.example in. It then starts the production web server exactly as ``manage.py
serve`` does (gunicorn, DEBUG off), warms it up and drives it with
``wrk -t2 -c20 -d30s --latency`` and bench/lua/page.lua, which fails the run unless every
response is a 200 carrying the register. Three pages are measured:

  register_page_p95_ms           /c/riverside/channels/                     (first page, 50 rows)
  register_page_filtered_p95_ms  /c/riverside/channels/?platform=facebook&status=active
  register_page_deep_p95_ms      /c/riverside/channels/?page=80

Each figure is appended to the JSON array in bench/results.json with the database, the server
configuration and the 1-minute load average at the time of measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
LUA = ROOT / "bench" / "lua" / "page.lua"
MARKER = "channels-caption"  # only the register table carries it (page.lua checks every response)
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_bench")

sys.path.insert(0, str(ROOT))
from townsquare.web.management.commands.serve import WEB_THREADS, WEB_WORKERS, web_command  # noqa: E402

CHANNELS = 5000
EMAIL = "comms@riverside.example"
PAGES = [  # metric, query string, text the page must contain (besides the table)
    ("register_page_p95_ms", "", "Page 1 of"),
    ("register_page_filtered_p95_ms", "?platform=facebook&status=active", 'value="facebook" selected'),
    ("register_page_deep_p95_ms", "?page=80", "Page 80 of"),
]
TARGET_MS = 150.0


# --- Preparing a database (runs in a child process so each database gets its own settings) -------

PLACES = [
    "Riverside",
    "Northbank",
    "Millbrook",
    "Eastgate",
    "Westford",
    "Oakley",
    "Southmere",
    "Harbourside",
    "Kingsmead",
    "Ashby",
    "Fernhill",
    "Brookside",
    "Castleton",
    "Elmwood",
    "Greenfield",
    "Hollins",
    "Longmoor",
    "Marshfield",
    "Newtown",
    "Orchard Park",
    "Priory",
    "Queensway",
    "Redbridge",
    "Stonegate",
    "Thornbury",
    "Upton",
    "Valley",
    "Wheatley",
    "Yardley",
    "Abbeyfields",
    "Beacon",
    "Claydon",
    "Denholme",
    "Edgecombe",
    "Foxhollow",
    "Gorsey Bank",
    "Hatherley",
    "Ivybridge",
    "Juniper Hill",
    "Kirkby",
    "Lindley",
    "Moorside",
    "Netherton",
    "Overdale",
    "Pendle",
    "Quarry Bank",
    "Rushmere",
    "Saltney",
    "Tarnside",
    "Underwood",
    "Vicarage",
    "Westbrook",
    "Alderley",
    "Birchwood",
    "Coppice",
    "Dunmore",
    "Eastwick",
    "Fairfield",
    "Glenmoor",
    "Highcliffe",
]
TOPICS = [
    ("Waste", "Waste and Recycling"),
    ("Recycling", "Waste and Recycling"),
    ("Bin Days", "Waste and Recycling"),
    ("Leisure Centre", "Leisure"),
    ("Pool", "Leisure"),
    ("Parks", "Leisure"),
    ("Sports", "Leisure"),
    ("Library", "Libraries"),
    ("Reading Group", "Libraries"),
    ("Archives", "Libraries"),
    ("Housing", "Housing"),
    ("Tenants", "Housing"),
    ("Homelessness", "Housing"),
    ("Emergencies", "Emergency Planning"),
    ("Flood Alerts", "Emergency Planning"),
    ("Winter", "Emergency Planning"),
    ("News", "Communications"),
    ("Events", "Communications"),
    ("Jobs", "Communications"),
    ("Elections", "Communications"),
    ("Markets", "Communications"),
    ("Tourism", "Communications"),
    ("Youth", None),
    ("Climate", None),
    ("Arts", None),
    ("Museum", "Leisure"),
    ("Theatre", "Leisure"),
    ("Family Hub", None),
    ("Business", None),
    ("Community Safety", None),
]
PLATFORM_WEIGHTS = {
    "facebook": 28,
    "x": 20,
    "instagram": 15,
    "youtube": 6,
    "linkedin": 8,
    "bluesky": 9,
    "mastodon": 5,
    "nextdoor": 9,
}
STATUS_WEIGHTS = {"active": 70, "dormant": 14, "to_close": 8, "closed": 8}
CONNECTION_WEIGHTS = {"not_connected": 58, "connected": 32, "needs_reconnecting": 7, "error": 3}


def _handle(platform: str, place: str, topic: str) -> tuple[str, str]:
    words = f"{place} {topic}".split()
    camel, lower, dashed = "".join(words), "".join(words).lower(), "-".join(words).lower()
    return {
        "facebook": (camel, f"https://www.facebook.com/{camel}"),
        "x": ("@" + camel[:15], f"https://x.com/{camel[:15]}"),
        "instagram": (lower[:30], f"https://www.instagram.com/{lower[:30]}/"),
        "youtube": ("@" + camel, f"https://www.youtube.com/@{camel}"),
        "linkedin": (dashed, f"https://www.linkedin.com/company/{dashed}"),
        "bluesky": (f"{dashed}.riverside.gov.uk", f"https://bsky.app/profile/{dashed}.riverside.gov.uk"),
        "mastodon": (f"@{lower}@social.riverside.gov.uk", f"https://social.riverside.gov.uk/@{lower}"),
        "nextdoor": (f"{place} {topic}", ""),
    }[platform]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def prepare(count: int) -> dict[str, Any]:
    """Migrate, load the demo, add ``count`` channels to Riverside, and sign the comms officer in."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council
    from townsquare.demo.services import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    council = Council.objects.get(slug="riverside")
    services = {s.name: s for s in council.services.all()}
    people = list(User.objects.filter(memberships__council=council).distinct().order_by("pk"))
    officer = User.objects.get(email="officer@riverside.example")
    taken = set(Channel.objects.filter(council=council).values_list("platform", "handle"))
    rng = random.Random(5000)  # the same register every run
    unused = {pl: [(place, topic, service) for place in PLACES for topic, service in TOPICS] for pl in PLATFORM_WEIGHTS}
    for names in unused.values():
        rng.shuffle(names)
    now = timezone.now()
    today = timezone.localdate()
    channels: list[Channel] = []
    while len(channels) < count:
        platform = _pick(rng, PLATFORM_WEIGHTS)  # more Facebook pages than Mastodon accounts, as in life
        if not unused[platform]:
            raise SystemExit(f"Ran out of {platform} names after {len(channels)} channels; {count} wanted.")
        place, topic, service = unused[platform].pop()
        handle, url = _handle(platform, place, topic)
        if (platform, handle) in taken:
            continue
        taken.add((platform, handle))
        owner = rng.choice(people) if rng.random() < 0.85 else None
        deputy = rng.choice(people) if rng.random() < 0.6 else None
        days_silent = int(rng.expovariate(1 / 60))
        channels.append(
            Channel(
                council=council,
                platform=platform,
                name=f"{place} {topic}",
                handle=handle,
                url=url,
                service=services.get(service or "") if rng.random() < 0.9 else None,
                owner=owner,
                deputy=deputy if deputy != owner else None,
                digital_access_confirmed_on=None
                if rng.random() < 0.25
                else today - dt.timedelta(days=rng.randrange(700)),
                branding_checked_on=None if rng.random() < 0.3 else today - dt.timedelta(days=rng.randrange(700)),
                platform_two_factor=rng.choices([True, False, None], weights=[65, 10, 25])[0],
                status=_pick(rng, STATUS_WEIGHTS),
                connection_state=_pick(rng, CONNECTION_WEIGHTS),
                last_post_at=None
                if rng.random() < 0.05
                else now - dt.timedelta(days=days_silent, minutes=rng.randrange(1440)),
                notes="" if rng.random() < 0.8 else "Shared login held by the service; moving to the digital team.",
            )
        )
    with transaction.atomic():
        created = Channel.objects.bulk_create(channels, batch_size=500)
        waste = services["Waste and Recycling"].pk
        through = Channel.assignees.through
        through.objects.bulk_create(
            [through(channel_id=c.pk, user_id=officer.pk) for c in created if c.service_id == waste], batch_size=500
        )
    user = User.objects.get(email=EMAIL)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "channels": Channel.objects.filter(council=council).count()}


# --- Running the benchmark ---------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_reachable(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def pg_recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "CELERY_BROKER_URL", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "townsquare.settings",
            "TOWNSQUARE_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "TOWNSQUARE_DEMO": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def parse_config(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError("a server configuration is WORKERSxTHREADS, e.g. 2x4")
    return int(match[1]), int(match[2])


def describe(workers: int, threads: int) -> str:
    kind = "gthread" if threads > 1 else "sync"
    return f"gunicorn {workers} workers x {threads} threads ({kind})"


class Server:
    """The production web process, as ``manage.py serve`` starts it, on a free loopback port."""

    def __init__(self, env: dict[str, str], var_dir: Path, workers: int, threads: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = var_dir / f"gunicorn-{workers}x{threads}.log"
        command = web_command(
            bind=f"127.0.0.1:{self.port}",
            workers=workers,
            threads=threads,
            access_log=str(var_dir / f"access-{workers}x{threads}.log"),
        )
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def get(self, path: str, cookie: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie})  # noqa: S310 - our loopback server
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def wait_ready(self, cookie: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                self.get("/c/riverside/channels/", cookie)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (the master and its workers)."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that ended while we looked
            if int(fields[2]) == self.proc.pid:  # process group: start_new_session made gunicorn its leader
                total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log_file.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (to the sign-in page) is a failure here, not something to follow


def wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        "-H",
        f"Cookie: {cookie}",
        url,
        "--",
        MARKER,
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    found = [line for line in run.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if run.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stderr or run.stdout}")
    result: dict[str, Any] = json.loads(found[-1].removeprefix("WRK_JSON "))
    errors = sum(result["errors"].values())
    if result["bad_responses"] or errors or not result["requests"]:
        raise RuntimeError(
            f"{url}: {result['bad_responses']} of {result['responses']} responses were not the register "
            f"(first bad status {result['first_bad_status']}), socket errors {result['errors']}"
        )
    return result


def cpu_sample() -> tuple[float, float]:
    """Seconds of CPU time so far, all cores together: (elapsed, busy)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return sum(values) / tick, (sum(values) - values[3] - values[4]) / tick  # less idle and iowait


def cpu_busy(seconds: float = 3.0) -> float:
    """Share of all cores (0 to 1) that something was using over the next few seconds."""
    total, busy = cpu_sample()
    time.sleep(seconds)
    total2, busy2 = cpu_sample()
    return (busy2 - busy) / max(total2 - total, 1e-9)


def wait_for_quiet(max_wait: float, threshold: float) -> tuple[float, float]:
    """Give other work on the machine a moment to finish, while our server is idle.

    Returns the 1-minute load average and the share of the cores others were using just before.
    The load average alone cannot say this: it still counts this benchmark's own last run.
    """
    deadline = time.monotonic() + max_wait
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        log(f"   other work is using {busy:.0%} of the cores: waiting for the machine to quieten")
        time.sleep(10)
        busy = cpu_busy()
    return round(os.getloadavg()[0], 2), round(busy, 2)


def children_cpu() -> float:
    """CPU seconds used by this script's finished child processes (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_database(database: str, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    var_dir = WORK / database
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    if database == "postgresql":
        pg_recreate(url)
    env = server_env(var_dir, url)
    log(f"== {database}: preparing a fresh database with the demo and {args.channels} more channels")
    started = time.monotonic()
    prep = subprocess.run(
        [sys.executable, __file__, "_prepare", str(args.channels)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if prep.returncode != 0:
        raise RuntimeError(f"preparing the {database} database failed:\n{prep.stderr[-4000:]}")
    prepared = json.loads(prep.stdout.strip().splitlines()[-1])
    log(f"   {prepared['channels']} channels at Riverside ({time.monotonic() - started:.0f}s)")
    cookie = f"sessionid={prepared['session']}"
    entries: list[dict[str, Any]] = []
    try:
        for workers, threads in args.config:
            server = Server(env, var_dir, workers, threads)
            try:
                server.wait_ready(cookie)
                for metric, query, marker in PAGES:
                    if args.only and metric not in args.only:
                        continue
                    status, body = server.get("/c/riverside/channels/" + query, cookie)
                    if status != 200 or marker not in body or "channels-caption" not in body:
                        raise RuntimeError(f"{query or 'first page'}: expected the register, got {status}")
                    if not query and f"{prepared['channels']} channels" not in body:
                        raise RuntimeError("the first page does not show the whole register's count")
                    url_full = server.base + "/c/riverside/channels/" + query
                    # Warm every worker and thread: templates compiled, database connections open.
                    wrk(url_full, cookie, duration=args.warmup, connections=args.connections, threads=2)
                    load, busy = wait_for_quiet(args.quiet_wait, args.quiet_below)
                    server_cpu, machine, wrk_cpu = server.cpu_seconds(), cpu_sample(), children_cpu()
                    result = wrk(url_full, cookie, duration=args.duration, connections=args.connections, threads=2)
                    server_cpu = server.cpu_seconds() - server_cpu
                    wrk_cpu = children_cpu() - wrk_cpu
                    elapsed, used = (after - before for after, before in zip(cpu_sample(), machine, strict=True))
                    # What neither the server nor wrk used of the cores while we measured: the neighbours.
                    others = max(0.0, (used - server_cpu - wrk_cpu) / elapsed)
                    cpu_ms = server_cpu * 1000 / result["requests"]
                    entry = {
                        "metric": metric,
                        "value": round(result["p95_ms"], 1),
                        "unit": "ms",
                        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                        "commit": args.commit,
                        "database": database,
                        "load_1m": load,
                        "others_cpu_before": busy,
                        "others_cpu_during": round(others, 2),
                        "server": describe(workers, threads),
                        "path": "/c/riverside/channels/" + query,
                        "channels": prepared["channels"],
                        "clients": args.connections,
                        "duration_s": round(result["duration_s"], 1),
                        "requests": result["requests"],
                        "requests_per_s": round(result["requests"] / result["duration_s"], 1),
                        "p50_ms": round(result["p50_ms"], 1),
                        "p99_ms": round(result["p99_ms"], 1),
                        "server_cpu_ms_per_request": round(cpu_ms, 2),
                        "target_ms": TARGET_MS,
                    }
                    entries.append(entry)
                    log(
                        f"   {metric} [{database}, {entry['server']}]: p95 {entry['value']} ms "
                        f"(p50 {entry['p50_ms']}, p99 {entry['p99_ms']}; {entry['requests']} requests, "
                        f"{entry['requests_per_s']}/s; server CPU {entry['server_cpu_ms_per_request']} ms a request; "
                        f"load {load}, others using {busy:.0%} of the cores just before, {others:.0%} during)"
                    )
            finally:
                server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
            if database == "postgresql":
                pg_recreate(url, drop_only=True)
    return entries


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "_prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load per page (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--channels", type=int, default=CHANNELS, help="channels added to Riverside")
    parser.add_argument(
        "--database",
        choices=["all", "sqlite", "postgresql"],
        default="all",
        help="all: SQLite, and PostgreSQL when it answers (default)",
    )
    parser.add_argument(
        "--config",
        type=parse_config,
        action="append",
        help=f"gunicorn WORKERSxTHREADS, repeatable (default {WEB_WORKERS}x{WEB_THREADS}, as serve)",
    )
    parser.add_argument("--only", action="append", choices=[p[0] for p in PAGES], help="measure only this figure")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180,
        help="before each measurement, wait up to this many seconds for other work to stop",
    )
    parser.add_argument(
        "--quiet-below",
        type=float,
        default=0.15,
        help="share of the cores other work may use and still count as quiet (default 0.15)",
    )
    parser.add_argument("--no-save", action="store_true", help="print the figures without appending them")
    parser.add_argument("--keep", action="store_true", help="keep bench/work/ and the PostgreSQL database")
    args = parser.parse_args()
    args.config = args.config or [(WEB_WORKERS, WEB_THREADS)]
    args.commit = commit()  # the code under test is the code at the start; others may commit meanwhile
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (scripts/bench.sh installs it with apt).")
    databases = []
    if args.database in {"all", "sqlite"}:
        databases.append(("sqlite", f"sqlite:///{WORK / 'sqlite' / 'bench.sqlite3'}"))
    if args.database in {"all", "postgresql"}:
        if pg_reachable(PG_URL):
            databases.append(("postgresql", PG_URL))
        elif args.database == "postgresql":
            raise SystemExit(f"PostgreSQL does not answer at {PG_URL}.")
        else:
            log(f"Skipping PostgreSQL: nothing answers at {PG_URL} (set BENCH_PG_URL).")
    entries: list[dict[str, Any]] = []
    for database, url in databases:
        entries.extend(bench_database(database, url, args))
    for entry in entries:
        print(json.dumps(entry))
    if not args.no_save:
        append_results(entries)
    over = [e for e in entries if e["metric"] == "register_page_p95_ms" and e["value"] >= TARGET_MS]
    for entry in over:
        log(
            f"NOTE: register_page_p95_ms on {entry['database']} is "
            f"{entry['value']} ms, over the {TARGET_MS:.0f} ms target "
            f"(load average {entry['load_1m']} at the time)."
        )


if __name__ == "__main__":
    main()
