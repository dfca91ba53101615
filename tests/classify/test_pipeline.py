"""The classifier without the database: each category and language on residents' messages, risk,
routing, the two passes agreeing on format, and nothing fetched from the network."""

from __future__ import annotations

import socket

import pytest

from townsquare.classify import pipeline
from townsquare.classify.categories import CATEGORIES, RISKS
from townsquare.classify.language import language_of
from townsquare.classify.routing import Router, ServiceProfile, default_words

PASSES = [pipeline.first_pass, pipeline.second_pass]

# (text, a category it must have) in English and Welsh, none of them in the labelled training data.
EXAMPLES = [
    ("The bin men have missed our road for the third week, this is a disgrace", "complaint"),
    ("Mae'r casgliadau biniau yn ofnadwy, dyw neb wedi casglu ers pythefnos, gwarthus", "complaint"),
    ("Please can you send someone to clear the broken glass on Park Road", "service_request"),
    ("Allwch chi drwsio'r golau stryd ar Heol y Bont os gwelwch yn dda?", "service_request"),
    ("Under the Freedom of Information Act please tell me how much was spent on agency staff", "foi_request"),
    ("Cais rhyddid gwybodaeth: faint a wariwyd ar dacsis y llynedd?", "foi_request"),
    ("This is a subject access request for all the data you hold about me", "sar_request"),
    ("Dw i eisiau gweld yr holl wybodaeth sydd gennych amdana i o dan y ddeddf diogelu data", "sar_request"),
    (
        "I'm a journalist at the Riverside Echo, could the press office comment on the car park closure?",
        "media_enquiry",
    ),
    ("Newyddiadurwr sydd yma, oes gan y cyngor sylw am y ffordd?", "media_enquiry"),
    ("I'll burn your office down if you tow my car again", "abuse_threat"),
    ("You useless fucking idiots", "abuse_threat"),
    ("Bydda i'n llosgi'r swyddfa", "abuse_threat"),
    ("I'm scared my neighbour's children are being neglected, they're left alone for days", "safeguarding"),
    ("Dw i eisiau lladd fy hun heno", "safeguarding"),
    ("Thank you so much to the library staff, brilliant help as always", "praise"),
    ("Diolch yn fawr i'r tîm, gwaith gwych", "praise"),
    ("Vote Reform in the by-election on Thursday", "political"),
    ("Pleidleisiwch dros Lafur yn yr etholiad", "political"),
    ("Ring me on 07700 900456 about my council tax, I live at 4 Mill Road", "personal_data"),
    ("Fy rhif ffôn yw 07700 900456 a fy nyddiad geni yw 1/2/1970", "personal_data"),
    ("Earn £3000 a week from home!!! Click here https://bit.ly/xyz", "spam"),
    ("Cliciwch yma i hawlio iPhone am ddim", "spam"),
]


@pytest.mark.parametrize("run", PASSES, ids=["first", "second"])
@pytest.mark.parametrize(("text", "category"), EXAMPLES)
def test_each_category_is_found_in_english_and_welsh(run, text: str, category: str) -> None:
    [result] = run([text])
    assert category in result.categories


def test_every_category_has_an_english_and_a_welsh_example() -> None:
    welsh = {category for text, category in EXAMPLES if language_of(text, text.lower().split()) == "cy"}
    english = {category for text, category in EXAMPLES if language_of(text, text.lower().split()) == "en"}
    assert english == set(CATEGORIES)
    assert welsh == set(CATEGORIES)


@pytest.mark.parametrize("run", PASSES, ids=["first", "second"])
def test_plain_questions_have_no_alarming_category_and_low_risk(run) -> None:
    texts = [
        "What time does the library open on Saturday?",
        "Pryd mae'r llyfrgell ar agor ddydd Sadwrn?",
        "Is the recycling centre open on bank holiday Monday?",
    ]
    for result in run(texts):
        assert not set(result.categories) & {
            "safeguarding",
            "abuse_threat",
            "foi_request",
            "sar_request",
            "media_enquiry",
            "spam",
        }
        assert result.risk == "low"


@pytest.mark.parametrize("run", PASSES, ids=["first", "second"])
def test_asking_when_a_service_resumes_is_not_a_complaint(run) -> None:
    questions = run(
        [
            "When does the garden waste collection start again?",
            "Will the swimming pool be open again next week?",
            "Can I still pay for parking by phone?",
            "Pryd fydd y casgliad gwastraff gardd yn dechrau eto?",
        ]
    )
    assert [result.categories for result in questions] == [()] * 4
    missed, still_out = run(
        [
            "The bins were missed again, third time this month, it's a disgrace",
            "The streetlight on Elm Road is still broken after two reports, absolutely useless",
        ]
    )
    assert "complaint" in missed.categories
    assert "complaint" in still_out.categories


@pytest.mark.parametrize("run", PASSES, ids=["first", "second"])
def test_risk_levels(run) -> None:
    urgent, threat, abuse, media, foi, low = run(
        [
            "I can't go on, I'm going to kill myself tonight",
            "Watch your back, I know where the planning officer lives",
            "You are a useless bunch of fucking idiots",
            "Reporter from the Gazette here, can the press office comment on the fire?",
            "FOI request: the number of potholes repaired last year",
            "What are the opening times of the tip?",
        ]
    )
    assert (urgent.risk, threat.risk, abuse.risk, media.risk, foi.risk, low.risk) == (
        "urgent",
        "urgent",
        "high",
        "high",
        "medium",
        "low",
    )
    assert all(r.risk in RISKS for r in (urgent, threat, abuse, media, foi, low))


