"""Which of a council's services a message should go to, from each service's words and example messages.

Each service is a bag of terms: its words and phrases (weighing three times an example's), the
example messages people wrote or corrected, and, while a service has no words of its own, the
built-in words below for services of its kind (English and Welsh). A term is a word cut to a rough
stem ("potholes" -> "pothole") or a pair of neighbouring words ("council tax"). Each term weighs, for
each service, the log of how much likelier it is in that service's bag than in the others' (a
naive Bayes log-ratio, only where positive); a message goes to the service with the highest sum over
its terms, and to none when no service reaches ``MIN_SCORE``.

Building a router is a few milliseconds for a council's examples; routing a message is a dictionary
lookup per term.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from townsquare.classify.language import ENGLISH, WELSH, WELSH_FUNCTION

MIN_SCORE = 2.0
WORD_WEIGHT = 3
SMOOTHING = 1.0

# Key: a word in the service's name (lower case). Phrases may be several words.
DEFAULT_WORDS: dict[str, list[str]] = {
    "waste": [
        "bin",
        "bins",
        "wheelie bin",
        "recycling",
        "recycle",
        "rubbish",
        "refuse",
        "collection",
        "collected",
        "collect",
        "caddy",
        "food waste",
        "garden waste",
        "bulky waste",
        "tip",
        "recycling centre",
        "bin crew",
        "bin men",
        "lorry",
        "recycling box",
        "missed bin",
        "biniau",
        "min",
        "ailgylchu",
        "sbwriel",
        "gwastraff",
        "casglu",
        "casgliad",
        "gwastraff swmpus",
        "criw biniau",
        "canolfan ailgylchu",
        "lori",
        "bocs ailgylchu",
    ],
    "highway": [
        "pothole",
        "road",
        "roads",
        "pavement",
        "footpath",
        "streetlight",
        "street light",
        "lamp post",
        "gritting",
        "gritter",
        "drain",
        "drains",
        "flooding",
        "roadworks",
        "traffic lights",
        "resurfaced",
        "junction",
        "roundabout",
        "tyre",
        "bypass",
        "branches",
        "footway",
        "twll",
        "tyllau",
        "ffordd",
        "ffyrdd",
        "heol",
        "palmant",
        "golau'r stryd",
        "golau stryd",
        "draen",
        "gwaith ffordd",
        "llifogydd",
        "ffordd osgoi",
    ],
    "council tax": [
        "council tax",
        "single person discount",
        "direct debit",
        "bill",
        "summons",
        "arrears",
        "exemption",
        "council tax band",
        "treth gyngor",
        "nhreth",
        "dreth",
        "bil",
        "debyd uniongyrchol",
        "gostyngiad person sengl",
    ],
    "housing": [
        "housing",
        "council flat",
        "council house",
        "tenancy",
        "tenant",
        "landlord",
        "homeless",
        "repair",
        "repairs",
        "damp",
        "mould",
        "boiler",
        "leak",
        "ceiling",
        "housing register",
        "housing list",
        "evicted",
        "housing officer",
        "tai",
        "fflat",
        "tenantiaeth",
        "llwydni",
        "boeler",
        "digartref",
        "gofrestr tai",
        "atgyweiriad",
        "nenfwd",
        "gollwng",
        "adran dai",
        "swyddog tai",
    ],
    "planning": [
        "planning",
        "planning permission",
        "planning application",
        "application",
        "extension",
        "development",
        "conservation area",
        "listed building",
        "planning committee",
        "objection",
        "estate",
        "flats",
        "cynllunio",
        "caniatâd cynllunio",
        "ganiatâd",
        "estyniad",
        "datblygiad",
    ],
    "parking": [
        "parking",
        "parking permit",
        "permit",
        "parking ticket",
        "ticket",
        "fine",
        "fines",
        "penalty charge",
        "warden",
        "wardens",
        "double yellows",
        "pay and display",
        "car park",
        "dropped kerb",
        "enforcement officer",
        "towing",
        "parcio",
        "drwydded",
        "trwydded barcio",
        "docyn",
        "dirwy",
        "tâl cosb",
        "maes parcio",
        "barcio",
    ],
    "environmental": [
        "fly tipping",
        "fly-tipping",
        "dumped",
        "noise",
        "nuisance",
        "pest control",
        "rats",
        "mice",
        "wasps",
        "dog fouling",
        "food hygiene",
        "food poisoning",
        "takeaway",
        "cafe",
        "restaurant",
        "inspect",
        "smoke",
        "bonfire",
        "bonfires",
        "pollution",
        "air quality",
        "dead",
        "mattress",
        "tipio anghyfreithlon",
        "dympio",
        "sŵn",
        "llygod",
        "llygod mawr",
        "baw ci",
        "tecawê",
    ],
    "librar": [
        "library",
        "libraries",
        "books",
        "library card",
        "renew",
        "reserve",
        "rhyme time",
        "library computers",
        "llyfrgell",
        "llyfrgelloedd",
        "llyfrau",
    ],
    "leisure": [
        "leisure centre",
        "gym",
        "pool",
        "swimming",
        "swimming pool",
        "swim",
        "sports centre",
        "park",
        "play park",
        "playground",
        "swing",
        "tennis",
        "tennis courts",
        "pitch",
        "changing rooms",
        "activity clubs",
        "hamdden",
        "campfa",
        "pwll nofio",
        "nofio",
        "parc",
        "parc chwarae",
        "canolfan hamdden",
    ],
    "emergency": ["emergency", "flood warning", "sandbags", "evacuation", "power cut", "argyfwng"],
}

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

    def route(self, text: str) -> Route | None:
        return self.route_terms(text_terms(text))
