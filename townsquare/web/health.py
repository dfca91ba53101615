"""/healthz: the state of the database, the worker and the scheduler, as JSON."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from townsquare.jobs.models import Heartbeat, Job


def _process_state(kind: str) -> dict[str, object]:
    beat = Heartbeat.objects.filter(kind=kind).order_by("-last_seen").first()
    if beat is None:
        return {"status": "down", "detail": f"No {kind} has ever reported."}
    age = (timezone.now() - beat.last_seen).total_seconds()
    ok = age <= settings.WORKER_HEARTBEAT_STALE_SECONDS
    return {"status": "ok" if ok else "down", "last_seen": beat.last_seen.isoformat(), "seconds_ago": round(age, 1),
            "name": beat.name}


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database: dict[str, object] = {"status": "ok", "engine": connection.vendor}
    except Exception as exc:  # the point of this page is to report, not to fail
        return JsonResponse({"status": "down", "database": {"status": "down", "detail": type(exc).__name__}}, status=503)
    worker = _process_state("worker")
    scheduler = _process_state("scheduler")
    stale = timezone.now() - dt.timedelta(minutes=5)
    queue = {
        "queued_due": Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=timezone.now()).count(),
        "overdue_5min": Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=stale).count(),
        "failed": Job.objects.filter(status=Job.Status.FAILED).count(),
        "engine": "celery" if settings.JOBS_USE_CELERY else "embedded",
    }
    overall = "ok" if worker["status"] == scheduler["status"] == "ok" else "degraded"
    return JsonResponse(
        {"status": overall, "database": database, "worker": worker, "scheduler": scheduler, "queue": queue},
        status=200,
    )
