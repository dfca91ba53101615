"""The classifier itself, without the database: sentiment, categories, risk, language and service.

``first_pass(texts, router)`` is for ingest: a batch scored by the linear heads at once
(townsquare.classify.linear), the category phrases prefiltered by one hyperscan scan, the language
from function words. ``second_pass(texts, router)`` is for the background: the sentence encoder
(townsquare.classify.encoder, all-MiniLM-L6-v2 on onnxruntime) with heads stacked on the linear
heads, the VADER lexicon's scores and a profanity model (townsquare.classify.stacked, lexicon,
profanity) for sentiment and offensive wording, py3langid where function words do not settle the
language, and the reasons (the words that weigh most), so the inbox can show why. A router
(townsquare.classify.routing) comes from the council; without one, ``service`` is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from townsquare.classify import categories as cat
from townsquare.classify.encoder import default_encoder
from townsquare.classify.language import language_of, word_set
from townsquare.classify.lexicon import lexicon_scores
from townsquare.classify.linear import default_heads, sigmoid, softmax
from townsquare.classify.offensive import default_model as offensive_model
from townsquare.classify.profanity import default_profanity
from townsquare.classify.routing import Route, Router, terms, terms_and_evidence
from townsquare.classify.stacked import default_stacked

SENTIMENTS = ("negative", "neutral", "positive")
_SENTIMENT_COLUMNS = [f"sentiment:{name}" for name in SENTIMENTS]
# Welsh sentiment words: the sentiment heads learned from English tweets and know no Welsh.
_WELSH_POSITIVE = word_set("diolch gwych ardderchog hyfryd caredig llawen gwerthfawrogi defnyddiol boddau")
_WELSH_NEGATIVE = word_set(
    """
