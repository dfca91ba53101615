"""The demo's referendum: recorded through the policy services, its period not yet running."""

import datetime as dt

from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.demo import data
from townsquare.demo.policy import policy_demo_referendum, referendum_poll_date
from townsquare.policy.services import check_draft, referendum_periods_for


def test_poll_is_a_thursday_after_the_by_election() -> None:
    for today in (dt.date(2026, 11, 21), dt.date(2027, 4, 1)):
        poll = referendum_poll_date(today)
        assert poll.weekday() == 3 and 70 <= (poll - today).days < 77


def test_demo_referendum_recorded_and_checked_in_its_period(riverside, people) -> None:
    referendum = policy_demo_referendum(riverside, people.comms)
    assert referendum.question == data.REFERENDUM_QUESTION
    assert AuditEvent.objects.filter(action="policy.referendum_recorded", actor=people.comms).exists()
    assert referendum_periods_for(riverside) == []  # not started: the demo's drafts are unaffected
    inside = dt.datetime.combine(
        referendum.poll_date - dt.timedelta(days=3), dt.time(9), tzinfo=timezone.get_current_timezone()
    )
    result = check_draft(
        council=riverside, text="A directly elected mayor would serve us better.", scheduled_for=inside
    )
    assert result.blocked and "PUB-13" in {f.rule for f in result.findings}
