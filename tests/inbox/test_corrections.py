"""An item's page shows why it was classified, and an officer corrects the classification there or through the
API: the item takes the values, each change is kept for retraining (a service also as a routing example),
audited, and counted in the monthly summaries; bad input changes nothing; outsiders are refused."""

from __future__ import annotations

import pytest

from tests.inbox.following import second_pass_done
from tests.measures.test_inbox_live import _rows
from townsquare.audit.models import AuditEvent
from townsquare.classify.models import ClassificationCorrection, RoutingExample
from townsquare.councils.models import Service
from townsquare.inbox.corrections import item_classification_correct
from townsquare.inbox.models import ReceivedItem, UrgentItem
from townsquare.inbox.services import inbound_store
from townsquare.measures.inbox import inbox_summaries_rebuild

from .test_api import _api

URL = "/c/riverside/inbox/"
API = "/api/councils/riverside/inbox/"
TEXT = "Freedom of information request: how much did you spend on <b>potholes</b>? A disgrace"


@pytest.fixture
def items(accounts, inbound, people):
    accounts.toot.assignees.add(people.officer)
    inbound_store(channel=accounts.toot, items=[inbound("t1", TEXT), inbound("t2", "Thanks for emptying the bins")])
    inbound_store(channel=accounts.x, items=[inbound("x1", "Pothole on Station Road, please fix")])
    inbound_store(channel=accounts.other, items=[inbound("h1", "Hillcrest bins")])
    return {i.external_id: i for i in ReceivedItem.objects.all()}


def _second_pass(item: ReceivedItem) -> None:
    """What the classifier's second pass stores: its answer, scores and reasons."""
    item.classification = {
        **item.classification,
        "second_pass": True,
        "sentiment_scores": [0.85, 0.14, 0.01],
        "offensive": 0.53,
        "reasons": [
            {"points_to": "sentiment:negative", "text": "disgrace", "weight": 0.607, "start": -1, "end": -1},
            {
                "points_to": "category:foi_request",
                "text": "Freedom of information",
                "weight": 1.0,
                "start": 0,
                "end": 22,
            },
            {"points_to": "service:Highways", "text": "<b>potholes</b>", "weight": 1.0, "start": 58, "end": 73},
            {"points_to": "offensive", "text": "wrong place", "weight": 2.5, "start": 0, "end": 11},
        ],
    }
    item.save(update_fields=["classification"])


def _form(item: ReceivedItem, **changes: object) -> dict[str, object]:
    """The correction form as the page sends it: the item's values, shown and sent, with ``changes``."""
    shown = {
        "sentiment": item.sentiment,
        "categories": list(item.categories),
        "risk": item.risk,
        "language": item.language,
        "service": str(item.service_id or ""),
    }
    sent = {**shown, **changes}
    return {**sent, **{f"shown_{k}": ",".join(v) if isinstance(v, list) else v for k, v in shown.items()}}


def test_the_page_shows_the_words_that_weigh_most_and_marks_them(items, people, client_for) -> None:
    item = items["t1"]
    body = client_for(people.officer).get(f"{URL}{item.pk}/").content.decode()
    assert "First pass only: the words that weigh most follow shortly" in body
    _second_pass(item)
    body = client_for(people.officer).get(f"{URL}{item.pk}/").content.decode()
    assert "First pass only" not in body and "From the second pass." in body
    assert '“disgrace”</td><td class="govuk-table__cell">Sentiment: negative</td>' in body
    assert "Category: freedom of information request" in body and "Service: Highways" in body
    assert "negative 85%, neutral 14%, positive 1%" in body and "Offensive wording: 53%" in body
    # The words are marked where their place is known and still holds them, and nothing is left unescaped.
    assert "<mark>Freedom of information</mark> request" in body
    assert "<mark>&lt;b&gt;potholes&lt;/b&gt;</mark>?" in body and "<b>potholes</b>" not in body
    assert "<mark>Freedom of i</mark>" not in body  # "wrong place" does not stand at 0..11


def test_correcting_the_service_routes_the_item_teaches_the_router_and_keeps_the_months(
    items, people, client_for, services
) -> None:
    item = items["t1"]
    before = item.service_id
    assert before != services.highways.pk
    client = client_for(people.officer)
    page = client.post(f"{URL}{item.pk}/classification/", _form(item, service=str(services.highways.pk)))
    assert page.status_code == 302
    item.refresh_from_db()
    assert item.service == services.highways and item.classification["corrected"] == ["service"]
    correction = ClassificationCorrection.objects.get()
    assert (correction.field, correction.suggested, correction.corrected) == ("service", before, services.highways.pk)
    assert correction.corrected_by == people.officer and correction.text == TEXT
    example = RoutingExample.objects.get(service=services.highways)
    assert (example.text, example.source) == (TEXT, RoutingExample.Source.CORRECTION)
    event = AuditEvent.objects.get(action="inbox.classification_corrected")
    assert (event.before, event.after) == ({"service": before}, {"service": services.highways.pk})
    assert AuditEvent.objects.filter(action="classification.corrected").count() == 1
    live = _rows()
    assert any(row[1] == services.highways.pk for row in live)
    inbox_summaries_rebuild()
    assert _rows() == live
    body = client.get(f"{URL}{item.pk}/").content.decode()
    assert "Corrected by an officer: service." in body and "Corrected: service." in body


