"""The API's search page in SQL finds what the queryset filters find, newest first, with the person's
channels only, whichever way the words are looked up."""

from __future__ import annotations

import datetime as dt
from functools import partial
from types import SimpleNamespace

import orjson
import pytest
from django.db import connection

from tests.archive.factories import capture
from townsquare.archive import record_words
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.record_words import newest_ids
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_search_rows, query_filter, records_visible_to
from townsquare.archive.services import archive_capture, archive_deletion_seen, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db

TEXTS = ["bins and recycling", "leisure centre closure", "bins at the leisure centre", "library hours", "parking"]


@pytest.fixture
def archive(riverside: Council, channel: Channel, hillcrest_channel: Channel) -> list[ArchiveRecord]:
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Main", handle="@Riverside_Main")
    kinds = ["post", "received", "reply", "note"]
    made = archive_capture(
        captures=[
            capture(
                [channel, other][n % 2],
                n,
                f"{TEXTS[n % len(TEXTS)]} {n}",
                days_ago=n // 3,  # three records a day, some in the same second
                kind=kinds[n % len(kinds)],
            )
            for n in range(60)
        ]
    )
    archive_capture(captures=[capture(hillcrest_channel, 100, "bins leisure centre elsewhere")])
    for record in made[::7]:
        archive_edit_seen(record=record, text="corrected: swimming pool")
    for record in made[5::11]:
        archive_deletion_seen(record=record, how="Not on the account")
    return made


QUERIES = [
    ArchiveQuery(),
    ArchiveQuery(q="bins"),
    ArchiveQuery(q="leisure centre"),
    ArchiveQuery(q="swimming"),  # only in later versions
    ArchiveQuery(q="bins", kinds=("post", "received")),
    ArchiveQuery(q="library", platforms=("x",)),
    ArchiveQuery(kinds=("note",)),
    ArchiveQuery(only="edited"),
    ArchiveQuery(q="leisure", only="deleted"),
    ArchiveQuery(author="main"),  # part of a handle, any case
    ArchiveQuery(author="_"),  # taken literally, not as a wildcard
    ArchiveQuery(
        q="bins", date_from=dt.date.today() - dt.timedelta(days=8), date_to=dt.date.today() - dt.timedelta(days=2)
    ),
    ArchiveQuery(q="nothing-like-it"),
]


def _all_pages(council: Council, user, query: ArchiveQuery, size: int) -> list[int]:  # type: ignore[no-untyped-def]
    ids, cursor = [], None
    while True:
        rows, cursor = archive_search_rows(council=council, user=user, query=query, cursor=cursor, limit=size)
        ids += [row["id"] for row in rows]
        if cursor is None:
            return ids


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr({k: v for k, v in q.to_json().items() if v}))
def test_pages_agree_with_the_queryset(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord], query: ArchiveQuery
) -> None:
    for user in (people.comms, people.officer):
        expected = list(
            query_filter(records_visible_to(council=riverside, user=user), query)
            .order_by("-occurred_at", "-pk")
            .values_list("pk", flat=True)
        )
        assert _all_pages(riverside, user, query, 4) == expected
        assert _all_pages(riverside, user, query, 50) == expected
    assert _all_pages(riverside, people.councillor, query, 50) == []


def test_rows_carry_the_record_its_channel_and_every_version(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord]
) -> None:
    rows, _ = archive_search_rows(council=riverside, user=people.comms, query=ArchiveQuery(q="swimming"), limit=1)
    record = ArchiveRecord.objects.select_related("channel").get(pk=rows[0]["id"])
    row = rows[0]
    assert record.channel is not None and row["channel"]["name"] == record.channel.name and row["kind"] == record.kind
    assert record.edited_at is not None and row["edited_at"] == record.edited_at.isoformat().replace("+00:00", "Z")
    assert dt.datetime.fromisoformat(row["occurred_at"]) == record.occurred_at and row["occurred_at"].endswith("Z")
    assert [(v["n"], v["text"], v["hash"]) for v in row["versions"]] == list(
        record.versions.order_by("n").values_list("n", "text", "hash")
    )
    assert orjson.loads(orjson.dumps(row["versions"][0]["metadata"])) == record.versions.get(n=1).metadata


def test_postgres_record_words_find_what_one_version_holds_whatever_the_step(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the words kept on each record: PostgreSQL's way")
    split = archive_capture(captures=[capture(archive[0].channel, 500, "swimming lessons")])[0]
    archive_edit_seen(record=split, text="pool opening times")  # the record's words hold both; no version does
    for query in (
        ArchiveQuery(q="bins"),
        ArchiveQuery(q="swimming pool"),
        ArchiveQuery(q="leisure centre", kinds=("post",)),
        ArchiveQuery(q="swimming", only="edited"),
    ):
        expected = list(
            query_filter(records_visible_to(council=riverside, user=people.comms), query)
            .order_by("-occurred_at", "-pk")
            .values_list("pk", flat=True)
        )
        assert split.pk not in expected or query.q == "swimming"
        assert _all_pages(riverside, people.comms, query, 3) == expected
        # One candidate a read: records of several versions that fail the check make it read on, a page at a time.
        monkeypatch.setattr(record_words, "newest_ids", partial(newest_ids, step=1))
        assert _all_pages(riverside, people.comms, query, 3) == expected
        monkeypatch.undo()
