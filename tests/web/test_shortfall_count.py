"""The home pages' "channels failing a register standard" tile counts exactly the register's shortfalls."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.channels.selectors import rationalisation_shortfall_count, rationalisation_shortfalls
from townsquare.councils.models import Council


def test_the_count_is_the_number_of_shortfalls_whatever_fails(riverside: Council, people: SimpleNamespace) -> None:
    now = timezone.now()
    today = now.date()
    recent, old = now - dt.timedelta(days=3), now - dt.timedelta(days=riverside.dormant_after_days + 5)
    # Every mix of: named people, checks done, two-factor (on, off, unknown), last post, status.
    mixes = itertools.product(
        [people.comms, None],
        [today, None],
        [True, False, None],
        [recent, old, None],
        [Channel.Status.ACTIVE, Channel.Status.DORMANT, Channel.Status.TO_CLOSE, Channel.Status.CLOSED],
    )
    for n, (person, checked, two_factor, last_post, status) in enumerate(mixes):
        Channel.objects.create(
            council=riverside,
            platform="x",
            name=f"Account {n}",
            handle=f"@account{n}",
            owner=person,
            deputy=person,
            digital_access_confirmed_on=checked,
            branding_checked_on=checked,
            platform_two_factor=two_factor,
            last_post_at=last_post,
            status=status,
        )
    shortfalls = rationalisation_shortfalls(council=riverside, now=now)
    assert 0 < len(shortfalls) < Channel.objects.exclude(status=Channel.Status.CLOSED).count()
    assert rationalisation_shortfall_count(council=riverside, now=now) == len(shortfalls)
