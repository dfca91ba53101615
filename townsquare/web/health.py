"""/healthz: whether the product is working; the details only to those who run it.

Anyone (a load balancer, an uptime monitor) gets ``{"status": "ok"}`` or ``{"status": "not ok"}``
(503 when the database cannot be reached). The details (database engine, worker and scheduler
heartbeats, queue counts) go to an operator's monitoring that sends
``Authorization: Bearer <TOWNSQUARE_HEALTHZ_TOKEN>`` and to a signed-in administrator (of any
council, or a superuser) whose session passes two-factor.
"""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from townsquare.accounts.two_factor import two_factor_needed
from townsquare.councils.access import roles_by_council
from townsquare.councils.roles import Role
from townsquare.jobs.models import Heartbeat, Job


def _process_state(kind: str) -> dict[str, object]:
    beat = Heartbeat.objects.filter(kind=kind).order_by("-last_seen").first()
    if beat is None:
        return {"status": "down", "detail": f"No {kind} has ever reported."}
    age = (timezone.now() - beat.last_seen).total_seconds()
    ok = age <= settings.WORKER_HEARTBEAT_STALE_SECONDS
    return {
        "status": "ok" if ok else "down",
        "last_seen": beat.last_seen.isoformat(),
        "seconds_ago": round(age, 1),
        "name": beat.name,
    }


def _operator(request: HttpRequest) -> bool:
    token = settings.TOWNSQUARE_HEALTHZ_TOKEN
    header = request.headers.get("Authorization", "")
    return (
        bool(token)
        and header.lower().startswith("bearer ")
        and hmac.compare_digest(header[7:].strip().encode(), token.encode())
    )


def may_see_details(request: HttpRequest) -> bool:
    if _operator(request):
        return True
    user = request.user
    if not user.is_authenticated or two_factor_needed(request) is not None:
        return False
    return bool(user.is_superuser) or any(Role.ADMIN in roles for roles in roles_by_council(user).values())


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database: dict[str, object] = {"status": "ok", "engine": connection.vendor}
    except Exception as exc:  # the point of this page is to report, not to fail
        body = {"status": "down", "database": {"status": "down", "detail": type(exc).__name__}}
        return JsonResponse(body if _operator(request) else {"status": "not ok"}, status=503)  # no session read
    worker = _process_state("worker")
    scheduler = _process_state("scheduler")
    overall = "ok" if worker["status"] == scheduler["status"] == "ok" else "degraded"
    if not may_see_details(request):
        return JsonResponse({"status": "ok" if overall == "ok" else "not ok"})
    stale = timezone.now() - dt.timedelta(minutes=5)
    queue = {
        "queued_due": Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=timezone.now()).count(),
        "overdue_5min": Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=stale).count(),
        "failed": Job.objects.filter(status=Job.Status.FAILED).count(),
        "engine": "celery" if settings.JOBS_USE_CELERY else "embedded",
    }
    return JsonResponse(
        {"status": overall, "database": database, "worker": worker, "scheduler": scheduler, "queue": queue},
        status=200,
    )
