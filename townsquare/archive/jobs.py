"""Job handlers of the archive (the embedded worker and Celery alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from townsquare.archive.capture import archive_backfill
from townsquare.archive.disposal import disposal_run_all
from townsquare.archive.index_tidy import index_tidy
from townsquare.archive.reread import archive_reread

if TYPE_CHECKING:
    from townsquare.jobs.models import Job


def reread(job: Job) -> None:
    """Archive anything a capture missed, then look for edits and deletions made on the platforms."""
    archive_backfill()
    archive_reread()


def dispose(job: Job) -> None:
    """Dispose of what is past its retention period and not held, in every council; then merge the full-text
    index's b-trees (SQLite), what the day's captures and the disposal wrote among them."""
    disposal_run_all()
    index_tidy()
