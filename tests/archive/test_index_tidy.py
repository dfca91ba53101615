"""Merging the SQLite full-text index's b-trees changes no search's answer, and stops when there is nothing to merge."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.archive.factories import capture
from townsquare.archive.index_tidy import index_tidy
from townsquare.archive.search import FTS_TABLE, ArchiveQuery
from townsquare.archive.selectors import archive_record_ids
from townsquare.archive.services import archive_capture, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db

QUERIES = [ArchiveQuery(q="bins"), ArchiveQuery(q="leisure centre"), ArchiveQuery(q="swimming"), ArchiveQuery()]


def found(council: Council) -> list[list[int]]:
    return [sorted(archive_record_ids(council=council, query=query)) for query in QUERIES]


def test_tidy_keeps_every_search_and_ends(riverside: Council, channel: Channel) -> None:
    if connection.vendor == "sqlite":  # no merging of FTS5's own as versions are written: each batch stays a b-tree
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('automerge', 0)")
    texts = ["bins and recycling", "leisure centre closure", "bins at the leisure centre", "library hours"]
    made = []
    for batch in range(6):
        made += archive_capture(
            captures=[capture(channel, batch * 10 + n, f"{texts[n % 4]} {n}", days_ago=n) for n in range(10)]
        )
    before = found(riverside)
    assert all(before[:2])

    steps = index_tidy(step=1)
    assert found(riverside) == before
    if connection.vendor == "sqlite":
        assert steps >= 1
    assert index_tidy(step=1) == 0  # merged already (and on PostgreSQL, nothing to do)

    archive_edit_seen(record=made[3], text="corrected: swimming pool")
    [extra] = archive_capture(captures=[capture(channel, 99, "bins again", days_ago=0)])
    index_tidy()
    bins, _, swimming, _ = found(riverside)
    assert bins == sorted([*before[0], extra.pk]) and swimming == [made[3].pk]