gwarthus warthus ffiaidd ofnadwy diwerth ddiwerth cywilydd chywilydd poeni ofn oer torri llwydni gwaethygu cwyn
siomedig byth neb eto
"""
)

# Cues that are not named after their category, and the category they point to.
_CUE_LABELS = {
    "threat": "abuse_threat",
    "abuse": "abuse_threat",
    "complain": "complaint",
    "complain_weak": "complaint",
    "praise_cue": "praise",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why: a word or phrase of the text (``text[start:end]``) and what it pointed to, with its weight."""

    points_to: str  # "sentiment:negative", "offensive", "category:foi_request", "service:Highways"
    text: str
    weight: float
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class Classification:
    sentiment: str
    sentiment_scores: tuple[float, float, float]  # negative, neutral, positive (0..1, summing to 1)
    categories: tuple[str, ...]
    risk: str
    language: str
    service: str | None
    service_id: int | None
    offensive: float  # probability (0..1) of offensive or abusive wording
    second_pass: bool = False
    reasons: tuple[Reason, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """The command's and the inbox's record: sentiment, categories, risk, language, service."""
        return {
            "sentiment": self.sentiment,
            "categories": list(self.categories),
            "risk": self.risk,
            "language": self.language,
            "service": self.service,
        }


def _welsh_sentiment(tokens: Sequence[str]) -> str:
    positive = sum(token in _WELSH_POSITIVE for token in tokens)
    negative = sum(token in _WELSH_NEGATIVE for token in tokens)
    return "positive" if positive > negative else "negative" if negative > positive else "neutral"


def _classify(texts: Sequence[str], router: Router | None, *, second: bool) -> list[Classification]:
    heads = default_heads()
    scored = heads.score(texts)
    sentiment_logits = scored.logits[:, [heads.column[name] for name in _SENTIMENT_COLUMNS]]
    offensive_logit = np.where(scored.known, scored.logits[:, heads.column["offensive"]], 0.0)
    abuse_threshold = cat.ABUSE_THRESHOLD
    if second:
        # The sentence encoder's heads stacked on the linear heads (townsquare.classify.stacked).
        vectors = default_encoder().features(texts)
        stacked = default_stacked()
        side = stacked.side(
            sentiment_logits, offensive_logit, lexicon_scores(texts), default_profanity().log_odds(texts)
        )
        logits = stacked.logits(vectors, side)
        sentiment_logits, offensive = logits[:, :3], sigmoid(logits[:, 3])
        known = np.array([bool(text.strip()) for text in texts], dtype=bool)
        abuse_threshold = cat.SECOND_PASS_ABUSE_THRESHOLD
    else:
        offensive = sigmoid(offensive_logit) * scored.known
        known = scored.known
    probabilities = softmax(sentiment_logits)
    # Plain Python lists: indexing numpy arrays one element at a time costs more than the rest of the loop.
    scores_of = probabilities.round(4).tolist()
    best_of = probabilities.argmax(axis=1).tolist()
    known_of = known.tolist()
    offensive_of = offensive.round(4).tolist()
    # Language, cues and routing terms of each text; then the routes of the whole batch at once (first pass).
    codes: list[str] = []
    every_found: list[set[str]] = []
    every_places: list[dict[str, list[tuple[int, int]]]] = []
    every_terms: list[list[str]] = []
    for text, tokens in zip(texts, scored.tokens, strict=True):
        if second:
            codes.append(language_of(text, tokens))
            places = cat.cues(text)
            every_places.append(places)
            every_found.append(set(places))
            every_terms.append(terms(tokens) if router is not None else [])
        else:
            found_terms, english, welsh = terms_and_evidence(tokens)
            codes.append(_fast_language(text, tokens, english, welsh))
            every_found.append(cat.cue_names(text))
            every_places.append({})
            every_terms.append(found_terms)
    if router is None:
        routes: list[Route | None] = [None] * len(texts)
    elif second:
        routes = [router.route_terms(found_terms) for found_terms in every_terms]
    else:
        routes = router.route_many(every_terms)
    results = []
    for text, tokens, scores, best, known, offensive_score, code, found, places, route in zip(
        texts,
        scored.tokens,
        scores_of,
        best_of,
        known_of,
        offensive_of,
        codes,
        every_found,
        every_places,
        routes,
        strict=True,
    ):
        sentiment = _welsh_sentiment(tokens) if code == "cy" else SENTIMENTS[best] if known else "neutral"
        is_offensive = offensive_score >= abuse_threshold
        categories, risk = cat.decide(found, sentiment, is_offensive)
        results.append(
            Classification(
                sentiment=sentiment,
                sentiment_scores=(scores[0], scores[1], scores[2]),
                categories=tuple(categories),
                risk=risk,
                language=code,
                service=route.name if route else None,
                service_id=route.service_id if route else None,
                offensive=offensive_score,
                second_pass=second,
                reasons=_reasons(text, sentiment, is_offensive, route, places) if second else (),
            )
        )
    return results


def _fast_language(text: str, tokens: Sequence[str], english: int, welsh: int) -> str:
    """The first pass's language from the function words counted (``language.evidence``)."""
    if welsh >= 2 and welsh > english:
        return "cy"
    if english >= welsh and english:
        return "en"
    return language_of(text, tokens)  # little evidence: the identifier (rare in council messages)


def _reasons(
    text: str, sentiment: str, offensive: bool, route: Any, places: dict[str, list[tuple[int, int]]]
) -> tuple[Reason, ...]:
    heads = default_heads()
    reasons: list[Reason] = []
    column = f"sentiment:{sentiment}"
    parts = heads.contributions(text, column)
    for word, weight in sorted(parts, key=lambda part: -part[1])[:3]:
        if weight > 0.05:
            reasons.append(Reason(column, word, round(weight, 3)))
    if offensive:
        reasons.extend(
            Reason("offensive", span.text, span.weight, span.start, span.end)
            for span in offensive_model().spans(text, limit=3)
        )
    for name, spans in places.items():
        label = name if name in cat.CATEGORIES else _CUE_LABELS.get(name)
        if label is None:  # a cue that only qualifies another ("resumption")
            continue
        start, end = spans[0]
        reasons.append(Reason(f"category:{label}", text[start:end], 1.0, start, end))
    if route is not None:
        reasons.extend(Reason(f"service:{route.name}", term, 1.0) for term in route.terms[:3])
    return tuple(reasons)


def first_pass(texts: Sequence[str], router: Router | None = None) -> list[Classification]:
    """Classify a batch at ingest speed."""
    return _classify(texts, router, second=False)


def second_pass(texts: Sequence[str], router: Router | None = None) -> list[Classification]:
    """Classify a batch more carefully, with reasons; for background work, replacing the first pass's answer."""
    return _classify(texts, router, second=True)


def offensive_probability(text: str) -> float:
    """The second pass's offensive score of one text (0..1): the mean of the first-pass head and the offensive
    model, as in ``second_pass``."""
    heads = default_heads()
    scored = heads.score([text])
    head = float(sigmoid(scored.logits[0, heads.column["offensive"]])) if scored.known[0] else 0.0
    return (head + offensive_model().score(text)) / 2


def offensive_reaching(text: str, threshold: float) -> float | None:
    """``offensive_probability(text)`` when it reaches ``threshold``, else None; the policy checks (CC-02) use it.

    The head is only scored when the offensive model's own score leaves the mean able to reach the
    threshold (the head is at most 1), so a polite draft costs what the offensive model alone costs.
    """
    alone = offensive_model().score(text)
    if (alone + 1.0) / 2 < threshold:
        return None
    heads = default_heads()
    scored = heads.score([text])
    head = float(sigmoid(scored.logits[0, heads.column["offensive"]])) if scored.known[0] else 0.0
    score = (head + alone) / 2
    return score if score >= threshold else None