@pytest.mark.parametrize("run", PASSES, ids=["first", "second"])
def test_sentiment_of_clear_messages(run) -> None:
    negative, neutral, positive, welsh_positive, welsh_negative = run(
        [
            "The bins weren't collected again, absolutely disgraceful service",
            "Council offices will be closed on Monday",
            "Thank you, the new park is lovely, great job everyone!",
            "Diolch yn fawr, gwasanaeth gwych",
            "Mae'r gwasanaeth yn warthus ac yn ofnadwy",
        ]
    )
    assert negative.sentiment == "negative"
    assert neutral.sentiment == "neutral"
    assert positive.sentiment == "positive"
    assert welsh_positive.sentiment == "positive"
    assert welsh_negative.sentiment == "negative"
    assert sum(negative.sentiment_scores) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("My bin wasn't collected on Tuesday", "en"),
        ("Ni chafodd fy min ei gasglu ddydd Mawrth", "cy"),
        ("Diolch yn fawr iawn", "cy"),
        ("Nadolig llawen i bawb yn y cyngor", "cy"),
        ("Dzień dobry, kiedy jest odbiór śmieci w mojej okolicy?", "pl"),
        ("Fantastic!", "en"),
        ("👍👍", "und"),
    ],
)
def test_language_knows_welsh(text: str, code: str) -> None:
    for run in PASSES:
        assert run([text])[0].language == code


def riverside_router() -> Router:
    names = [
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
    return Router([ServiceProfile(n, name) for n, name in enumerate(names)])


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("My wheelie bin wasn't emptied", "Waste and Recycling"),
        ("Huge pothole outside the school", "Highways"),
        ("I've been charged council tax twice this month", "Council Tax"),
        ("Black mould in our council flat, need a repair", "Housing"),
        ("Do I need planning permission for a porch?", "Planning"),
        ("Got a parking ticket on Bridge Street", "Parking"),
        ("Rats by the takeaway bins, please send pest control", "Environmental Health"),
        ("Can I renew library books online?", "Libraries"),
        ("Is the swimming pool at the leisure centre open?", "Leisure"),
        ("Mae twll mawr yn y ffordd", "Highways"),
        ("Mae'r llyfrgell ar gau heddiw?", "Libraries"),
    ],
)
def test_routing_by_built_in_words(text: str, service: str) -> None:
    for run in PASSES:
        assert run([text], riverside_router())[0].service == service


def test_no_router_no_service_and_a_message_for_no_service_stays_unrouted() -> None:
    assert pipeline.first_pass(["My wheelie bin wasn't emptied"])[0].service is None
    assert pipeline.first_pass(["Happy new year everyone"], riverside_router())[0].service is None


def test_examples_and_words_teach_the_router() -> None:
    text = "The bus shelter glass has been smashed"
    untaught = Router([ServiceProfile(1, "Highways"), ServiceProfile(2, "Transport")])
    assert untaught.route(text) is None
    taught = Router([ServiceProfile(1, "Highways"), ServiceProfile(2, "Transport", ["bus shelter", "bus stop"])])
    route = taught.route(text)
    assert route is not None and route.name == "Transport" and "bus shelter" in route.terms
    by_example = Router(
        [
            ServiceProfile(1, "Highways"),
            ServiceProfile(
                2, "Transport", examples=["The bus shelter on King Street is smashed", "Bus shelter glass broken again"]
            ),
        ]
    )
    assert by_example.route(text).name == "Transport"  # type: ignore[union-attr]
    assert "pothole" in default_words("Highways and Transport")


def test_second_pass_gives_reasons() -> None:
    [result] = pipeline.second_pass(["Under the Freedom of Information Act, you useless idiots, send the figures"])
    points = {reason.points_to for reason in result.reasons}
    assert "category:foi_request" in points
    assert "offensive" in points
    assert result.second_pass
    foi = next(r for r in result.reasons if r.points_to == "category:foi_request")
    assert foi.text == "Freedom of Information"


def test_batches_keep_order_and_awkward_input_is_answered() -> None:
    texts = ["", "   ", "😂😂", "a" * 50_000, "Thank you!", "FOI request please"]
    for run in PASSES:
        results = run(texts)
        assert len(results) == len(texts)
        assert results[0].as_json() == {
            "sentiment": "neutral",
            "categories": [],
            "risk": "low",
            "language": "und",
            "service": None,
        }
        assert "foi_request" in results[-1].categories
    assert pipeline.first_pass([]) == []


def test_nothing_is_fetched_from_the_network(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the classifier tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from townsquare.classify import encoder, language, lexicon, linear, profanity, stacked

    linear.default_heads.cache_clear()
    lexicon._analyser.cache_clear()
    profanity.default_profanity.cache_clear()
    language._identifier.cache_clear()
    encoder.default_encoder.cache_clear()
    stacked.default_stacked.cache_clear()
    for run in PASSES:
        run(["Dzień dobry", "Diolch", "FOI request", "You idiots"], riverside_router())


def test_offensive_reaching_gives_the_policy_checks_score_only_at_the_threshold() -> None:
    for text in ["You useless fucking idiots", "Honestly you lot are a bunch of lazy clowns", "Thank you all"]:
        score = pipeline.offensive_probability(text)
        assert 0.0 <= score <= 1.0
        for threshold in (0.3, 0.5, 0.7, 0.9):
            reached = pipeline.offensive_reaching(text, threshold)
            assert reached == (pytest.approx(score) if score >= threshold else None)
