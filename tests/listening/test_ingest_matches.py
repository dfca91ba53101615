"""How the ingest keeps matches: trusting the set built at the revision in force, checking an older one
against the queries, each match kept once, and the table's indexes the ones its reads use."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.listening import cache
from townsquare.listening.ingest import listening_ingest
from townsquare.listening.models import ListeningMatch, ListeningQuery, Trigger
from townsquare.listening.services import listening_query_delete, listening_query_save

SAID = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def queries(riverside: Council) -> SimpleNamespace:
    def save(name: str, text: str) -> ListeningQuery:
        return listening_query_save(actor=None, council=riverside, name=name, text=text)

    return SimpleNamespace(bins=save("Bins", "bin*"), missed=save("Missed", "missed"), parks=save("Parks", "park"))


def kept() -> set[tuple[int, int]]:
    return set(ListeningMatch.objects.values_list("item_id", "query_id"))


def test_a_set_built_at_the_revision_in_force_is_trusted_without_reading_the_queries(
    queries, riverside: Council, receive
) -> None:
    rows = [receive("My bin was missed"), receive("Lovely park")]
    rows[0].created_at = SAID
    cache.compiled_for(riverside.pk)
    with CaptureQueriesContext(connection) as seen:
        caught = listening_ingest(riverside, rows)
    assert caught == {rows[0].pk: [queries.bins.pk, queries.missed.pk], rows[1].pk: [queries.parks.pk]}
    assert kept() == {(rows[0].pk, queries.bins.pk), (rows[0].pk, queries.missed.pk), (rows[1].pk, queries.parks.pk)}
    assert not any(ListeningQuery._meta.db_table in q["sql"] for q in seen.captured_queries)
    match = ListeningMatch.objects.get(item=rows[0], query=queries.bins)
    assert match.at == SAID and match.channel_id == rows[0].channel_id and match.council_id == riverside.pk
    assert ListeningMatch.objects.get(item=rows[1]).at >= rows[1].received_at  # no time given: when matched


def test_a_query_paused_or_deleted_since_the_set_was_built_catches_nothing(
    queries, riverside: Council, receive
) -> None:
    built = cache.compiled_for(riverside.pk)
    listening_query_save(actor=None, council=riverside, query=queries.bins, name="Bins", text="bin*", active=False)
    listening_query_delete(actor=None, council=riverside, query=queries.missed)
    # The set in hand is still the one built before both changes (its rebuild is only starting).
    assert cache.compiled_for(riverside.pk) is built
    row = receive("My bin was missed at the park")
    assert listening_ingest(riverside, [row]) == {row.pk: [queries.parks.pk]}
    assert kept() == {(row.pk, queries.parks.pk)}


def test_a_retried_batch_keeps_each_match_once(queries, riverside: Council, receive) -> None:
    rows = [receive("My bin was missed"), receive("Bins again")]
    listening_ingest(riverside, rows)
    first = kept()
    listening_ingest(riverside, rows)
    listening_ingest(riverside, rows[1:])
    assert kept() == first and ListeningMatch.objects.count() == 3


def test_an_item_no_query_catches_writes_nothing(queries, riverside: Council, receive) -> None:
    assert listening_ingest(riverside, [receive("Council tax question")]) == {}
    assert not ListeningMatch.objects.exists()


def test_no_active_trigger_means_none_is_read(queries, riverside: Council, channel: Channel, receive) -> None:
    Trigger.objects.create(council=riverside, name="Off", when="channel", channel=channel, action="tag", tag="x")
    Trigger.objects.filter(name="Off").update(active=False)
    row = receive("My bin")
    with CaptureQueriesContext(connection) as seen:
        listening_ingest(riverside, [row])
    assert sum(Trigger._meta.db_table in q["sql"] for q in seen.captured_queries) == 1  # whether any is active
    assert not row.tags.exists()


def test_matches_keep_the_two_indexes_their_reads_use_and_no_other(db: None) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, ListeningMatch._meta.db_table)
    indexes = {tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"]} - {("id",)}
    assert indexes == {("item_id", "query_id"), ("at", "query_id", "channel_id")}
    # No foreign key is checked by the database on each of the eight rows an item: the ingest writes
    # only items it has just stored and live queries, and Django cascades deletions (below).
    checked = {c["columns"][0] for c in found.values() if c["foreign_key"]}
    assert checked == set()
    if connection.vendor == "sqlite":  # the plain rowid: no sequence table read and written a statement
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [ListeningMatch._meta.db_table])
            assert "AUTOINCREMENT" not in cursor.fetchone()[0]


def test_deleting_a_query_or_an_item_deletes_their_matches(queries, riverside: Council, receive) -> None:
    rows = [receive("My bin was missed"), receive("My bin again")]
    listening_ingest(riverside, rows)
    assert kept() == {(rows[0].id, queries.bins.pk), (rows[0].id, queries.missed.pk), (rows[1].id, queries.bins.pk)}
    listening_query_delete(actor=None, council=riverside, query=queries.missed)
    assert kept() == {(rows[0].id, queries.bins.pk), (rows[1].id, queries.bins.pk)}
    rows[0].delete()
    assert kept() == {(rows[1].id, queries.bins.pk)}
