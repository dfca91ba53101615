"""The queue of record: enqueue, claim atomically, run, and record the outcome.

Claiming is a conditional UPDATE (``status=queued`` -> ``running``): if it changes no row,
another worker got the job first. That works the same on SQLite and PostgreSQL, and is what
both the embedded worker loop and the Celery task call.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from townsquare import sqlrows
from townsquare.audit.services import audit_as_job
from townsquare.jobs import registry
from townsquare.jobs.models import Heartbeat, Job

log = logging.getLogger(__name__)

# A running job whose worker has been silent this long is presumed dead and requeued.
STALE_LOCK = dt.timedelta(minutes=10)


def worker_name(prefix: str = "worker") -> str:
    return f"{prefix}@{socket.gethostname()}:{os.getpid()}"


def job_enqueue(
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    council_id: int | None = None,
    run_after: dt.datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 3,
) -> Job | None:
    """Add a job; with a dedupe key, do nothing if the same key is already pending."""
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                payload=payload or {},
                council_id=council_id,
                run_after=run_after or timezone.now(),
                dedupe_key=dedupe_key,
                max_attempts=max_attempts,
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    if settings.JOBS_USE_CELERY:
        transaction.on_commit(lambda: _send_to_celery(job))
    return job


def jobs_enqueue(
    *, kind: str, payloads: list[dict[str, Any]], council_id: int | None = None, max_attempts: int = 3
) -> list[Job]:
    """Add one job per payload (no dedupe key) in one insert, in the caller's transaction: for work that
    fans out (an alert's deliveries), where a savepoint and an insert per job would cost more than the work."""
    if not payloads:
        return []
    now = timezone.now()
    made = sqlrows.create(
        [
            sqlrows.instance(
                Job,
                {
                    "kind": kind,
                    "payload": payload,
                    "council_id": council_id,
                    "run_after": now,
                    "max_attempts": max_attempts,
                },
            )
            for payload in payloads
        ]
    )
    if settings.JOBS_USE_CELERY:
        transaction.on_commit(lambda: _send_all_to_celery(made))
    return made


def _send_all_to_celery(jobs: list[Job]) -> None:
    for job in jobs:
        _send_to_celery(job)


def _send_to_celery(job: Job) -> None:
    from townsquare.jobs.tasks import run_job

    eta = job.run_after if job.run_after > timezone.now() else None
    run_job.apply_async(args=[job.pk], eta=eta)


def job_claim(*, job_id: int, worker: str) -> Job | None:
    """Claim one specific job if it is still queued and due; None when someone else has it."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, run_after__lte=now).update(
        status=Job.Status.RUNNING, locked_by=worker, locked_at=now, attempts=F("attempts") + 1
    )
    if updated != 1:
        return None
    return Job.objects.get(pk=job_id)


def jobs_claim_due(*, worker: str, limit: int, kinds: list[str] | None = None) -> list[Job]:
    """Claim up to ``limit`` due jobs, oldest first, in one transaction; none is shared with another claimer.

    PostgreSQL locks the chosen rows (``SKIP LOCKED``: a concurrent claimer takes the next ones
    instead of waiting); SQLite's write lock, taken when the transaction begins, already serialises
    claimers. The conditional UPDATE (still queued) is kept so the claim holds on any database.
    """
    if limit < 1:
        return []
    now = timezone.now()
    with transaction.atomic():
        due = Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=now)
        if kinds:
            due = due.filter(kind__in=kinds)
        ids = list(
            due.select_for_update(skip_locked=True).order_by("run_after", "pk").values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Job.objects.filter(pk__in=ids, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, locked_by=worker, locked_at=now, attempts=F("attempts") + 1
        )
        return list(
            Job.objects.filter(pk__in=ids, status=Job.Status.RUNNING, locked_by=worker, locked_at=now).order_by(
                "run_after", "pk"
            )
        )


def job_claim_next(*, worker: str, kinds: list[str] | None = None) -> Job | None:
    """Claim the oldest due job; None when nothing is due."""
    claimed = jobs_claim_due(worker=worker, limit=1, kinds=kinds)
    return claimed[0] if claimed else None


def job_run(job: Job) -> bool:
    """Run a claimed job and record the outcome; True when it succeeded."""
    try:
        handler = registry.resolve(job.kind)
        with audit_as_job(job.kind):  # what a job changes is audited as the system's, naming the job
            handler(job)
    except Exception as exc:  # a handler's failure must never kill the worker
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, type(exc).__name__)
        retry = job.attempts < job.max_attempts
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.QUEUED if retry else Job.Status.FAILED,
            run_after=timezone.now() + dt.timedelta(seconds=min(300, 5 * 2**job.attempts)),
            last_error="".join(traceback.format_exception_only(exc)).strip()[:2000],
            locked_by="",
            locked_at=None,
            finished_at=None if retry else timezone.now(),
        )
        return False
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now(), dedupe_key=None)
    return True


def process_gone(name: str) -> bool:
    """True when ``name`` ("[prefix@]host:pid", as ``worker_name`` makes it) ran on this machine and its
    process is gone.

    A process on another machine cannot be checked from here: False.
    """
    host, _, pid = name.rpartition("@")[2].rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a zombie: dead, not yet reaped by its parent
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def job_requeue_stale(*, older_than: dt.timedelta = STALE_LOCK) -> int:
    """Give back jobs whose worker died mid-run (their handlers are idempotent).

    A job is given back once its worker is known dead (this machine, process gone) or it has been
    running longer than ``older_than`` (a worker elsewhere that fell silent). Until then its dedupe
    key stays taken, so a killed worker would otherwise hold back that kind of work for as long.
    """
    cutoff = timezone.now() - older_than
    running = Job.objects.filter(status=Job.Status.RUNNING)
    dead = [
        pk
        for pk, holder in running.filter(locked_at__gte=cutoff).values_list("pk", "locked_by")
        if process_gone(holder)
    ]
    return running.filter(models.Q(locked_at__lt=cutoff) | models.Q(pk__in=dead)).update(
        status=Job.Status.QUEUED, locked_by="", locked_at=None
    )


def jobs_run_due(*, worker: str, limit: int = 100) -> int:
    """Claim and run due jobs until none are left or ``limit`` ran; the embedded worker's step."""
    ran = 0
    while ran < limit:
        job = job_claim_next(worker=worker)
        if job is None:
            break
        job_run(job)
        ran += 1
    return ran


def heartbeat_beat(*, name: str, kind: str, jobs_done: int = 0) -> None:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_seen=now, jobs_done=F("jobs_done") + jobs_done)
    if not updated:
        try:
            with transaction.atomic():
                Heartbeat.objects.create(name=name, kind=kind, last_seen=now, jobs_done=jobs_done)
        except IntegrityError:
            Heartbeat.objects.filter(name=name).update(last_seen=now)
