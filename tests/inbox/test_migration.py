"""Moving received items to the inbox keeps every row, and the ones stored before are searchable."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.search import search_filter

BEFORE = [("connectors", "0003_metric_snapshots_to_measures"), ("inbox", None)]


def test_items_stored_by_the_connectors_are_kept_and_indexed(transactional_db: None) -> None:
    council = Council.objects.create(slug="riverside", name="Riverside")
    channel = Channel.objects.create(council=council, platform="x", name="Riverside on X", handle="@RiversideDC")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE[:1]).apps.get_model("connectors", "ReceivedItem")
        old.objects.create(
            council_id=council.pk,
            channel_id=channel.pk,
            external_id="1",
            kind="mention",
            text="The bins on Mill Lane",
            created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
            raw={"id": "1"},
        )
        executor.loader.build_graph()
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    item = ReceivedItem.objects.get()
    assert (item.external_id, item.raw, item.status) == ("1", {"id": "1"}, "new")
    assert list(search_filter(ReceivedItem.objects.all(), "mill")) == [item]
