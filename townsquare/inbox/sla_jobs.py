"""Scheduled work of the service levels and the urgent queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.inbox.service_levels import clocks_check

if TYPE_CHECKING:
    from townsquare.jobs.models import Job

CHECK_JOB = "inbox.service_levels_check"
CHECK_EVERY_SECONDS = 120


def check_clocks(job: Job) -> None:
    clocks_check()
