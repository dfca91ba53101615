"""The API's search page in SQL finds what the queryset filters find, newest first, with the person's
channels only, whichever way the words are looked up."""

from __future__ import annotations

import datetime as dt
from functools import partial
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.archive.factories import capture
from townsquare.archive import record_words
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.record_words import newest_ids
from townsquare.archive.search import ArchiveQuery, index_rebuild, newest_matching_rows
from townsquare.archive.selectors import (
    archive_search,
    archive_search_rows,
    query_filter,
    records_visible_to,
    search_results,
    search_rows,
    visible_channel_ids,
)
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


def _expected_ids(council: Council, user, query: ArchiveQuery) -> list[int]:  # type: ignore[no-untyped-def]
    """What the queryset filters find, newest first: the answer every way of paging must give."""
    return list(
        query_filter(records_visible_to(council=council, user=user), query)
        .order_by("-occurred_at", "-pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr({k: v for k, v in q.to_json().items() if v}))
def test_pages_agree_with_the_queryset(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord], query: ArchiveQuery
) -> None:
    for user in (people.comms, people.officer):
        expected = _expected_ids(riverside, user, query)
        assert _all_pages(riverside, user, query, 4) == expected
        assert _all_pages(riverside, user, query, 50) == expected
    assert _all_pages(riverside, people.councillor, query, 50) == []


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr({k: v for k, v in q.to_json().items() if v}))
def test_the_site_pages_agree_with_the_queryset(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord], query: ArchiveQuery
) -> None:
    """The site's search page (querysets, the same index reads) pages through the same records."""
    for user in (people.comms, people.officer):
        expected = _expected_ids(riverside, user, query)
        found, cursor = [], None
        while True:
            page = archive_search(council=riverside, user=user, query=query, cursor=cursor, limit=4)
            found += [record.pk for record in page.records]
            if (cursor := page.next_cursor) is None:
                break
        assert found == expected


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _expected(record: ArchiveRecord) -> dict[str, Any]:
    channel = record.channel
    return {
        "id": record.pk,
        "kind": record.kind,
        "channel": {"id": channel.pk, "name": channel.name, "platform": channel.platform} if channel else None,
        **{f: getattr(record, f) for f in ("platform", "external_id", "url", "author", "thread_key")},
        **{f: _utc(getattr(record, f)) for f in ("occurred_at", "first_seen_at", "edited_at", "deleted_at")},
        "content_hash": record.content_hash,
        "version_count": record.version_count,
        "versions": [
            {
                "n": v.n,
                "event": v.event,
                "text": v.text,
                "metadata": v.metadata,
                "captured_at": _utc(v.captured_at),
                "content_hash": v.content_hash,
                "hash": v.hash,
            }
            for v in record.versions.order_by("n")
        ],
    }


def test_each_record_is_written_as_the_api_gives_it(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord]
) -> None:
    archive[1].versions.filter(n=1).update(metadata={"reply_to": "x", "media": [1, 2], "quote": 'say "hi"\n'})
    ArchiveRecord.objects.filter(pk=archive[2].pk).update(author='odd "name" \\ <b>', channel=None)
    whole = archive[3].occurred_at.replace(microsecond=0)  # a time in whole seconds is written without a fraction
    ArchiveRecord.objects.filter(pk=archive[3].pk).update(occurred_at=whole, edited_at=whole + dt.timedelta(seconds=1))
    rows, _ = archive_search_rows(council=riverside, user=people.comms, query=ArchiveQuery(), limit=200)
    records = ArchiveRecord.objects.select_related("channel").in_bulk([row["id"] for row in rows])
    assert len(rows) == len(archive)
    for row in rows:
        data = orjson.loads(orjson.dumps(row))  # as the answer carries it: metadata is written as stored
        assert data == _expected(records[row["id"]]) and list(data) == list(_expected(records[row["id"]]))
    seconds = [row["first_seen_at"] for row in rows]
    assert all(t.endswith("Z") and len(t) in (20, 27) for t in seconds)


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
        expected = _expected_ids(riverside, people.comms, query)
        assert split.pk not in expected or query.q == "swimming"
        assert _all_pages(riverside, people.comms, query, 3) == expected
        # One candidate a read: records of several versions that fail the check make it read on, a page at a time.
        monkeypatch.setattr(record_words, "newest_ids", partial(newest_ids, step=1))
        assert _all_pages(riverside, people.comms, query, 3) == expected
        monkeypatch.undo()


