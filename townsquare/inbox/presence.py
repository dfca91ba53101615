"""Who has an item open now: each open item page beats every ``BEAT`` seconds; a beat older than
``GONE_AFTER`` means the person has left. Shown on the item page and the list, so two officers do
not answer the same resident."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from townsquare.inbox.models import ItemPresence, ReceivedItem
from townsquare.inbox.page_reads import looking_names

if TYPE_CHECKING:
    from townsquare.accounts.models import User

BEAT = 20
GONE_AFTER = dt.timedelta(seconds=BEAT * 3)


def presence_beat(*, item: ReceivedItem, user: User, now: dt.datetime | None = None) -> None:
    """The person still has the item open."""
    ItemPresence.objects.update_or_create(item=item, user=user, defaults={"seen_at": now or timezone.now()})


def presence_leave(*, item: ReceivedItem, user: User) -> None:
    ItemPresence.objects.filter(item=item, user=user).delete()


def looking_at(item: ReceivedItem, *, besides: User | None = None, now: dt.datetime | None = None) -> list[str]:
    """The names of the others who have this item open now."""
    return next(iter(looking_at_each([item.pk], besides=besides, now=now).values()), [])


def looking_at_each(
    item_ids: Iterable[int], *, besides: User | None = None, now: dt.datetime | None = None
) -> dict[int, list[str]]:
    """For a page of items, in one query: who has each open now (besides the person asking)."""
    since = (now or timezone.now()) - GONE_AFTER
    return looking_names(list(item_ids), besides=besides.pk if besides is not None else None, since=since)
