"""Which of a council's services a message should go to, from each service's words and example messages.

Each service is a bag of terms: its words and phrases (weighing three times an example's), the
example messages people wrote or corrected, and, while a service has no words of its own, the
built-in words below for services of its kind (English and Welsh). A term is a word cut to a rough
stem ("potholes" -> "pothole") or a pair of neighbouring words ("council tax"). Each term weighs, for
each service, the log of how much likelier it is in that service's bag than in the others' (a
naive Bayes log-ratio, only where positive); a message goes to the service with the highest sum over
its terms, and to none when no service reaches ``MIN_SCORE``.

Building a router is a few milliseconds for a council's examples; routing a message is a dictionary
lookup per term (``route_terms``), or for a batch one gather and one segmented sum in numpy
(``route_many``, what ingest uses).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np

from townsquare.classify.language import ENGLISH, WELSH, WELSH_FUNCTION
from townsquare.classify.service_words import DEFAULT_WORDS

MIN_SCORE = 2.0
WORD_WEIGHT = 3
SMOOTHING = 1.0


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STOP = ENGLISH | WELSH_FUNCTION | frozenset({"a", "i", "am", "ar", "me", "it's", "im"})


@lru_cache(maxsize=100_000)
def _meaning(token: str) -> tuple[str, bool]:
    """(stem, whether it is a word that carries meaning) of one token; ("", False) for punctuation, numbers."""
    if not _WORD.fullmatch(token):
        return "", False
    stemmed = stem(token)
    return stemmed, stemmed not in _STOP


def stem(word: str) -> str:
    """A rough English stem: lower case, no possessive, no plural s."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def terms(words: Sequence[str]) -> list[str]:
    """Stems of the words that carry meaning, and pairs of neighbouring ones."""
    meanings = [m for m in map(_meaning, words) if m[0]]
    found = [stemmed for stemmed, meaningful in meanings if meaningful]
    found.extend(f"{a} {b}" for (a, keep_a), (b, keep_b) in pairwise(meanings) if keep_a and keep_b)
    return found


def terms_and_evidence(words: Sequence[str]) -> tuple[list[str], int, int]:
    """``terms(words)`` and ``language.evidence(words)`` (English, Welsh function words) in one reading: for ingest."""
    found: list[str] = []
    english = welsh = 0
    previous, keep_previous = "", False
    get = _TOKEN_INFO.get
    for word in words:
        info = get(word) or _token_info(word)
        english += info[2]
        welsh += info[3]
        stemmed = info[0]
        if stemmed:
            keep = info[1]
            if keep:
                found.append(stemmed)
                if keep_previous:
                    found.append(f"{previous} {stemmed}")
            previous, keep_previous = stemmed, keep
    return found, english, welsh


_TOKEN_INFO: dict[str, tuple[str, bool, int, int]] = {}


def _token_info(word: str) -> tuple[str, bool, int, int]:
    """(stem, carries meaning, is an English function word, is a Welsh word) of a lower-case token, kept."""
    if len(_TOKEN_INFO) >= 200_000:  # bound the memory of a long-running process
        _TOKEN_INFO.clear()
    stemmed, meaningful = _meaning(word)
    welsh = word in WELSH
    info = _TOKEN_INFO[word] = (stemmed, meaningful, int(not welsh and word in ENGLISH), int(welsh))
    return info


def text_terms(text: str) -> list[str]:
    return terms(_WORD.findall(text))


def default_words(name: str) -> list[str]:
    """The built-in words for a service of this name ([] when no kind matches)."""
    lowered = name.lower()
    return [word for key, words in DEFAULT_WORDS.items() if key in lowered for word in words]


@dataclass(frozen=True)
class ServiceProfile:
    id: int
    name: str
    words: Sequence[str] = ()
    examples: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Route:
    service_id: int
    name: str
    score: float
    terms: tuple[str, ...]  # the terms that weighed most, strongest first


@dataclass
class Router:
    """A council's router, built from its services' profiles."""

    profiles: Sequence[ServiceProfile]
    min_score: float = MIN_SCORE
    weights: dict[str, list[tuple[int, float]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        bags: list[Counter[str]] = []
        for profile in self.profiles:
            bag: Counter[str] = Counter()
            for phrase in list(profile.words) or default_words(profile.name):
                for term in set(text_terms(phrase)):
                    bag[term] += WORD_WEIGHT
            for example in profile.examples:
                bag.update(set(text_terms(example)))
            bags.append(bag)
        vocabulary = set().union(*bags) if bags else set()
        size = max(1, len(vocabulary))
        totals = [sum(bag.values()) for bag in bags]
        every = Counter[str]()
        for bag in bags:
            every.update(bag)
        grand = sum(totals)
        for term in vocabulary:
            for n, bag in enumerate(bags):
                inside = (bag[term] + SMOOTHING) / (totals[n] + SMOOTHING * size)
                outside = (every[term] - bag[term] + SMOOTHING) / (grand - totals[n] + SMOOTHING * size)
                weight = math.log(inside / outside)
                if bag[term] and weight > 0:
                    self.weights.setdefault(term, []).append((n, weight))
        # The same weights as one matrix, a row per term (row 0 all zeros, for unknown terms), for batches.
        self._rows = {term: row for row, term in enumerate(self.weights, start=1)}
        self._matrix = np.zeros((len(self._rows) + 1, max(1, len(self.profiles))))
        for term, row in self._rows.items():
            for n, weight in self.weights[term]:
                self._matrix[row, n] = weight

    def route_terms(self, found: Iterable[str]) -> Route | None:
        scores: dict[int, float] = {}
        get = self.weights.get
        hits = [(term, weights) for term in set(found) if (weights := get(term))]
        for _, weights in hits:
            for n, weight in weights:
                scores[n] = scores.get(n, 0.0) + weight
        if not scores:
            return None
        best = max(scores, key=lambda n: (scores[n], -n))
        if scores[best] < self.min_score:
            return None
        parts = sorted(((w, term) for term, weights in hits for n, w in weights if n == best), reverse=True)
        profile = self.profiles[best]
        return Route(profile.id, profile.name, round(scores[best], 3), tuple(term for _, term in parts[:5]))

    def route_many(self, found: Sequence[Iterable[str]]) -> list[Route | None]:
        """``route_terms`` for a batch at once (one gather and one segmented sum in numpy), without the terms
        that weighed most (``Route.terms`` is empty): for ingest."""
        if not found:
            return []
        get = self._rows.get
        rows: list[int] = []
        starts: list[int] = []
        for terms_of_text in found:
            starts.append(len(rows))
            rows.extend({get(term, 0) for term in terms_of_text})  # each term once, as in route_terms
            rows.append(0)  # every text has a segment, even one without terms
        sums = np.add.reduceat(self._matrix[np.array(rows, dtype=np.intp)], np.array(starts, dtype=np.intp), axis=0)
        best = sums.argmax(axis=1)  # the first of equal scores: the lowest service, as in route_terms
        top = sums[np.arange(len(found)), best]
        routes: list[Route | None] = []
        for n, score in zip(best.tolist(), top.tolist(), strict=True):
            if score < self.min_score or score <= 0:
                routes.append(None)
            else:
                profile = self.profiles[n]
                routes.append(Route(profile.id, profile.name, round(score, 3), ()))
        return routes

    def route(self, text: str) -> Route | None:
        return self.route_terms(text_terms(text))
