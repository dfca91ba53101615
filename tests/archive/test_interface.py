"""The archive's core: capture, versions, search and legal holds, through the services and selectors."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from tests.archive.factories import capture
from townsquare.archive.models import ArchiveRecord, LegalHold
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_record_ids, archive_search
from townsquare.archive.services import (
    archive_capture,
    archive_deletion_seen,
    archive_edit_seen,
    legal_hold_place,
    legal_hold_release,
)
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db


def test_query_round_trips_through_json() -> None:
    query = ArchiveQuery(
        q="leisure centre", channel_ids=(3, 1), kinds=("post",), date_from=dt.date(2026, 1, 1), only="deleted"
    )
    assert ArchiveQuery.from_json(query.to_json()) == ArchiveQuery(
        q="leisure centre", channel_ids=(1, 3), kinds=("post",), date_from=dt.date(2026, 1, 1), only="deleted"
    )


def test_query_from_querydict_names_every_bad_value() -> None:
    params = QueryDict("q=pool&kind=post&kind=gossip&platform=myspace&from=yesterday&only=maybe&channel=x")
    with pytest.raises(ValidationError) as caught:
        ArchiveQuery.from_querydict(params)
    text = " ".join(caught.value.messages)
    for bit in ("gossip", "myspace", "from date", "Only must", "channel"):
        assert bit in text
    good = ArchiveQuery.from_querydict(QueryDict("q=pool&kind=post&kind=reply&from=2026-01-01&to=2026-02-01&channel=4"))
    assert good.kinds == ("post", "reply") and good.channel_ids == (4,) and good.date_to == dt.date(2026, 2, 1)


def test_edit_and_deletion_are_new_versions(riverside: Council, channel: Channel, people: SimpleNamespace) -> None:
    [record] = archive_capture(captures=[capture(channel, 1, "The leisure centre closes on Friday")])
    assert archive_capture(captures=[capture(channel, 1, "again")]) == []
    assert archive_edit_seen(record=record, text="The leisure centre closes on Saturday") is not None
    assert archive_edit_seen(record=record, text="The leisure centre closes on Saturday") is None
    assert archive_deletion_seen(record=record, how="found missing on re-read") is not None
    with pytest.raises(PermissionError):
        record.save()
    page = archive_search(council=riverside, user=people.auditor, query=ArchiveQuery(q="Friday"))
    [found] = page.records
    assert [v.event for v in found.versions.all()] == ["captured", "edited", "deleted"]
    assert found.deleted_at is not None and found.edited_at is not None
    assert list(archive_record_ids(council=riverside, query=ArchiveQuery(only="deleted"))) == [record.pk]


def test_search_pages_and_permissions(
    riverside: Council, channel: Channel, people: SimpleNamespace, hillcrest_channel: Channel
) -> None:
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Main", handle="@Riverside")
    archive_capture(captures=[capture(channel, n, f"bins day {n}", days_ago=n) for n in range(5)])
    archive_capture(captures=[capture(other, 10, "bins on the main account")])
    first = archive_search(council=riverside, user=people.comms, query=ArchiveQuery(q="bins"), limit=4)
    assert len(first.records) == 4 and first.next_cursor
    rest = archive_search(
        council=riverside, user=people.comms, query=ArchiveQuery(q="bins"), cursor=first.next_cursor, limit=4
    )
    assert len(rest.records) == 2 and rest.next_cursor is None
    officer = archive_search(council=riverside, user=people.officer, query=ArchiveQuery(q="bins"))
    assert {r.channel_id for r in officer.records} == {channel.pk}
    assert archive_search(council=riverside, user=people.councillor, query=ArchiveQuery()).records == []
    with pytest.raises(ValidationError):
        archive_search(council=riverside, user=people.comms, query=ArchiveQuery(), cursor="nonsense!")


def test_hold_placed_and_released_is_audited(riverside: Council, people: SimpleNamespace) -> None:
    with pytest.raises(ValidationError):
        legal_hold_place(actor=people.auditor, council=riverside, query=ArchiveQuery(), reason="", reference="")
    assert not LegalHold.objects.exists()
    hold = legal_hold_place(
        actor=people.auditor,
        council=riverside,
        query=ArchiveQuery(q="leisure centre"),
        reason="FOI request open",
        reference="FOI-2026-0012",
    )
    legal_hold_release(actor=people.auditor, hold=hold, reason="Request answered")
    with pytest.raises(ValidationError):
        legal_hold_release(actor=people.auditor, hold=hold, reason="again")
    actions = list(
        AuditEvent.objects.filter(council=riverside, action__startswith="archive.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["archive.hold_placed", "archive.hold_released"]
    assert ArchiveRecord.objects.count() == 0


@pytest.mark.sqlite_only
def test_the_index_read_newest_first_in_chunks_agrees_with_the_full_search(
    riverside: Council, channel: Channel
) -> None:
    from townsquare.archive.search import newest_matching, words_filter

    # Several records in the same second, across chunk boundaries; every third one says something else.
    archive_capture(captures=[capture(channel, n, "bins" if n % 3 else "parks", days_ago=n // 4) for n in range(40)])
    records = ArchiveRecord.objects.filter(council=riverside, kind="post")
    everything = list(words_filter(records, ["bins"]).order_by("-occurred_at", "-pk").values_list("pk", flat=True))
    for chunk in (3, 7, 100):
        ids = newest_matching(records, ["bins"], before=None, wanted=6, chunk=chunk)
        assert ids is not None
        assert len(ids) < len(everything) or chunk == 100  # read only as far as needed
        assert (
            list(records.filter(pk__in=ids).order_by("-occurred_at", "-pk").values_list("pk", flat=True))[:6]
            == everything[:6]
        )
    # The record filters are applied inside the index read: a kind nobody wrote finds nothing.
    assert newest_matching(records.filter(kind="note"), ["bins"], before=None, wanted=6) == []
    assert newest_matching(records.none(), ["bins"], before=None, wanted=6) == []
    # A filter through another table is left to the usual way.
    assert newest_matching(records.filter(channel__name="x"), ["bins"], before=None, wanted=6) is None
