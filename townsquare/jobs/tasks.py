"""Celery tasks: take an id, claim the row, call the same service as the embedded worker."""

from __future__ import annotations

from townsquare.celery import app
from townsquare.jobs.services import heartbeat_beat, job_claim, job_run, worker_name


@app.task(name="townsquare.run_job", ignore_result=True)
def run_job(job_id: int) -> bool:
    name = worker_name("celery")
    job = job_claim(job_id=job_id, worker=name)
    if job is None:  # already taken, finished, or not yet due
        return False
    ok = job_run(job)
    heartbeat_beat(name=name, kind="worker", jobs_done=1)
    return ok
