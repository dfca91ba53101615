"""Background jobs of the channel register."""

from __future__ import annotations

from townsquare.channels.services import channels_mark_dormant
from townsquare.councils.models import Council
from townsquare.jobs.models import Job


def refresh_dormancy(job: Job) -> None:
    for council in Council.objects.all():
        channels_mark_dormant(council=council)
