"""The demo archive: the leisure centre closure posts, one edited and one deleted, with replies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from townsquare.archive.chain import verify
from townsquare.archive.demo import archive_demo_load
from townsquare.archive.models import RetentionClass
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_search, record_thread
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_edited_and_a_deleted_leisure_centre_post(
    riverside: Council, channel: Channel, people: SimpleNamespace
) -> None:
    archive_demo_load(riverside, people.admin)
    archive_demo_load(riverside, people.admin)  # loading again adds nothing
    found = archive_search(
        council=riverside, user=people.auditor, query=ArchiveQuery(q="leisure centre", kinds=("post",))
    )
    assert [(r.edited_at is not None, r.deleted_at is not None) for r in found.records] == [
        (False, True),
        (True, False),
    ]
    edited = found.records[1]
    assert [v.event for v in edited.versions.all()] == ["captured", "edited"]
    assert [r.kind for r in record_thread(record=edited, user=people.auditor)] == ["post", "received", "received"]
    assert RetentionClass.objects.filter(council=riverside).count() == 6
    assert verify()[1] == []
