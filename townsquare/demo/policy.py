"""Demo policy settings for Riverside: a by-election in its pre-election period, and who the
councillors and candidates are, so the pre-election rules fire on drafts and in "Try a draft"; and a
referendum called for later in the year, whose period (PUB-13) has not started yet.

Recorded through the policy services as the communications officer would on the Tuesday the
election is called (see the scenarios), so the audit trail shows each step.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.demo import data
from townsquare.policy.catalogue import ListKind
from townsquare.policy.forms import ElectionForm, ReferendumForm
from townsquare.policy.models import Election, Referendum
from townsquare.policy.services import election_save, referendum_save, word_list_update

THURSDAY = 3
# A by-election's notice is published no later than the 25th working day before the poll: five
# weeks before polling day, counting weekends, puts it about that far back.
NOTICE_BEFORE_POLL = dt.timedelta(days=35)


def by_election_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """(notice of election, polling day): polling day the first Thursday at least three weeks ahead."""
    poll = today + dt.timedelta(days=21)
    poll += dt.timedelta(days=(THURSDAY - poll.weekday()) % 7)
    return poll - NOTICE_BEFORE_POLL, poll


def policy_demo_load(council: Council) -> Election:
    """The councillors list and the Mill ward by-election, whose pre-election period is running now."""
    comms = User.objects.get(email="comms@riverside.example")
    word_list_update(actor=comms, council=council, kind=ListKind.COUNCILLORS, words="\n".join(data.COUNCILLORS))
    notice, poll = by_election_dates(timezone.localdate())
    form = ElectionForm(
        data={
            "title": f"{data.BY_ELECTION_WARD} ward by-election",
            "election_type": Election.Type.BY_ELECTION,
            "notice_date": notice.isoformat(),
            "poll_date": poll.isoformat(),
            "area": f"{data.BY_ELECTION_WARD} ward",
            "wards": data.BY_ELECTION_WARD,
            "candidates": "\n".join(data.CANDIDATES),
        }
    )
    if not form.is_valid():
        raise ValueError(f"Demo election: {form.errors.as_text()}")
    election = election_save(actor=comms, council=council, data=form.cleaned_data)
    policy_demo_referendum(council, comms)
    return election


def referendum_poll_date(today: dt.date) -> dt.date:
    """A Thursday about ten weeks ahead: the referendum period (28 days) starts after the by-election."""
    poll = today + dt.timedelta(days=70)
    return poll + dt.timedelta(days=(THURSDAY - poll.weekday()) % 7)


def policy_demo_referendum(council: Council, comms: User) -> Referendum:
    """A governance referendum called for later in the year, and the words about its issue (PUB-13)."""
    word_list_update(
        actor=comms, council=council, kind=ListKind.REFERENDUM_ISSUE, words="\n".join(data.REFERENDUM_ISSUE_WORDS)
    )
    form = ReferendumForm(
        data={
            "question": data.REFERENDUM_QUESTION,
            "poll_date": referendum_poll_date(timezone.localdate()).isoformat(),
            "area": "The whole district",
            "wards": "",
        }
    )
    if not form.is_valid():
        raise ValueError(f"Demo referendum: {form.errors.as_text()}")
    return referendum_save(actor=comms, council=council, data=form.cleaned_data)