def test_only_the_fields_changed_are_corrected(items, people, client_for) -> None:
    item = items["t2"]
    sentiment, risk = item.sentiment, item.risk
    client = client_for(people.comms)
    page = client.post(f"{URL}{item.pk}/classification/", _form(item, categories=["praise", "spam"]))
    assert page.status_code == 302
    item.refresh_from_db()
    assert item.categories == ["praise", "spam"] and (item.sentiment, item.risk) == (sentiment, risk)
    assert list(ClassificationCorrection.objects.values_list("field", flat=True)) == ["categories"]
    # The classifier's later answer is not turned back by a form opened before it.
    opened = _form(item, sentiment="negative")
    ReceivedItem.objects.filter(pk=item.pk).update(risk="high")
    client.post(f"{URL}{item.pk}/classification/", opened)
    item.refresh_from_db()
    assert (item.sentiment, item.risk) == ("negative", "high")
    assert item.classification["corrected"] == ["sentiment", "categories"]


@pytest.mark.parametrize(
    "changes, message, field",
    [
        ({"sentiment": "furious"}, "Choose the sentiment", "sentiment"),
        ({"categories": ["complaint", "gossip"]}, "“gossip” is not one of the categories", "categories"),
        ({"risk": "extreme"}, "Choose the risk", "risk"),
        ({"language": "xx"}, "Choose the language from the list", "language"),
        ({"service": "x1"}, "Choose one of this council&#x27;s services", "service"),
        ({}, "Nothing to correct", "sentiment"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(items, people, client_for, changes, message, field) -> None:
    item = items["t1"]
    kept = (item.sentiment, item.categories, item.risk, item.service_id, item.classification)
    page = client_for(people.officer).post(f"{URL}{item.pk}/classification/", _form(item, **changes))
    body = page.content.decode()
    assert page.status_code == 400 and "There is a problem with the correction" in body and message in body
    # The summary links to the field, which says what is wrong beside it.
    assert f'href="#correct-{field}"' in body
    assert (f'id="correct-{field}-error"' in body) == bool(changes)
    item.refresh_from_db()
    assert (item.sentiment, item.categories, item.risk, item.service_id, item.classification) == kept
    assert not ClassificationCorrection.objects.exists()
    assert not AuditEvent.objects.filter(action="inbox.classification_corrected").exists()


def test_another_councils_service_is_refused(items, people, client_for, hillcrest) -> None:
    theirs = Service.objects.create(council=hillcrest, name="Hillcrest Highways")
    item = items["t1"]
    page = client_for(people.comms).post(f"{URL}{item.pk}/classification/", _form(item, service=str(theirs.pk)))
    assert page.status_code == 400 and "Choose one of this council" in page.content.decode()
    assert not ClassificationCorrection.objects.exists()


def test_outsiders_and_roles_that_may_not_work_the_inbox_are_refused(items, people, client_for, services) -> None:
    for person, item, status in [
        (people.outsider, items["t1"], 404),  # another council's officer
        (people.comms, items["h1"], 404),  # another council's item
        (people.officer, items["x1"], 404),  # a channel the service officer does not work
        (people.auditor, items["t1"], 403),
        (people.councillor, items["t1"], 403),
    ]:
        page = client_for(person).post(f"{URL}{item.pk}/classification/", _form(item, sentiment="positive"))
        assert page.status_code == status, person
    seen = client_for(people.auditor).get(f"{URL}{items['t1'].pk}/").content.decode()
    assert "Correct the classification" not in seen
    assert not ClassificationCorrection.objects.exists()


def test_the_service_keeps_earlier_corrections_and_learns_nothing_from_an_empty_text(items, people, services) -> None:
    item = items["t1"]
    assert item.risk != "urgent"
    changed = item_classification_correct(actor=people.comms, item=item, risk="urgent", service=services.housing.pk)
    assert changed == ["risk", "service"]
    assert item_classification_correct(actor=people.comms, item=item, risk="urgent", service=None) == ["service"]
    item.refresh_from_db()
    assert item.risk == "urgent" and item.service_id is None
    assert item.classification["corrected"] == ["risk", "service"]
    ReceivedItem.objects.filter(pk=item.pk).update(text="  ")
    item.refresh_from_db()
    count = ClassificationCorrection.objects.count()
    assert item_classification_correct(actor=people.comms, item=item, sentiment="positive") == ["sentiment"]
    item.refresh_from_db()
    assert item.sentiment == "positive" and ClassificationCorrection.objects.count() == count


def test_the_second_pass_keeps_a_correction_and_the_page_shows_its_reasons(items, people, client_for, services) -> None:
    item = items["t1"]
    client = client_for(people.officer)
    client.post(f"{URL}{item.pk}/classification/", _form(item, service=str(services.housing.pk), sentiment="positive"))
    assert second_pass_done() >= 1
    item.refresh_from_db()
    assert item.classification["second_pass"] is True
    assert (item.service_id, item.sentiment) == (services.housing.pk, "positive")
    assert {"sentiment", "service"} <= set(item.classification["corrected"])
    body = client.get(f"{URL}{item.pk}/").content.decode()
    assert "From the second pass." in body and "<mark>Freedom of information</mark>" in body
    assert "Corrected by an officer: sentiment, service." in body


def test_an_officer_corrects_the_language_and_the_second_pass_keeps_it(items, people, client_for) -> None:
    item = items["t2"]
    assert item.language == "en"
    client = client_for(people.officer)
    form = client.get(f"{URL}{item.pk}/").content.decode()
    assert '<option value="cy">Welsh</option>' in form and '<option value="en" selected>English</option>' in form
    # The reply's own language choice (English or Welsh) is not the correction's list.
    assert 'id="reply-language-pl"' not in form and 'value="pl"' in form
    page = client.post(f"{URL}{item.pk}/classification/", _form(item, language="cy"))
    assert page.status_code == 302
    item.refresh_from_db()
    assert item.language == "cy" and item.classification["corrected"] == ["language"]
    kept = ClassificationCorrection.objects.get()
    assert (kept.field, kept.suggested, kept.corrected) == ("language", "en", "cy")
    assert second_pass_done() >= 1
    item.refresh_from_db()
    assert item.language == "cy" and item.classification["second_pass"] is True
    body = client.get(f"{URL}{item.pk}/").content.decode()
    assert "(language: Welsh)" in body and "The classifier suggested language: English." in body
    # The API takes a language from the same list, and refuses one that is not on it.
    api = _api(people.officer.email)
    url = f"{API}{item.pk}/classification/"
    assert api.post(url, {"language": "klingon"}, content_type="application/json").status_code == 400
    answer = api.post(url, {"language": "pl"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["language"] == "pl"
    assert ClassificationCorrection.objects.count() == 2


def test_an_item_corrected_to_urgent_joins_the_urgent_queue_once(items, people) -> None:
    item = items["t2"]
    item_classification_correct(actor=people.officer, item=item, categories=["safeguarding"], risk="urgent")
    queued = UrgentItem.objects.get(item=item)
    assert queued.reason == "Safeguarding disclosure" and queued.alert is not None
    item_classification_correct(actor=people.officer, item=item, categories=["safeguarding", "complaint"])
    assert UrgentItem.objects.filter(item=item).count() == 1


def test_the_api_corrects_with_the_same_rules(items, people, services, hillcrest) -> None:
    item = items["t1"]
    url = f"{API}{item.pk}/classification/"
    api = _api(people.officer.email)
    answer = api.post(url, {"service": services.housing.pk, "risk": "high"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["service"] == "Housing" and body["risk"] == "high"
    assert body["classification"]["corrected"] == ["risk", "service"]
    assert RoutingExample.objects.filter(service=services.housing, text=TEXT).exists()
    theirs = Service.objects.create(council=hillcrest, name="Hillcrest Housing")
    refused = api.post(url, {"service": theirs.pk}, content_type="application/json")
    assert refused.status_code == 400 and "service" in refused.json()
    assert api.post(url, {"sentiment": "furious"}, content_type="application/json").status_code == 400
    assert api.post(url, {}, content_type="application/json").status_code == 400
    assert api.post(url, {"service": None}, content_type="application/json").json()["service"] is None
    assert ClassificationCorrection.objects.count() == 3


def test_the_api_refuses_outsiders(items, people) -> None:
    data = {"sentiment": "positive"}
    for email, item, status in [
        (people.outsider.email, items["t1"], 404),
        (people.comms.email, items["h1"], 404),
        (people.officer.email, items["x1"], 404),
        (people.auditor.email, items["t1"], 403),
        (people.councillor.email, items["t1"], 403),
    ]:
        answer = _api(email).post(f"{API}{item.pk}/classification/", data, content_type="application/json")
        assert answer.status_code == status, email
    assert not ClassificationCorrection.objects.exists()
