"""The worker is killed (SIGKILL) at random moments while 300 posts go to a real Mastodon API server.

Afterwards every post is on the server exactly once, or is marked failed or unconfirmed with a
reason; nothing is on the server twice. Runs the real ``manage.py run_worker`` and
``run_scheduler`` processes against a SQLite file of the test's own (a copy of the migrated template).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.dbtemplate import sqlite_copy

from .conftest import start_mastodon

REPO = Path(__file__).resolve().parents[2]
POSTS = 300
ACCOUNTS = 3
KILLS = 8
DEADLINE_SECONDS = 240

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def start(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def left_to_send(database: Path) -> int:
    """Targets still scheduled or publishing, read straight from the SQLite file (a Django process
    for each look would cost a second or two of start-up)."""
    with contextlib.closing(sqlite3.connect(database, timeout=20)) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM publishing_posttarget WHERE status IN ('scheduled', 'publishing')"
        ).fetchone()
    return int(row[0])


def test_sigkilled_worker_publishes_each_post_once_or_says_so(tmp_path):
    server = start_mastodon(tmp_path, accounts=ACCOUNTS)
    # Letters only: eight random digits in a post read as a telephone number to the personal-data check.
    run = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'faults.sqlite3'}",
        "TOWNSQUARE_VAR_DIR": str(tmp_path),
        "TESTING": "1",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",
        "TOWNSQUARE_FETCH_ALLOW_LOOPBACK": "1",  # mastodon-mock is on 127.0.0.1
    }
    worker = scheduler = None
    try:
        sqlite_copy(settings.VAR_DIR, tmp_path / "faults.sqlite3")  # migrated: the suite's template (dbtemplate.py)
        manage(
            env,
            "shell",
            "-c",
            "from tests.publishing.fault_scenario import setup; "
            f"setup(posts={POSTS}, accounts={ACCOUNTS}, server={server.url!r}, run={run!r})",
        )
        rng = random.Random(run)
        scheduler = start(env, "run_scheduler", "--interval", "0.5", log=tmp_path / "scheduler.log")
        kills = 0
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            worker = start(env, "run_worker", "--idle-sleep", "0.1", log=tmp_path / "worker.log")
            if kills < KILLS:
                time.sleep(rng.uniform(1.5, 4.0))  # Django starts in ~1 s: kills land at varied points of the run
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
                kills += 1
                continue
            # Let the last worker and the scheduler's sweep (recovery every 15 s) finish the work.
            while time.monotonic() < deadline:
                if left_to_send(tmp_path / "faults.sqlite3") == 0:
                    break
                time.sleep(1)
            break
    finally:
        for process in (worker, scheduler):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
    try:
        out = manage(env, "shell", "-c", "from tests.publishing.fault_scenario import report; report()")
        rows: dict[str, dict[str, object]] = json.loads(out.split("REPORT ", 1)[1])
        on_server: dict[str, int] = {}
        for account in range(ACCOUNTS):
            for status in server.statuses(account):
                for text in re.findall(r"Fault test post \d{3} " + run, str(status["content"])):
                    on_server[text] = on_server.get(text, 0) + 1
    finally:
        server.process.terminate()
        server.process.wait(10)
    assert kills == KILLS
    assert len(rows) == POSTS
    duplicates = {text: n for text, n in on_server.items() if n > 1}
    assert not duplicates, f"published more than once: {duplicates}"
    for text, row in rows.items():
        if row["status"] == "published":
            assert on_server.get(text) == 1, f"{text} is marked published but is not on the server"
        else:
            assert row["status"] in ("failed", "unconfirmed"), f"{text} left {row['status']}"
            assert row["error"], f"{text} is {row['status']} without a reason"
    outcomes = {s: sum(1 for r in rows.values() if r["status"] == s) for s in ("published", "unconfirmed", "failed")}
    print(f"fault test: {kills} kills, {outcomes}, {sum(on_server.values())} statuses on the server")
    assert outcomes["published"] >= POSTS - 3 * KILLS  # each kill costs at most the one call in flight
