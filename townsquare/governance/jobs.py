"""Periodic governance work: review reminders, and publishing rights lost when training lapses."""

from __future__ import annotations

from townsquare.councils.models import Council
from townsquare.governance.policy_services import policies_remind_reviews
from townsquare.governance.services import publishing_rights_enforce
from townsquare.jobs.models import Job


def review_reminders(job: Job) -> None:
    for council in Council.objects.all():
        policies_remind_reviews(council=council)


def training_lapses(job: Job) -> None:
    for council in Council.objects.filter(governance__training_required_for_publishing=True):
        publishing_rights_enforce(council=council)