def test_postgres_index_rebuild_restores_the_record_words(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the words kept on each record: PostgreSQL's way")
    query = ArchiveQuery(q="bins")
    found = _all_pages(riverside, people.comms, query, 50)
    assert found
    with connection.cursor() as cursor:  # as rows restored from a backup or fixtures would come
        cursor.execute("UPDATE archive_archiverecord SET search_vector = NULL")
    assert _all_pages(riverside, people.comms, query, 50) == []
    assert index_rebuild() == ArchiveRecord.objects.count()
    assert _all_pages(riverside, people.comms, query, 50) == found


@pytest.mark.parametrize("first, most", [(1, 2), (2, 4), (3, 60), (1, 1)])
def test_postgres_walks_of_any_length_find_what_the_queryset_finds(
    riverside: Council,
    people: SimpleNamespace,
    archive: list[ArchiveRecord],
    monkeypatch: pytest.MonkeyPatch,
    first: int,
    most: int,
) -> None:
    """The walk of the newest records reads a few, then more or none (the planner's choice goes on from there):
    whatever it reads, the pages are the same."""
    if connection.vendor != "postgresql":
        pytest.skip("the words kept on each record: PostgreSQL's way")
    monkeypatch.setattr(record_words, "WALK_FIRST", first)
    monkeypatch.setattr(record_words, "WALK_MOST", most)
    for query in QUERIES:
        expected = _expected_ids(riverside, people.comms, query)
        for size in (2, 4, 50):
            assert _all_pages(riverside, people.comms, query, size) == expected


def _one_second(records: list[ArchiveRecord], moment: dt.datetime) -> None:
    """Put ``records`` all at ``moment`` (and the full-text index, which keeps each record's second, with them)."""
    ArchiveRecord.objects.filter(pk__in=[r.pk for r in records]).update(occurred_at=moment)
    index_rebuild()


@pytest.mark.sqlite_only
def test_records_of_one_second_page_in_order_whichever_of_their_versions_the_index_gives_first(
    riverside: Council, people: SimpleNamespace, channel: Channel
) -> None:
    """The index lists a second's hits by version, the page by record: a record edited later comes first in
    the index but takes its place by id on the page, across every chunk and page boundary."""
    made = archive_capture(captures=[capture(channel, n, f"bins collection {n}", days_ago=n // 30) for n in range(60)])
    for record in made[:30:3]:
        archive_edit_seen(record=record, text=f"bins collection corrected {record.pk}")
    _one_second(made[:30], timezone.now().replace(microsecond=0) - dt.timedelta(hours=1))
    query = ArchiveQuery(q="bins")
    expected = _expected_ids(riverside, people.comms, query)
    assert len(expected) == 60
    for size in (1, 2, 4, 7, 50):
        assert _all_pages(riverside, people.comms, query, size) == expected


def _index_reads(reads: CaptureQueriesContext) -> list[dict[str, str]]:
    return [q for q in reads.captured_queries if "archive_fts" in q["sql"]]


@pytest.mark.sqlite_only
def test_the_index_is_read_once_when_the_page_ends_before_the_last_second_read(
    riverside: Council, people: SimpleNamespace, channel: Channel
) -> None:
    """The rest of the last hit's second is read only where the page could reach into it."""
    archive_capture(captures=[capture(channel, n, f"bins {n}", days_ago=n) for n in range(30)])
    with CaptureQueriesContext(connection) as reads:
        rows = newest_matching_rows("1", [], ["bins"], before=None, wanted=4, columns="archive_archiverecord.id")
    assert [row[0] for row in rows] == _expected_ids(riverside, people.comms, ArchiveQuery(q="bins"))[:12]
    assert len(_index_reads(reads)) == 1, [q["sql"][:200] for q in reads.captured_queries]
    with CaptureQueriesContext(connection) as reads:
        rows = newest_matching_rows(
            "1", [], ["bins"], before=None, wanted=4, columns="archive_archiverecord.id", chunk=4
        )
    assert [row[0] for row in rows] == _expected_ids(riverside, people.comms, ArchiveQuery(q="bins"))[:4]
    assert len(_index_reads(reads)) == 2  # the fourth record's second may hold more: its rest is read


ODD_TEXTS = [
    'say "hi" \\ back\\slash',
    "tabs\tnew\nlines\r and \x00\x01\x08\x0c\x1f\x7f controls",
    "é ü ñ — “quotes” 漢字 🙂 \u2028\u2029 </script> & <b>",
    "",
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr({k: v for k, v in q.to_json().items() if v}))
def test_the_page_sqlite_writes_is_the_page_the_rows_give(
    riverside: Council, people: SimpleNamespace, archive: list[ArchiveRecord], query: ArchiveQuery
) -> None:
    """The answer's records as written by the database (SQLite) are, byte for byte, the rows as orjson writes
    them, whatever the text holds, with the same next page."""
    for n, record in enumerate(archive[:8]):
        text = f"{ODD_TEXTS[n % len(ODD_TEXTS)]} bins leisure centre library {n}"
        record.versions.filter(n=1).update(text=text, metadata={"quote": ODD_TEXTS[n % 3], "n": [n, 1.5, None]})
        ArchiveRecord.objects.filter(pk=record.pk).update(author=ODD_TEXTS[(n + 1) % len(ODD_TEXTS)], url=f"u{n}")
    ArchiveRecord.objects.filter(pk=archive[2].pk).update(channel=None)
    index_rebuild()
    for user in (people.comms, people.officer):
        channels = visible_channel_ids(council=riverside, user=user)
        for size in (3, 50):
            cursor = None
            while True:
                ask = {"council_id": riverside.pk, "channel_ids": channels, "query": query, "limit": size}
                rows, expected_cursor = search_rows(**ask, cursor=cursor)
                written, cursor = search_results(**ask, cursor=cursor)
                assert orjson.dumps({"results": written}) == orjson.dumps({"results": rows})
                assert cursor == expected_cursor
                if cursor is None:
                    break
