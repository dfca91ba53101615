"""The classifier's second pass runs in the background over what the ingest classified: its answer
replaces the first pass's, with the words that weighed most, except where an officer has set a field;
an item it finds urgent or a request, where the first pass did not, is queued or opened then."""

from __future__ import annotations

import dataclasses

import pytest

from tests.inbox.following import second_pass_done
from townsquare.classify.pipeline import Classification
from townsquare.disclosure.models import InformationRequest
from townsquare.inbox import second_pass
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.second_pass import SECOND_PASS_JOB, second_pass_run
from townsquare.inbox.service_level_models import UrgentItem
from townsquare.inbox.services import inbound_store
from townsquare.jobs.models import Job
from townsquare.measures.inbox import inbox_summaries_rebuild
from townsquare.measures.models import InboxMonthly

COMPLAINT = "My bins were not collected again, this is the third week, absolutely useless"


def _summaries() -> list[tuple[object, ...]]:
    return sorted(
        (r.channel_id, r.service_key, r.month, r.received, r.positive, r.neutral, r.negative)
        for r in InboxMonthly.objects.all()
        if r.received
    )


def test_the_second_pass_replaces_the_first_with_reasons(accounts, inbound) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", COMPLAINT), inbound("s2", "Thank you!")])
    [job] = Job.objects.filter(kind=SECOND_PASS_JOB)
    assert sorted(job.payload["items"]) == sorted(row.pk for row in new)
    first = ReceivedItem.objects.get(pk=new[0].pk)
    assert not first.classification.get("second_pass")
    assert second_pass_done() == 1
    item = ReceivedItem.objects.get(pk=new[0].pk)
    record = item.classification
    assert record["second_pass"] is True and record["corrected"] == []
    assert record["first_pass"]["sentiment"] == first.sentiment
    assert item.sentiment == record["sentiment"] == "negative"
    assert len(record["sentiment_scores"]) == 3 and 0 <= record["offensive"] <= 1
    keys = {"points_to", "text", "weight", "start", "end"}
    assert record["reasons"] and all(keys <= set(r) for r in record["reasons"])
    # The words point into the text.
    spans = [r for r in record["reasons"] if r["start"] >= 0]
    assert spans and all(item.text[r["start"] : r["end"]].lower() == r["text"].lower() for r in spans)


def test_a_field_an_officer_set_is_kept(accounts, inbound, services) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", COMPLAINT)])
    ReceivedItem.objects.filter(pk=new[0].pk).update(sentiment="positive", service=services.housing)
    second_pass_done()
    item = ReceivedItem.objects.get(pk=new[0].pk)
    assert item.sentiment == "positive" and item.service_id == services.housing.pk
    assert set(item.classification["corrected"]) == {"sentiment", "service"}
    assert item.classification["second_pass"] is True


def test_running_it_again_changes_nothing_and_the_measures_follow(accounts, inbound) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", COMPLAINT), inbound("s2", "Lovely park")])
    second_pass_done()
    after = list(ReceivedItem.objects.order_by("pk").values_list("sentiment", "classification"))
    assert second_pass_run(accounts.toot.council, [row.pk for row in new]) == 0
    assert list(ReceivedItem.objects.order_by("pk").values_list("sentiment", "classification")) == after
    live = _summaries()
    inbox_summaries_rebuild()
    assert _summaries() == live


@pytest.mark.parametrize(
    ("found", "urgent", "requests"),
    [((("safeguarding",), "urgent"), 1, 0), ((("foi_request",), "medium"), 0, 1)],
)
def test_what_only_the_second_pass_finds_is_queued_or_opened(
    accounts, inbound, monkeypatch, found, urgent, requests
) -> None:
    categories, risk = found
    classify = second_pass.classify_texts_second_pass

    def sharper(texts, council=None) -> list[Classification]:
        return [dataclasses.replace(r, categories=categories, risk=risk) for r in classify(texts, council)]

    monkeypatch.setattr(second_pass, "classify_texts_second_pass", sharper)
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", "Can someone call me about my neighbour")])
    assert not UrgentItem.objects.exists() and not InformationRequest.objects.exists()
    second_pass_done()
    assert UrgentItem.objects.filter(item_id=new[0].pk).count() == urgent
    assert InformationRequest.objects.filter(source_item_id=new[0].pk).count() == requests


def test_an_item_the_first_pass_could_not_classify_gets_no_second_pass(accounts, inbound, monkeypatch) -> None:
    from townsquare.inbox import pipeline

    def broken(council, rows) -> None:
        raise RuntimeError("model missing")

    monkeypatch.setattr(pipeline, "enrich", broken)
    inbound_store(channel=accounts.toot, items=[inbound("s1", COMPLAINT)])
    assert not Job.objects.filter(kind=SECOND_PASS_JOB).exists()


def test_a_language_the_platform_gave_is_kept_and_not_counted_an_officers(accounts, inbound) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", COMPLAINT, raw={"id": "s1", "language": "cy"})])
    assert ReceivedItem.objects.get(pk=new[0].pk).language == "cy"
    second_pass_done()
    item = ReceivedItem.objects.get(pk=new[0].pk)
    assert item.language == "cy" and item.classification["corrected"] == []
