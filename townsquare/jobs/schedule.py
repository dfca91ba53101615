"""The scheduler's step: enqueue periodic jobs when due and recover work from dead workers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from townsquare.jobs.models import Job, ScheduleEntry
from townsquare.jobs.services import heartbeat_beat, job_enqueue, job_requeue_stale

# kind -> interval in seconds. Capabilities add their periodic work with ``every``.
PERIODIC: dict[str, int] = {
    "heartbeat": 20,
    "channels.refresh_dormancy": 3600,
}


def every(kind: str, seconds: int) -> None:
    PERIODIC[kind] = seconds


def scheduler_tick(*, name: str) -> list[str]:
    """One pass of the scheduler; returns the kinds it enqueued."""
    now = timezone.now()
    enqueued: list[str] = []
    for kind, seconds in PERIODIC.items():
        entry, _ = ScheduleEntry.objects.get_or_create(kind=kind, defaults={"next_run_at": now})
        if entry.next_run_at > now:
            continue
        # Conditional update: with two schedulers running, only one enqueues each run.
        won = ScheduleEntry.objects.filter(pk=entry.pk, next_run_at=entry.next_run_at).update(
            next_run_at=now + dt.timedelta(seconds=seconds)
        )
        if won and job_enqueue(kind=kind, dedupe_key=f"periodic:{kind}", max_attempts=1):
            enqueued.append(kind)
    job_requeue_stale()
    if settings.JOBS_USE_CELERY:
        _resend_due_to_celery(now)
    heartbeat_beat(name=name, kind="scheduler")
    return enqueued


def _resend_due_to_celery(now: dt.datetime) -> None:
    """Jobs due a while but not taken (a retry's backoff, a lost broker message) go to Celery again.

    Sending twice is harmless: the task claims with a conditional update and only one run wins.
    """
    from townsquare.jobs.tasks import run_job

    overdue = Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=now - dt.timedelta(seconds=10))
    for job_id in overdue.values_list("pk", flat=True)[:500]:
        run_job.delay(job_id)
