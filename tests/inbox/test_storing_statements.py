"""Storing a batch in several statements (SQLite) gives what one statement gave: each item once, the
rows handed on exactly as the database holds them; a time written directly is the text Django writes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from townsquare import sqlrows
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.storing import ROWS_A_STATEMENT, _statement_sizes, store


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7, 472, 500, 512, 513, 999, 1000, 1001, 2500])
def test_a_batch_is_split_into_statements_that_keep_every_row(count: int) -> None:
    for postgres in (False, True):
        sizes = _statement_sizes(count, postgres)
        assert sum(sizes) == count
        assert all(0 < size <= ROWS_A_STATEMENT for size in sizes)
    sizes = _statement_sizes(count, False)
    assert all(size & (size - 1) == 0 for size in sizes)  # powers of two: a few statement texts in all
    assert sizes == sorted(sizes, reverse=True)
    assert len(sizes) <= 10 + count // 512


def test_a_large_batch_is_stored_once_each_and_handed_on_as_stored(accounts, inbound) -> None:
    earlier, _ = store(accounts.toot, [inbound(f"{n:04d}") for n in range(0, 700, 50)])
    assert len(earlier) == 14
    items = [inbound(f"{n:04d}", f"Message {n}", created_at=WHEN + dt.timedelta(seconds=n)) for n in range(700)]
    new, duplicates = store(accounts.toot, [*items, items[3], items[600]])
    assert (len(new), duplicates) == (700 - 14, 14 + 2)
    # In the order the items came, each with the id the database gave it.
    assert [row.external_id for row in new] == [f"{n:04d}" for n in range(700) if n % 50]
    stored = {row.pk: row for row in ReceivedItem.objects.filter(pk__in=[row.pk for row in new])}
    assert len(stored) == len(new)
    for row in new:
        read = stored[row.pk]
        assert row.external_id == read.external_id and row.text == read.text == f"Message {int(row.external_id)}"
        for field in ReceivedItem._meta.concrete_fields:
            assert getattr(row, field.attname) == getattr(read, field.attname), field.attname
        assert not row._state.adding and row._state.db == read._state.db
    assert len({id(row.links) for row in new}) == len({id(row.classification) for row in new}) == len(new)  # their own


WHEN = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_a_time_written_directly_is_what_djangos_adapter_writes(db: None) -> None:
    adapted = sqlrows.time_adapter(connection)
    london = zoneinfo.ZoneInfo("Europe/London")
    times = [
        WHEN,
        WHEN.replace(microsecond=123456),
        WHEN.astimezone(london),  # winter: an offset of zero in another zone
        dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC).astimezone(london),  # summer: an hour ahead
        dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        timezone.now(),
    ]
    for value in times:
        assert adapted(value) == connection.ops.adapt_datetimefield_value(value)
    assert adapted(None) is None
