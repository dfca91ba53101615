"""The inbox's reads of received items each go through an index (SQLite's plan for every statement a page,
a filter, an item, the API and the ingest's own reads send), so the indexes kept for the ingest's sake
(the table's every index is written on each item stored) still serve every query: none reads the whole
table of items."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.inbox.test_api import _api
from tests.inbox.test_views import items  # noqa: F401  (the pages' items: two threads, another council's)
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store, item_assign
from townsquare.listening.models import ListeningQuery

URL = "/c/riverside/inbox/"
TABLE = ReceivedItem._meta.db_table
# A plan line reading the items' table whole: "SCAN inbox_receiveditem" (or an alias) with no index after it.
WHOLE = re.compile(r"^SCAN (\S+)$")
ASSIGNED = ("assignee_id", "assigned_service_id", "service_id")
KEYWORDS = {"WHERE", "ON", "JOIN", "INNER", "LEFT", "CROSS", "ORDER", "GROUP", "LIMIT", "USING", "SET", "UNION"}


def test_the_items_table_keeps_no_index_another_leads_with_and_indexes_assignments_only_where_set(db: None) -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TABLE)
    single = {name: c["columns"][0] for name, c in found.items() if c["index"] and len(c["columns"]) == 1}
    # The council's own is the flagged items' (partial); the account's and council's plain ones are gone.
    assert {name: column for name, column in single.items() if column in ASSIGNED} == {
        "inbox_assignee_idx": "assignee_id",
        "inbox_assigned_team_idx": "assigned_service_id",
        "inbox_service_idx": "service_id",
    }
    assert [name for name, column in single.items() if column in ("council_id", "channel_id")] == ["inbox_flagged_idx"]


def _whole_scans(sql: str) -> list[str]:
    """The aliases of the items' table a statement reads whole, by SQLite's plan for it."""
    if TABLE not in sql or not sql.lstrip().upper().startswith("SELECT"):
        return []
    named = re.findall(rf'\b{TABLE}"?\s+(?:AS\s+)?"?(\w+)', sql, flags=re.IGNORECASE)
    aliases = {TABLE, *(name for name in named if name.upper() not in KEYWORDS)}
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        lines = [row[-1] for row in cursor.fetchall()]
    return [line for line in lines if (m := WHOLE.match(line)) and m.group(1) in aliases]


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's query plans")
def test_every_read_of_the_pages_filters_and_api_uses_an_index(
    items,  # noqa: F811
    people,
    client_for,
    services,
    accounts,
    inbound,
) -> None:
    item_assign(actor=None, item=items["x1"], person=people.officer)
    item_assign(actor=None, item=items["t1"], service=services.highways)
    query = ListeningQuery.objects.create(council=items["t1"].council, name="Bins", query="bin")
    client = client_for(people.comms)
    pages = [
        {},
        {"status": "new"},
        {"status": "assigned", "category": "complaint"},
        {"sentiment": "negative"},
        {"assignee": "me"},
        {"assignee": "none"},
        {"assignee": str(people.officer.pk)},
        {"assignee": f"service:{services.highways.pk}"},
        {"service": str(services.waste.pk)},
        {"channel": str(items["t1"].channel_id)},
        {"platform": "x"},
        {"listening": str(query.pk)},
        {"since": "2026-11-01", "until": "2026-12-31"},
        {"q": "bin"},
    ]
    with CaptureQueriesContext(connection) as captured:
        for params in pages:
            assert client.get(URL, params).status_code == 200
        assert client.get(f"{URL}{items['t2'].pk}/").status_code == 200
        assert _api(people.comms.email).get("/api/councils/riverside/inbox/", {"status": "new"}).status_code == 200
        reply = inbound("t3", "Still waiting for the bin", in_reply_to_external_id="t2", kind="reply")
        inbound_store(channel=accounts.toot, items=[reply])
    statements = [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]
    assert len(statements) > len(pages)
    whole = {sql: scans for sql in statements if (scans := _whole_scans(sql))}
    assert whole == {}
