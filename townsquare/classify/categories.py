"""Council categories and risk: wording rules in English and Welsh, with the trained models' scores.

The legal and urgent categories (safeguarding, threats, FOI, subject access, media enquiries) are
found by phrases a person would use, in both languages: missing one is worse than a false alarm, and
a few hundred labelled council messages are too few to learn them from. The phrases were written from
the train split of data/classify/council_messages/ and checked on its validation split
(docs/classifiers.md). Abuse also comes from the offensive model; complaints and praise need the
sentiment model's agreement as well as a cue.

"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

import hyperscan
from django.conf import settings

from townsquare.classify.cues import CUES as _CUES

log = logging.getLogger(__name__)

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
# The same for the second pass's offensive score (townsquare.classify.stacked), chosen the same way: with the
# profanity model among its inputs, "Why has my food waste caddy been ignored for a fortnight? It stinks"
# scores 0.79, and 0.8 keeps the flagged train-split messages to those 0.75 flagged before.
SECOND_PASS_ABUSE_THRESHOLD = 0.8

# Every phrase is compiled on its own (Python's re, the exact test), and all of them into one hyperscan
# (Vectorscan) database in prefilter mode, which may report a phrase that does not match but never
# misses one that does: the first pass reads a text once for all the phrases, then tries with re only
# the few phrases hyperscan reported.
_PHRASES = [(name, re.compile(phrase, re.IGNORECASE)) for name, phrases in _CUES.items() for phrase in phrases]
_PREFILTER = (
    hyperscan.HS_FLAG_CASELESS
    | hyperscan.HS_FLAG_PREFILTER
    | hyperscan.HS_FLAG_UTF8
    | hyperscan.HS_FLAG_UCP
    | hyperscan.HS_FLAG_SINGLEMATCH
    | hyperscan.HS_FLAG_ALLOWEMPTY
)


def _compile() -> hyperscan.Database:
    database = hyperscan.Database()
    database.compile(
        expressions=[compiled.pattern.encode("utf-8") for _, compiled in _PHRASES],
        ids=list(range(len(_PHRASES))),
        flags=[_PREFILTER] * len(_PHRASES),
    )
    return database


@functools.cache
def _database() -> hyperscan.Database:
    """The phrases' database, compiled once (about ten seconds) and kept in ``VAR_DIR/cache`` under the
    hash of the phrases, the flags and hyperscan's version, so other processes load it in milliseconds."""
    key = hashlib.sha256(json.dumps([[c.pattern for _, c in _PHRASES], _PREFILTER, _VERSION]).encode()).hexdigest()[:20]
    path = Path(settings.VAR_DIR) / "cache" / f"categories-{key}.hsdb"
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):
        pass
    database = _compile()
    try:  # a half-written file is never read: it is written beside and renamed into place
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(hyperscan.dumpb(database))
        partial.replace(path)
    except OSError:
        log.warning("The category phrases' compiled database could not be kept at %s.", path)
    return database


_VERSION = importlib.metadata.version("hyperscan")
_SCRATCH = threading.local()  # hyperscan's scratch space serves one scan at a time: one per thread


def _reported(text: str) -> list[int]:
    """The phrases hyperscan reports for ``text``: every phrase that matches, and perhaps a few that do not."""
    database = _database()
    scratch = getattr(_SCRATCH, "space", None)
    if scratch is None:
        scratch = _SCRATCH.space = hyperscan.Scratch(database)
    reported: list[int] = []
    database.scan(
        text.encode("utf-8", "replace"),
        match_event_handler=lambda index, _start, _end, _flags, _context: reported.append(index),
        scratch=scratch,
    )
    return reported


def cue_names(text: str, tokens: Iterable[str] = ()) -> set[str]:
    """The cues found in ``text`` (``tokens`` is not needed; kept for callers that pass it)."""
    return {_PHRASES[i][0] for i in _reported(text) if _PHRASES[i][1].search(text)}


def cues(text: str) -> dict[str, list[tuple[int, int]]]:
    """Cue name -> the places its phrases were found in ``text`` (for explanations)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for i in sorted(_reported(text)):
        name, compiled = _PHRASES[i]
        for match in compiled.finditer(text):
            found.setdefault(name, []).append(match.span())
    return found


def cues_every_phrase(text: str) -> dict[str, list[tuple[int, int]]]:
    """``cues(text)`` with every phrase tried by re, no prefilter: what the tests compare ``cues`` with."""
    found: dict[str, list[tuple[int, int]]] = {}
    for name, compiled in _PHRASES:
        for match in compiled.finditer(text):
            found.setdefault(name, []).append(match.span())
    return found


def decide(found: Iterable[str], sentiment: str, offensive: bool) -> tuple[list[str], str]:
    """The categories (in CATEGORIES order) and the risk, from the cues found and the models' answers."""
    seen = set(found)
    if not seen and not offensive:
        return [], "low"
    chosen: set[str] = {name for name in seen if name in CATEGORIES}
    if "threat" in seen or "abuse" in seen or offensive:
        chosen.add("abuse_threat")
    # "again", "still": a complaint's words unless the message asks when a service resumes or whether it runs.
    complaining = "complain" in seen or ("complain_weak" in seen and "resumption" not in seen)
    if sentiment == "negative" and complaining and not chosen & {"safeguarding", "abuse_threat", "spam"}:
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
