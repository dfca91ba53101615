import logging
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from typing import Any, TypeVar

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from townsquare.jobs.heap import heap_settle
from townsquare.jobs.models import Job
from townsquare.jobs.services import heartbeat_beat, job_run, jobs_claim_due, jobs_run_due, worker_name

log = logging.getLogger(__name__)

# Jobs mostly wait on a platform's answer, so a few run at once even on 2 cores; more than this
# only queue behind SQLite's single writer and the interpreter lock.
DEFAULT_CONCURRENCY = 4
BEAT_SECONDS = 5.0


T = TypeVar("T")


def _survive(call: Callable[[], T], fallback: T) -> T:
    """The worker's own bookkeeping (claiming, heartbeats) must outlive a database that is briefly
    unavailable or locked ("database is locked" under SQLite's single writer): log it, drop the
    connection, pause a moment and carry on; the jobs themselves stay safe in their rows."""
    try:
        return call()
    except DatabaseError as exc:
        log.warning("the worker's database call failed, trying again shortly: %s", type(exc).__name__)
        connection.close()
        time.sleep(0.5)
        return fallback


def _run_one(job: Job) -> bool:
    """A job in a pool thread, on that thread's own database connection."""
    close_old_connections()
    try:
        return job_run(job)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Run the embedded worker: claim due jobs from the database and run them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")
        parser.add_argument("--idle-sleep", type=float, default=0.5)
        parser.add_argument(
            "--concurrency",
            type=int,
            default=DEFAULT_CONCURRENCY,
            help="Jobs run at once, each in its own thread with its own database connection "
            f"(default {DEFAULT_CONCURRENCY}; 1 runs them one by one in this thread).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name()
        self.stopping = False

        def stop(*_: Any) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not options["once"]:
            heap_settle(warm_classifier=True)
        self.stdout.write(f"Worker {name} started.")
        if options["concurrency"] <= 1:
            self._serial(name, options)
        else:
            self._pooled(name, options["concurrency"], options)
        self.stdout.write(f"Worker {name} stopped.")

    def _serial(self, name: str, options: dict[str, Any]) -> None:
        last_beat = 0.0
        while not self.stopping:
            close_old_connections()
            ran = _survive(partial(jobs_run_due, worker=name), 0)
            if ran or time.monotonic() - last_beat > BEAT_SECONDS:
                _survive(partial(heartbeat_beat, name=name, kind="worker", jobs_done=ran), None)
                last_beat = time.monotonic()
            if options["once"]:
                break
            if not ran:
                time.sleep(options["idle_sleep"])

    def _pooled(self, name: str, size: int, options: dict[str, Any]) -> None:
        """This thread claims due jobs in batches as threads come free; the pool runs them.

        On SIGTERM it stops claiming and lets the running jobs finish.
        """
        running: set[Future[bool]] = set()
        done_since_beat = 0
        last_beat = 0.0
        with ThreadPoolExecutor(max_workers=size, thread_name_prefix="job") as pool:
            while running or not self.stopping:
                close_old_connections()
                free = size - len(running)
                none: list[Job] = []
                claimed = none if self.stopping else _survive(partial(jobs_claim_due, worker=name, limit=free), none)
                running.update(pool.submit(_run_one, job) for job in claimed)
                if options["once"] and not claimed and not running:
                    break
                if running:
                    # Wake when a thread comes free (to claim more) or after a short while (new work, a signal).
                    finished, running = wait(running, timeout=options["idle_sleep"], return_when=FIRST_COMPLETED)
                    for future in finished:
                        if future.exception() is not None:
                            log.warning("a job's bookkeeping failed: %s", type(future.exception()).__name__)
                    done_since_beat += len(finished)
                else:
                    time.sleep(options["idle_sleep"])
                if time.monotonic() - last_beat > BEAT_SECONDS:
                    _survive(partial(heartbeat_beat, name=name, kind="worker", jobs_done=done_since_beat), None)
                    done_since_beat, last_beat = 0, time.monotonic()
            heartbeat_beat(name=name, kind="worker", jobs_done=done_since_beat)
