"""Why an item was classified as it was, read from what the classifier stored on it (``classification``).

The first pass stores only its answer (sentiment, categories, risk, language, service); the second pass,
which runs in the background, adds ``"second_pass": true``, the sentiment's three scores, the offensive
score and ``reasons``: the words that weigh most, each with what it points to, its weight and, where
known, its place in the text (``townsquare.classify.pipeline.Reason``). An officer's correction adds
``"corrected"``: the fields the officer set, which a later pass leaves as they are. Nothing here runs the
classifier: the page shows what is stored, so opening an item costs no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from townsquare.classify.language import LANGUAGE_NAMES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.inbox.models import ReceivedItem

CORRECTED = "corrected"  # the classification key naming the fields an officer corrected

CATEGORY_LABELS = {
    "complaint": "Complaint",
    "service_request": "Service request",
    "foi_request": "Freedom of information request",
    "sar_request": "Subject access request",
    "media_enquiry": "Media enquiry",
    "abuse_threat": "Abuse or threat",
    "safeguarding": "Safeguarding",
    "praise": "Praise",
    "political": "Political",
    "personal_data": "Personal data",
    "spam": "Spam",
}
FIELD_LABELS = {
    "sentiment": "sentiment",
    "categories": "categories",
    "risk": "risk",
    "language": "language",
    "service": "service",
}


@dataclass(frozen=True)
class ShownReason:
    text: str
    points_to: str  # in plain words
    weight: float


@dataclass(frozen=True)
class Why:
    """What the item page shows beside "Classified as"."""

    classified: bool  # any pass has run
    second_pass: bool
    reasons: list[ShownReason]
    scores: dict[str, int]  # sentiment -> per cent, from the second pass
    offensive: int | None  # per cent, from the second pass
    corrected: list[str]  # fields an officer set, in plain words
    suggested: list[tuple[str, str]]  # (field, what the classifier suggested) for each corrected field
    marked: SafeString  # the item's text, escaped, its reasons' words in <mark>
    category_names: list[str]  # the item's categories (as the officer left them, if corrected) in plain words
    language: str  # the item's language (as the officer left it, if corrected) in plain words


def points_to_words(points_to: str) -> str:
    """``"category:foi_request"`` as "Category: freedom of information request", and so on."""
    kind, _, value = points_to.partition(":")
    if kind == "sentiment" and value:
        return f"Sentiment: {value}"
    if kind == "offensive":
        return "Offensive or abusive wording"
    if kind == "category" and value:
        return f"Category: {category_names([value])[0]}"
    if kind == "service" and value:
        return f"Service: {value}"
    return points_to


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _percentages(stored: Any) -> dict[str, int]:
    """The sentiment's three scores (negative, neutral, positive) as per cent; none unless all three are numbers."""
    numbers = [_number(s) for s in stored] if isinstance(stored, list) else []
    if len(numbers) != len(SENTIMENTS) or None in numbers:
        return {}
    return {name: round(n * 100) for name, n in zip(SENTIMENTS, numbers, strict=True) if n is not None}


def _reasons(stored: Any) -> list[dict[str, Any]]:
    """The stored reasons that can be shown (a word and what it points to); anything malformed is left out."""
    if not isinstance(stored, list):
        return []
    return [
        r
        for r in stored
        if isinstance(r, dict) and isinstance(r.get("text"), str) and isinstance(r.get("points_to"), str)
    ]


def _spans(text: str, reasons: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The places of the reasons' words in the text, merged where they overlap; a place that is unknown
    (-1), out of the text, or no longer holds the word is left out."""
    spans = []
    for reason in reasons:
        start, end = reason.get("start"), reason.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            continue
        if text[start:end].lower() != reason["text"].lower():
            continue
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked_text(text: str, reasons: list[dict[str, Any]]) -> SafeString:
    """The text, every part escaped, the reasons' words whose place is known in <mark>, line breaks as <br>
    (as ``linebreaksbr`` shows the other messages of the thread)."""
    parts: list[str] = []
    at = 0
    for start, end in _spans(text, reasons):
        parts.append(escape(text[at:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    joined = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(joined.replace("\n", "<br>"))  # noqa: S308  (every part is escaped above)


def item_why(item: ReceivedItem) -> Why:
    stored = item.classification if isinstance(item.classification, dict) else {}
    reasons = _reasons(stored.get("reasons"))
    shown = [ShownReason(r["text"], points_to_words(r["points_to"]), _number(r.get("weight")) or 0.0) for r in reasons]
    offensive = _number(stored.get("offensive"))
    corrected_stored = stored.get(CORRECTED)
    corrected = [f for f in FIELD_LABELS if isinstance(corrected_stored, list) and f in corrected_stored]
    suggested = [(FIELD_LABELS[f], _suggestion(f, stored.get(f))) for f in corrected]
    return Why(
        classified=bool(stored),
        second_pass=stored.get("second_pass") is True,
        reasons=shown,
        scores=_percentages(stored.get("sentiment_scores")),
        offensive=round(offensive * 100) if offensive is not None else None,
        corrected=[FIELD_LABELS[f] for f in corrected],
        suggested=suggested,
        marked=marked_text(item.text, reasons),
        category_names=category_names(item.categories),
        language=language_name(item.language),
    )


def category_names(categories: Any) -> list[str]:
    """Category codes in plain words, lower case ("freedom of information request")."""
    if not isinstance(categories, list):
        return []
    return [CATEGORY_LABELS.get(str(c), str(c).replace("_", " ")).lower() for c in categories]


def language_name(code: Any) -> str:
    """A language code in plain words: "Welsh" for "cy"; the code itself for one not on the list."""
    if not code or code == "und":
        return "not known"
    return LANGUAGE_NAMES.get(str(code), str(code))


def _suggestion(field: str, value: Any) -> str:
    """What the classifier stored for a field, in plain words."""
    if field == "categories":
        return ", ".join(category_names(value)) or "none"
    if field == "service":
        return str(value) if value else "no service"
    if field == "language":
        return language_name(value)
    return str(value) if value else "nothing"
