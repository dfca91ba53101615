"""Council categories and risk: wording rules in English and Welsh, with the trained models' scores.

The legal and urgent categories (safeguarding, threats, FOI, subject access, media enquiries) are
found by phrases a person would use, in both languages: missing one is worse than a false alarm, and
a few hundred labelled council messages are too few to learn them from. The phrases were written from
the train split of data/classify/council_messages/ and checked on its validation split
(docs/classifiers.md). Abuse also comes from the offensive model; complaints and praise need the
sentiment model's agreement as well as a cue.

"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from townsquare.classify.cues import CUES as _CUES
from townsquare.classify.language import word_set

CATEGORIES = (
    "complaint",
    "service_request",
    "foi_request",
    "sar_request",
    "media_enquiry",
    "abuse_threat",
    "safeguarding",
    "praise",
    "political",
    "personal_data",
    "spam",
)
RISKS = ("low", "medium", "high", "urgent")

# The offensive score (0..1) from which a message counts as abuse. Chosen on the train split of the
# council messages: blunt complaints ("Pathetic. Absolutely pathetic response", "it's vile") score up to
# about 0.7 on models trained on tweets; lower, most complaints would be flagged as abuse.
ABUSE_THRESHOLD = 0.75

# Each phrase is compiled on its own and indexed by the words written in it (three letters or more, and
# not among the commonest): the first pass tries a phrase only on a text with a token holding one of its
# words, so a text is not read once per phrase. Phrases without such a word (numbers, e-mail addresses,
# emoji) are tried on texts with a digit, an @ or the emoji. The second pass tries every phrase.
_PHRASES = [(name, re.compile(phrase, re.IGNORECASE)) for name, phrases in _CUES.items() for phrase in phrases]
_ESCAPES = re.compile(r"\\\w|\(\?(?:<?[=!]|[-a-zA-Z]*:)|\{\d*,?\d*\}")
_ANCHOR = re.compile(r"[^\W\d_][^\W\d_']*")


# Words too common to say anything: a phrase is indexed by its other words.
_COMMON = word_set(
    """
the and for you are was his her him its our own not any has have can all out who how what why with from this that
they them their about then than will would could should been being
"""
)


def _anchors(phrase: str) -> set[str]:
    """The words written in a phrase, lower case, without apostrophes, optional last letters dropped."""
    plain = re.sub(r"\w\?|'\??", "", _ESCAPES.sub(" ", phrase))
    every = {word.lower() for word in _ANCHOR.findall(plain)}
    words = {word for word in every if len(word) >= 3}
    return words - _COMMON or words or {word for word in every if len(word) >= 2}


_ANCHORS: list[tuple[str, int]] = []
_ALWAYS: list[tuple[re.Pattern[str], int]] = []  # (what the text must contain for the phrase to be tried, phrase)
for _index, (_name, _compiled) in enumerate(_PHRASES):
    _words = _anchors(_compiled.pattern)
    if not _words:
        _needs = r"\d" if r"\d" in _compiled.pattern else "@" if "@" in _compiled.pattern else _compiled.pattern
        _ALWAYS.append((re.compile(_needs), _index))
    for _word in _words:
        _ANCHORS.append((_word, _index))


@lru_cache(maxsize=100_000)
def _triggers(token: str) -> frozenset[int]:
    """The phrases a token (lower case) may be part of: those with a word found in it (Welsh mutates a word's
    start, "diwerth" in "ddiwerth"). Worked out once per token and kept."""
    token = token.replace("'", "")
    return frozenset(index for word, index in _ANCHORS if word in token)


def cue_names(text: str, tokens: Iterable[str]) -> set[str]:
    """The cues found in ``text``, given its tokens in lower case (as townsquare.classify.linear gives them)."""
    tried: set[int] = set()
    for token in tokens:
        tried.update(_triggers(token))
    found = {_PHRASES[i][0] for i in tried if _PHRASES[i][1].search(text)}
    for needs, i in _ALWAYS:
        if needs.search(text) and _PHRASES[i][1].search(text):
            found.add(_PHRASES[i][0])
    return found


def cues(text: str) -> dict[str, list[tuple[int, int]]]:
    """Cue name -> the places its phrases were found in ``text`` (every phrase tried: for explanations)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for name, compiled in _PHRASES:
        for match in compiled.finditer(text):
            found.setdefault(name, []).append(match.span())
    return found


def decide(found: Iterable[str], sentiment: str, offensive: bool) -> tuple[list[str], str]:
    """The categories (in CATEGORIES order) and the risk, from the cues found and the models' answers."""
    seen = set(found)
    chosen: set[str] = {name for name in seen if name in CATEGORIES}
    if "threat" in seen or "abuse" in seen or offensive:
        chosen.add("abuse_threat")
    if sentiment == "negative" and "complain" in seen and not chosen & {"safeguarding", "abuse_threat", "spam"}:
        chosen.add("complaint")
    if "praise_cue" in seen and sentiment == "positive" and "spam" not in chosen:
        chosen.add("praise")
    categories = [name for name in CATEGORIES if name in chosen]
    return categories, risk_of(categories, threat="threat" in seen)


def risk_of(categories: Iterable[str], *, threat: bool) -> str:
    """Urgent: safeguarding or a threat. High: abuse, a media enquiry (deadlines in hours). Medium: statutory
    requests (FOI 20 working days, subject access one month), personal data in public, complaints,
    political content. Low: the rest."""
    chosen = set(categories)
    if "safeguarding" in chosen or ("abuse_threat" in chosen and threat):
        return "urgent"
    if chosen & {"abuse_threat", "media_enquiry"}:
        return "high"
    if chosen & {"foi_request", "sar_request", "personal_data", "complaint", "political"}:
        return "medium"
    return "low"
