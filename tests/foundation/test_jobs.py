"""The queue of record: atomic claims, retries, periodic work, health, and both worker engines."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from townsquare.jobs import registry
from townsquare.jobs.models import Heartbeat, Job, ScheduleEntry
from townsquare.jobs.schedule import scheduler_tick
from townsquare.jobs.services import job_claim, job_claim_next, job_enqueue, job_requeue_stale, job_run, jobs_run_due

CALLS: list[int] = []


def record_call(job: Job) -> None:
    CALLS.append(job.pk)


def always_fails(job: Job) -> None:
    raise ValueError("the platform said no")


@pytest.fixture(autouse=True)
def test_handlers() -> None:
    registry.register("test.record", "tests.foundation.test_jobs.record_call")
    registry.register("test.fail", "tests.foundation.test_jobs.always_fails")
    CALLS.clear()


def test_a_job_is_claimed_once(db: None) -> None:
    job = job_enqueue(kind="test.record")
    assert job is not None
    first = job_claim(job_id=job.pk, worker="a")
    second = job_claim(job_id=job.pk, worker="b")
    assert first is not None and second is None
    assert first.attempts == 1 and first.locked_by == "a"


def test_future_jobs_wait_and_dedupe_keys_hold(db: None) -> None:
    later = job_enqueue(kind="test.record", run_after=timezone.now() + dt.timedelta(hours=1), dedupe_key="k")
    assert later is not None
    assert job_enqueue(kind="test.record", dedupe_key="k") is None
    assert job_claim_next(worker="a") is None
    assert jobs_run_due(worker="a") == 0


def test_failures_retry_with_backoff_then_fail_visibly(db: None) -> None:
    job = job_enqueue(kind="test.fail", max_attempts=2)
    assert job is not None
    claimed = job_claim(job_id=job.pk, worker="a")
    assert claimed is not None and job_run(claimed) is False
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.run_after > timezone.now()
    assert "the platform said no" in job.last_error
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    claimed = job_claim(job_id=job.pk, worker="a")
    assert claimed is not None and job_run(claimed) is False
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None


def test_unknown_kinds_fail_without_killing_the_worker(db: None) -> None:
    job_enqueue(kind="no.such.kind", max_attempts=1)
    job_enqueue(kind="test.record")
    assert jobs_run_due(worker="a") == 2
    assert Job.objects.filter(status=Job.Status.FAILED).count() == 1
    assert len(CALLS) == 1


def test_stale_running_jobs_are_given_back(db: None) -> None:
    job = job_enqueue(kind="test.record")
    assert job is not None
    job_claim(job_id=job.pk, worker="dead")
    Job.objects.filter(pk=job.pk).update(locked_at=timezone.now() - dt.timedelta(hours=1))
    assert job_requeue_stale() == 1
    assert jobs_run_due(worker="alive") == 1 and [job.pk] == CALLS


def test_a_dead_workers_job_is_given_back_at_once_and_a_live_ones_kept(db: None) -> None:
    import socket

    ended = subprocess.Popen(["true"])
    ended.wait()
    dead = job_enqueue(kind="test.record", dedupe_key="only-one")
    alive = job_enqueue(kind="test.record")
    elsewhere = job_enqueue(kind="test.record")
    assert dead and alive and elsewhere
    now = timezone.now()
    host = socket.gethostname()
    for job, holder in (
        (dead, f"worker@{host}:{ended.pid}"),
        (alive, f"worker@{host}:{os.getpid()}"),
        (elsewhere, f"worker@another-machine:{ended.pid}"),
    ):
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, locked_by=holder, locked_at=now)
    # The dead worker's job would hold its dedupe key for the full stale period without this.
    assert job_enqueue(kind="test.record", dedupe_key="only-one") is None
    assert job_requeue_stale() == 1
    assert Job.objects.get(pk=dead.pk).status == Job.Status.QUEUED
    assert set(Job.objects.filter(pk__in=[alive.pk, elsewhere.pk]).values_list("status", flat=True)) == {
        Job.Status.RUNNING
    }


def test_scheduler_enqueues_each_periodic_job_once_per_interval(db: None) -> None:
    first = scheduler_tick(name="s1")
    assert "heartbeat" in first and "channels.refresh_dormancy" in first
    assert scheduler_tick(name="s2") == []  # a second scheduler finds nothing due
    ScheduleEntry.objects.filter(kind="heartbeat").update(next_run_at=timezone.now())
    assert scheduler_tick(name="s1") == []  # the previous heartbeat job is still pending
    jobs_run_due(worker="w")
    ScheduleEntry.objects.filter(kind="heartbeat").update(next_run_at=timezone.now())
    assert scheduler_tick(name="s1") == ["heartbeat"]
    assert Heartbeat.objects.filter(kind="scheduler", name="s1").exists()


def test_healthz_reports_database_worker_and_scheduler(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TOWNSQUARE_HEALTHZ_TOKEN = "operator-monitoring-token"
    operator = Client(HTTP_AUTHORIZATION="Bearer operator-monitoring-token")  # the details (tests/web/test_health.py)
    body = operator.get("/healthz").json()
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "down" and body["status"] == "degraded"
    scheduler_tick(name="sched")
    jobs_run_due(worker="worker-1")
    body = operator.get("/healthz").json()
    assert body["status"] == "ok", body
    assert body["worker"]["status"] == body["scheduler"]["status"] == "ok"
    Heartbeat.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=10))
    assert operator.get("/healthz").json()["worker"]["status"] == "down"


def _wait_for(predicate, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_embedded_worker_process_runs_jobs(subprocess_env: dict[str, str]) -> None:
    job = job_enqueue(kind="heartbeat")
    assert job is not None
    result = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--once"],
        env=subprocess_env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def test_celery_worker_on_redis_runs_a_real_job(subprocess_env: dict[str, str]) -> None:
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable at 127.0.0.1:6379; CI needs it for the Celery test.")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379, so the Celery worker cannot be tested here.")
    queue = f"townsquare-test-{os.getpid()}"
    env = {**subprocess_env, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15", "CELERY_TASK_DEFAULT_QUEUE": queue}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "townsquare",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        job = job_enqueue(kind="heartbeat")
        assert job is not None
        send = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'townsquare.settings');"
                "django.setup(); from townsquare.jobs.tasks import run_job; "
                f"run_job.apply_async(args=[{job.pk}], queue='{queue}')",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert send.returncode == 0, send.stderr
        assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, 60), "Celery did not run the job"
        beat = Heartbeat.objects.filter(kind="worker", name__startswith="celery@").first()
        assert beat is not None and beat.jobs_done >= 1
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_serve_command_is_healthy_end_to_end(subprocess_env: dict[str, str]) -> None:
    """`manage.py serve` (what `make run` starts) serves pages and /healthz with its worker and scheduler."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"],
        env=subprocess_env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import urllib.request

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return json.load(r)["status"] == "ok"
            except OSError:
                return False

        assert _wait_for(healthy, 60), "the served product never reported healthy"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_batch_claims_never_share_a_job(db: None) -> None:
    from townsquare.jobs.services import jobs_claim_due

    made = [job_enqueue(kind="test.record") for _ in range(5)]
    later = job_enqueue(kind="test.record", run_after=timezone.now() + dt.timedelta(hours=1))
    first = jobs_claim_due(worker="a", limit=3)
    second = jobs_claim_due(worker="b", limit=3)
    assert [j.pk for j in first] == [j.pk for j in made[:3] if j]  # oldest first
    assert [j.pk for j in second] == [j.pk for j in made[3:] if j]  # the rest; the future job waits
    assert jobs_claim_due(worker="c", limit=3) == []
    assert all(j.status == Job.Status.RUNNING and j.attempts == 1 for j in first + second)
    assert {j.locked_by for j in first} == {"a"} and {j.locked_by for j in second} == {"b"}
    assert later is not None and Job.objects.get(pk=later.pk).status == Job.Status.QUEUED


def test_embedded_worker_runs_jobs_in_threads(subprocess_env: dict[str, str]) -> None:
    jobs = [job_enqueue(kind="heartbeat", dedupe_key=f"threads-{n}") for n in range(6)]
    result = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--once", "--concurrency", "3"],
        env=subprocess_env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert set(Job.objects.filter(pk__in=[j.pk for j in jobs if j]).values_list("status", flat=True)) == {
        Job.Status.DONE
    }
    assert Job.objects.filter(pk__in=[j.pk for j in jobs if j]).values_list("attempts", flat=True).distinct().get() == 1


def test_the_worker_outlives_a_locked_database(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite answers "database is locked" to a writer that waited too long: the worker's claim
    must log it and try again later, not end the process (the jobs stay safe in their rows)."""
    from django.db import OperationalError

    from townsquare.jobs.management.commands import run_worker

    monkeypatch.setattr(run_worker.time, "sleep", lambda _: None)

    def locked() -> list[object]:
        raise OperationalError("database is locked")

    assert run_worker._survive(locked, []) == []
    assert "database call failed" in caplog.text
