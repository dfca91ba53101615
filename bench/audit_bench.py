"""audit_writes_per_s: audited writes per second with 4 writers at once, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/audit_bench.py [--seconds 10] [--writers 4] [--database all|sqlite|postgres]
                                           [--scenario all|councils|one-council] [--no-save]

Every governance-relevant change appends an event to the audit chain in the change's own
transaction, holding the chain's head row locked until it commits. This measures how many such
writes go through per second when several processes write at once (the inbox's replies, approvals
and the workers' bookkeeping in different councils at the same moment):

  councils      each writer audits changes in a council of its own (the usual case: many councils,
                or the inbox and publishing of different councils at once)
  one-council   every writer audits changes in the same council (the worst case)

For each database (SQLite in bench/work/audit/; PostgreSQL at BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/ts_audit_bench, when it answers) the script builds a fresh
database, migrates it and makes the councils. It then starts the writers as separate processes
(each its own connection, as web and worker processes are), which all begin at the same instant
and for ``--seconds`` each run transactions of one ``audit_record`` call, counting those committed.
The figure is the total committed divided by the time. Afterwards the whole chain is verified
(``audit_verify_chain``), so a figure bought by forking the chain could not pass. Each figure is
appended to bench/results.json with the database, the scenario, the number of writers and the
1-minute load average.
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

from record import append_results, commit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "audit"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/ts_audit_bench")
SCENARIOS = ["councils", "one-council"]


def _env(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING"}}
    env.update(TOWNSQUARE_DEMO="1", DJANGO_SETTINGS_MODULE="townsquare.settings", TOWNSQUARE_VAR_DIR=str(WORK))
    env["DATABASE_URL"] = PG_URL if database == "postgres" else f"sqlite:///{WORK / 'audit.sqlite3'}"
    return env


def _postgres_answers() -> bool:
    try:
        import psycopg

        base = PG_URL.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", connect_timeout=3):
            return True
    except Exception:  # any failure means: no PostgreSQL to measure on
        return False


def _fresh_database(database: str, env: dict[str, str]) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        import psycopg

        base, name = PG_URL.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, __file__, "--child", "prepare", "--writers", str(ARGS.writers)], cwd=ROOT, env=env, check=True
    )


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(args: argparse.Namespace) -> None:
    _django()
    from townsquare.councils.models import Council

    for n in range(args.writers):
        Council.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench Council {n}"})


def write(args: argparse.Namespace) -> None:
    """One writer: wait for the common start, then audit as fast as commits allow until the end."""
    _django()
    from django.db import transaction

    from townsquare.audit.services import audit_record
    from townsquare.councils.models import Council

    council = Council.objects.get(slug=args.council)  # connected and loaded: say so, then wait for the start
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + args.seconds
    done = 0
    while time.time() < end:
        with transaction.atomic():
            audit_record(
                actor=None,
                council=council,
                action="bench.changed",
                object_type="bench",
                object_id=str(done),
                before={"n": done},
                after={"n": done + 1, "by": args.council},
                reason="benchmark",
            )
        done += 1
    print(json.dumps({"done": done}))


def verify(args: argparse.Namespace) -> None:
    _django()
    from townsquare.audit.services import audit_verify_chain

    checked, problems = audit_verify_chain()
    print(json.dumps({"checked": checked, "problems": len(problems)}))


def _child(name: str, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", name, *extra],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def measure(database: str, scenario: str, args: argparse.Namespace) -> dict[str, Any]:
    env = _env(database)
    _fresh_database(database, env)
    writers = [
        _child("write", env, "--council", f"bench-{n if scenario == 'councils' else 0}", "--seconds", str(args.seconds))
        for n in range(args.writers)
    ]
    for proc in writers:  # every writer has loaded Django and connected
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"a writer did not start on {database}")
    start_at = time.time() + 0.5
    counts = []
    for proc in writers:
        assert proc.stdin is not None
        proc.stdin.write(f"{start_at}\n")
        proc.stdin.flush()
    for proc in writers:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a writer failed on {database}")
        counts.append(json.loads(out.strip().splitlines()[-1])["done"])
    checked = _child("verify", env)
    verified = json.loads(checked.communicate()[0].strip().splitlines()[-1])
    return {
        "writes": sum(counts),
        "per_writer": counts,
        "rate": sum(counts) / args.seconds,
        "chain_checked": verified["checked"],
        "chain_problems": verified["problems"],
    }


ARGS = argparse.Namespace(writers=4)


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--database", default="all", choices=["all", "sqlite", "postgres"])
    parser.add_argument("--scenario", default="all", choices=["all", *SCENARIOS])
    parser.add_argument("--no-save", action="store_true", help="print the figures without appending them")
    parser.add_argument("--child", choices=["prepare", "write", "verify"])
    parser.add_argument("--council", default="")
    ARGS = args = parser.parse_args()
    if args.child:
        {"prepare": prepare, "write": write, "verify": verify}[args.child](args)
        return
    databases = ["sqlite", "postgres"] if args.database == "all" else [args.database]
    if "postgres" in databases and not _postgres_answers():
        print(f"PostgreSQL at {PG_URL} does not answer: measured on SQLite only", file=sys.stderr)
        databases.remove("postgres")
    entries = []
    for database in databases:
        for scenario in SCENARIOS if args.scenario == "all" else [args.scenario]:
            figures = measure(database, scenario, args)
            entry = {
                "metric": "audit_writes_per_s",
                "value": round(figures["rate"], 1),
                "unit": "writes/s",
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "commit": commit(),
                "database": database,
                "scenario": scenario,
                "writers": args.writers,
                "seconds": args.seconds,
                "per_writer": figures["per_writer"],
                "chain_checked": figures["chain_checked"],
                "chain_problems": figures["chain_problems"],
                "load_1m": round(os.getloadavg()[0], 2),
            }
            print(json.dumps(entry))
            entries.append(entry)
            if figures["chain_problems"]:
                raise SystemExit(f"the audit chain did not verify after the run on {database} ({scenario})")
    shutil.rmtree(WORK, ignore_errors=True)
    if not args.no_save:
        append_results(entries)


if __name__ == "__main__":
    main()
