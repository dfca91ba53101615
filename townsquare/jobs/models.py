"""Background work as rows: the database is the queue of record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=80)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    locked_by = models.CharField(max_length=120, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A job with a key is enqueued at most once while it is pending (periodic work, per-object work).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="job_unique_pending_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class Heartbeat(models.Model):
    """The last sign of life of a worker or scheduler process."""

    class Kind(models.TextChoices):
        WORKER = "worker", "Worker"
        SCHEDULER = "scheduler", "Scheduler"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    last_seen = models.DateTimeField()
    jobs_done = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class ScheduleEntry(models.Model):
    """When a periodic job is next due; claimed with a conditional UPDATE like jobs are."""

    kind = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} next at {self.next_run_at:%Y-%m-%d %H:%M}"
