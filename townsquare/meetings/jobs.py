"""The periodic job: fetch each council's meeting feed, then draft any promotional posts still missing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.utils import timezone

from townsquare.meetings.calendar_import import meetings_feed_refresh
from townsquare.meetings.models import Meeting, MeetingSettings
from townsquare.meetings.services import meeting_promotions_draft, promotion_author

if TYPE_CHECKING:
    from townsquare.jobs.models import Job

log = logging.getLogger(__name__)


def refresh(job: Job) -> None:
    """Idempotent: a feed re-import matches by UID, and drafting skips offsets already drafted.

    One council's unexpected failure is logged, the others still run, and the job then fails; a bad feed
    itself never raises (its
    error is stored on the council's settings and shown on the import page).
    """
    now = timezone.now()
    failed: list[int] = []
    for settings_row in MeetingSettings.objects.select_related("council"):
        council = settings_row.council
        try:
            meetings_feed_refresh(council=council, now=now)
            # Offsets added since the last import, and CSV-imported meetings, are drafted here too.
            author = promotion_author(council=council, actor=None)
            for meeting in Meeting.objects.filter(council=council, cancelled=False, starts_at__gt=now):
                meeting_promotions_draft(meeting=meeting, author=author, now=now)
        except Exception as exc:  # one council's problem must not stop the others
            log.warning("meetings refresh failed for council %s: %s", council.pk, type(exc).__name__)
            failed.append(council.pk)
    if failed:
        raise RuntimeError(f"Meetings refresh failed for council(s) {failed}; the others were refreshed.")
