"""Ingest: stored raw and once, normalised, indexed for search, classified and routed; a failure flags, never drops."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.inbox import pipeline
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.search import search_filter
from townsquare.inbox.services import inbound_store


def test_items_are_stored_once_by_platform_id(accounts, inbound) -> None:
    new, duplicates = inbound_store(channel=accounts.toot, items=[inbound("1"), inbound("2"), inbound("1")])
    assert (len(new), duplicates) == (2, 1)
    assert all(row.pk for row in new)
    again, duplicates = inbound_store(channel=accounts.toot, items=[inbound("2"), inbound("3")])
    assert ([r.external_id for r in again], duplicates) == (["3"], 1)
    assert ReceivedItem.objects.filter(channel=accounts.toot).count() == 3
    # The same platform id on another channel is another item.
    assert len(inbound_store(channel=accounts.x, items=[inbound("1")])[0]) == 1


def test_items_are_normalised(accounts, inbound) -> None:
    raw = {
        "id": "9",
        "language": "cy",
        "media_attachments": [{"type": "image", "url": "https://files.example/a.jpg", "description": "A pothole"}],
    }
    inbound_store(
        channel=accounts.toot,
        items=[
            inbound("9", "  Look: https://example.org/road. \r\nFix it ", raw=raw),
            inbound("10", "Still there", in_reply_to_external_id="9", kind="reply"),
        ],
    )
    first = ReceivedItem.objects.get(external_id="9")
    assert first.text == "Look: https://example.org/road. \nFix it"
    assert first.author_key == "resident"
    assert first.language == "cy"
    assert first.links == ["https://example.org/road"]
    assert first.media == [{"type": "image", "url": "https://files.example/a.jpg", "description": "A pothole"}]
    assert first.raw == raw
    assert first.thread_key == "9"
    # A reply joins its parent's thread, in a later batch too.
    assert ReceivedItem.objects.get(external_id="10").thread_key == "9"
    inbound_store(channel=accounts.toot, items=[inbound("11", "And now?", in_reply_to_external_id="10")])
    assert ReceivedItem.objects.get(external_id="11").thread_key == "9"
    assert first.normalised and first.indexed and first.enriched and not first.needs_attention


def test_items_are_classified_and_routed_to_the_councils_service(accounts, inbound, services) -> None:
    inbound_store(
        channel=accounts.x,
        items=[inbound("1", "My bin wasn't collected again"), inbound("2", "Pothole on Station Road")],
    )
    bins, road = ReceivedItem.objects.get(external_id="1"), ReceivedItem.objects.get(external_id="2")
    assert bins.service_id == services.waste.pk
    assert road.service_id == services.highways.pk
    assert bins.sentiment in ("negative", "neutral", "positive")
    assert bins.classification["service"] == "Waste and Recycling"
    assert bins.language == "en"


def test_text_search_uses_the_full_text_index(accounts, inbound, riverside) -> None:
    inbound_store(
        channel=accounts.x,
        items=[
            inbound("1", "The bins in Mill Lane"),
            inbound("2", "Potholes everywhere"),
            inbound("3", "Café opening hours?"),
        ],
    )
    found = search_filter(ReceivedItem.objects.filter(council=riverside), "mill bins")
    assert [i.external_id for i in found] == ["1"]
    assert [i.external_id for i in search_filter(ReceivedItem.objects.all(), "café")] == ["3"]
    if connection.vendor == "sqlite":  # FTS5 folds accents; PostgreSQL's "simple" configuration does not
        assert [i.external_id for i in search_filter(ReceivedItem.objects.all(), "cafe")] == ["3"]
    # Search syntax typed in is read as words, never as a query.
    assert search_filter(ReceivedItem.objects.all(), '"mill* NEAR(').count() == 0
    assert search_filter(ReceivedItem.objects.all(), "nothing-like-this").count() == 0


def test_items_stored_out_of_their_order_are_each_found_by_search(accounts, inbound, riverside) -> None:
    # Platform ids that sort against the order the items came: the ids the database gives follow the
    # platform ids, so the index is written out of the items' order.
    words = ["alder", "birch", "cedar", "damson", "elder", "fig", "gorse", "hazel"]
    items = [inbound(f"z{9 - n}", f"The {word} tree on Mill Lane fell") for n, word in enumerate(words)]
    new, _ = inbound_store(channel=accounts.x, items=items)
    assert [row.pk for row in new] == sorted((row.pk for row in new), reverse=True)
    everything = ReceivedItem.objects.filter(council=riverside)
    for n, word in enumerate(words):
        assert [i.external_id for i in search_filter(everything, f"{word} mill")] == [f"z{9 - n}"]
    assert search_filter(everything, "tree lane").count() == len(words)


def test_a_failure_after_storing_flags_the_item_and_keeps_it(accounts, inbound, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("the classifier is down")

    monkeypatch.setattr(pipeline, "classify_texts", broken)
    new, _ = inbound_store(channel=accounts.x, items=[inbound("1", "Pothole on Station Road")])
    item = ReceivedItem.objects.get(pk=new[0].pk)
    assert item.needs_attention and "the classifier is down" in item.processing_error
    assert item.normalised and item.indexed and not item.enriched
    assert item.raw == {"id": "1"} and item.status == ReceivedItem.Status.NEW


@pytest.mark.parametrize("stage", ["normalise", "index_items"])
def test_an_earlier_stage_failing_flags_too(accounts, inbound, monkeypatch, stage) -> None:
    monkeypatch.setattr(pipeline, stage, lambda *a, **k: (_ for _ in ()).throw(ValueError("broken")))
    inbound_store(channel=accounts.x, items=[inbound("1")])
    item = ReceivedItem.objects.get()
    assert item.needs_attention and not item.enriched


def test_the_index_is_rebuilt_for_rows_that_arrived_another_way(db: None) -> None:
    """loaddata or a restored backup brings rows without index entries: index_rebuild finds them."""
    from townsquare.inbox.search import index_rebuild

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's index follows the table by itself")
    council = Council.objects.create(slug="riverside", name="Riverside")
    channel = Channel.objects.create(council=council, platform="x", name="Riverside on X", handle="@RiversideDC")
    ReceivedItem.objects.create(
        council=council,
        channel=channel,
        external_id="1",
        text="Fly-tipping on Mill Lane",
        author_handle="resident",
        received_at=timezone.now(),
    )
    assert not search_filter(ReceivedItem.objects.all(), "Mill").exists()
    assert index_rebuild() == 1
    assert search_filter(ReceivedItem.objects.all(), "Mill").count() == 1
    assert index_rebuild() == 1 and search_filter(ReceivedItem.objects.all(), "Mill").count() == 1


def test_the_benchmarks_row_of_columns_is_every_column_stored() -> None:
    from townsquare.inbox.storing import COLUMNS

    assert sorted(pipeline.ROW_FIELDS) == sorted(COLUMNS)
    # Every column but the id and those later work sets (nullable, so left out of the insert).
    later = {"id", "service_id", "assignee_id", "assigned_service_id", "updated_at"}
    assert sorted(COLUMNS) == sorted(f.attname for f in ReceivedItem._meta.concrete_fields if f.attname not in later)


def test_a_nul_character_from_a_platform_is_stored_as_the_replacement_character(accounts, inbound) -> None:
    """PostgreSQL cannot store NUL in text or JSON: one resident's message holding it used to fail the whole
    batch's statement there. Now every item is stored, on both databases alike, and the changed payload said."""
    odd = inbound(
        "n1",
        "Pothole\x00 on Station Road",
        author_name="A\x00 Resident",
        raw={"id": "n1", "content": "x\x00y", "tags": ["\x00"], "key\x00": 1},
    )
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("n0"), odd, inbound("n2", raw={"note": "a \\u0000"})])
    assert [item.external_id for item in new] == ["n0", "n1", "n2"]
    item = ReceivedItem.objects.get(external_id="n1")
    assert (item.text, item.author_name) == ("Pothole\ufffd on Station Road", "A\ufffd Resident")
    assert item.raw == {"id": "n1", "content": "x\ufffdy", "tags": ["\ufffd"], "key\ufffd": 1}
    assert item.malformed and "NUL characters" in item.parse_error
    # The six characters backslash, u, 0, 0, 0, 0 are text like any other: kept, and nothing flagged.
    plain = ReceivedItem.objects.get(external_id="n2")
    assert plain.raw == {"note": "a \\u0000"} and not plain.malformed


def test_a_broken_surrogate_from_a_platform_is_stored_as_the_replacement_character(accounts, inbound) -> None:
    """Half a surrogate pair (Python's json reads "\\ud800" into one) cannot be written as UTF-8 by either
    database: it used to fail the whole batch. Emoji, whole characters, are kept as they are."""
    odd = inbound("s1", "Pothole\ud800 on Station Road \U0001f600", raw={"id": "s1", "content": "x\udfffy \U0001f600"})
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s0"), odd])
    assert [item.external_id for item in new] == ["s0", "s1"]
    item = ReceivedItem.objects.get(external_id="s1")
    assert item.text == "Pothole\ufffd on Station Road \U0001f600"
    assert item.raw == {"id": "s1", "content": "x\ufffdy \U0001f600"}
    assert item.malformed and "surrogates" in item.parse_error
