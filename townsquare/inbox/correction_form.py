"""The item page's correction form: reading what an officer sent, and what the page needs to show the form
and why the item was classified as it was.

The form sends, beside each field, the value the page showed (``shown_<field>``): a field counts as
corrected only where the officer changed it, so a correction of the service never turns back a sentiment
that the classifier's second pass set after the page was opened.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from townsquare.classify.categories import RISKS
from townsquare.classify.language import LANGUAGE_NAMES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.inbox.corrections import KEEP
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.why import CATEGORY_LABELS, item_why

ANCHORS = {
    "sentiment": "correct-sentiment",
    "categories": "correct-categories",
    "risk": "correct-risk",
    "language": "correct-language",
    "service": "correct-service",
}
NAMES = ("sentiment", "categories", "risk", "language", "service")


def _shown(item: ReceivedItem) -> dict[str, Any]:
    return {
        "sentiment": item.sentiment,
        "categories": [str(c) for c in item.categories or []],
        "risk": item.risk,
        "language": item.language,
        "service": str(item.service_id or ""),
    }


def correction_read(post: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form as sent, the values the page showed when it was opened)."""
    sent = {
        "sentiment": post.get("sentiment", ""),
        "categories": post.getlist("categories"),
        "risk": post.get("risk", ""),
        "language": post.get("language", ""),
        "service": post.get("service", ""),
    }
    shown = {
        "sentiment": post.get("shown_sentiment", ""),
        "categories": [c for c in post.get("shown_categories", "").split(",") if c],
        "risk": post.get("shown_risk", ""),
        "language": post.get("shown_language", ""),
        "service": post.get("shown_service", ""),
    }
    return sent, shown


def correction_changes(sent: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    """The arguments of ``item_classification_correct``: the fields the officer changed."""
    changes: dict[str, Any] = {}
    for name in ("sentiment", "risk", "language"):
        if sent[name] and sent[name] != shown[name]:
            changes[name] = sent[name]
    if set(sent["categories"]) != set(shown["categories"]):
        changes["categories"] = sent["categories"]
    if sent["service"] != shown["service"]:
        value = sent["service"]
        if value and not (value.isdigit() and len(value) < 12):
            raise ValidationError({"service": ["Choose one of this council's services, or no service."]})
        changes["service"] = int(value) if value else None
    else:
        changes["service"] = KEEP
    return changes


def correction_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each problem with the field it belongs to, for the error summary's links and the fields' messages."""
    by_field: dict[str, list[str]] = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    return [
        {"field": name, "anchor": ANCHORS.get(name, ANCHORS["sentiment"]), "message": message}
        for name in [*NAMES, NON_FIELD_ERRORS]
        for message in by_field.get(name, [])
    ]


def language_choices(current: str) -> list[tuple[str, str]]:
    """The languages to choose from, by name, English and Welsh first; an item's own language that is not
    on the list (one the platform gave, or none known) is offered too, so the form can show it."""
    choices = list(LANGUAGE_NAMES.items())
    choices[2:] = sorted(choices[2:], key=lambda choice: choice[1])
    if current in ("", "und"):
        choices.insert(0, (current, "Not known"))
    elif current not in LANGUAGE_NAMES:
        choices.append((current, f"Other ({current})"))
    return choices


def correction_context(item: ReceivedItem, correcting: dict[str, Any] | None) -> dict[str, Any]:
    """What the item page needs for "Why" and the correction form (as sent, with its problems, when it was
    sent and refused; else the item's values)."""
    errors = correcting["errors"] if correcting else []
    return {
        "why": item_why(item),
        "correction": correcting["sent"] if correcting else _shown(item),
        "correction_shown": correcting["shown"] if correcting else _shown(item),
        "correction_errors": errors,
        "correction_field_errors": {e["field"]: e["message"] for e in reversed(errors)},
        "sentiments": [(s, s.capitalize()) for s in SENTIMENTS],
        "risks": [(r, r.capitalize()) for r in RISKS],
        "category_choices": list(CATEGORY_LABELS.items()),
        "correction_languages": language_choices(item.language),
    }
