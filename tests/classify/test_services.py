"""The service API: a council's services route messages, corrections are kept, validated and audited,
and a correction teaches the router at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from townsquare.audit.models import AuditEvent
from townsquare.classify.models import ClassificationCorrection, RoutingExample
from townsquare.classify.selectors import corrections_for_training
from townsquare.classify.services import (
    classification_correct,
    classify_text,
    classify_texts,
    classify_texts_second_pass,
    routing_example_add,
    routing_words_set,
)
from townsquare.councils.models import Service

pytestmark = pytest.mark.django_db

NAMES = [
    "Waste and Recycling",
    "Highways",
    "Council Tax",
    "Housing",
    "Planning",
    "Parking",
    "Environmental Health",
    "Libraries",
    "Leisure",
]


@pytest.fixture
def services(riverside) -> dict[str, Service]:
    return {name: Service.objects.create(council=riverside, name=name) for name in NAMES}


def test_classify_texts_routes_to_the_councils_services(riverside, hillcrest, services) -> None:
    texts = ["My bin wasn't collected", "Pothole on Station Road", "Mae llwydni yn fy fflat cyngor"]
    first = classify_texts(texts, riverside)
    second = classify_texts_second_pass(texts, riverside)
    assert [r.service for r in first] == ["Waste and Recycling", "Highways", "Housing"]
    assert [r.service for r in second] == ["Waste and Recycling", "Highways", "Housing"]
    assert first[0].service_id == services["Waste and Recycling"].pk
    # Without a council, or for a council without these services, no service.
    assert [r.service for r in classify_texts(texts)] == [None, None, None]
    assert [r.service for r in classify_texts(texts, hillcrest)] == [None, None, None]


def test_a_service_correction_is_kept_audited_and_teaches_the_router(riverside, services, people) -> None:
    text = "Graffiti all over the war memorial again"
    assert classify_text(text, riverside).service is None
    correction = classification_correct(
        actor=people.officer,
        council=riverside,
        text=text,
        field="service",
        suggested=None,
        corrected=services["Environmental Health"].pk,
    )
    assert correction.service == services["Environmental Health"]
    example = RoutingExample.objects.get(service=services["Environmental Health"])
    assert (example.text, example.source, example.created_by) == (text, "correction", people.officer)
    assert AuditEvent.objects.filter(action="classification.corrected", council=riverside).count() == 1
    assert classify_text("More graffiti on the memorial", riverside).service == "Environmental Health"
    assert corrections_for_training(riverside) == [
        {
            "council": "riverside",
            "text": text,
            "field": "service",
            "suggested": None,
            "corrected": services["Environmental Health"].pk,
        }
    ]


def test_corrections_of_each_field_are_validated(riverside, hillcrest, services, people) -> None:
    good = {"sentiment": "negative", "categories": ["praise", "complaint"], "risk": "urgent", "language": "cy"}
    for field, value in good.items():
        classification_correct(
            actor=people.officer, council=riverside, text="Some message", field=field, suggested=None, corrected=value
        )
    assert ClassificationCorrection.objects.get(field="categories").corrected == ["complaint", "praise"]
    other = Service.objects.create(council=hillcrest, name="Waste")
    bad = [
        ("sentiment", "angry"),
        ("categories", ["complaint", "rant"]),
        ("categories", "complaint"),
        ("risk", "severe"),
        ("language", "Welsh"),
        ("service", other.pk),
        ("service", 999_999),
        ("mood", "x"),
    ]
    for field, value in bad:
        with pytest.raises(ValidationError):
            classification_correct(
                actor=people.officer,
                council=riverside,
                text="Some message",
                field=field,
                suggested=None,
                corrected=value,
            )
    with pytest.raises(ValidationError):
        classification_correct(
            actor=people.officer, council=riverside, text="   ", field="risk", suggested="low", corrected="high"
        )
    assert ClassificationCorrection.objects.count() == len(good)
    assert not RoutingExample.objects.exists()


def test_routing_words_and_examples_change_routes(riverside, services, people) -> None:
    transport = Service.objects.create(council=riverside, name="Transport")
    assert classify_text("The number 7 bus never turned up", riverside).service is None
    routing_words_set(actor=people.admin, service=transport, words=["bus", "bus stop", "  ", "timetable"])
    assert classify_text("The number 7 bus never turned up", riverside).service == "Transport"
    routing_example_add(actor=people.admin, service=services["Leisure"], text="Zumba classes at the sports hall")
    assert classify_text("Are there zumba classes on Friday?", riverside).service == "Leisure"
    assert AuditEvent.objects.filter(action__startswith="classify.routing").count() == 2
    with pytest.raises(ValidationError):
        routing_example_add(actor=people.admin, service=transport, text="")


def test_the_routers_version_moves_with_every_change_to_the_routing_and_only_then(
    riverside, hillcrest, services, people
) -> None:
    from townsquare.classify.selectors import _version

    seen = [_version(riverside)]
    assert _version(riverside) == seen[0]  # read again, nothing changed
    transport = Service.objects.create(council=riverside, name="Transport")
    seen.append(_version(riverside))
    routing_words_set(actor=people.admin, service=transport, words=["bus"])
    seen.append(_version(riverside))
    routing_words_set(actor=people.admin, service=transport, words=["bus", "timetable"])
    seen.append(_version(riverside))
    example = routing_example_add(actor=people.admin, service=transport, text="The 7 bus is late")
    seen.append(_version(riverside))
    example.delete()
    assert _version(riverside) == seen[-2]  # the routing is as it was before the example
    Service.objects.create(council=hillcrest, name="Transport")  # another council's service changes nothing here
    assert _version(riverside) == seen[-2]
    services["Leisure"].delete()
    seen.append(_version(riverside))
    assert len(set(seen)) == len(seen)
