"""An officer correcting what the classifier suggested for an item: its sentiment, categories, risk, language
and the service it is routed to.

The item takes the officer's values at once; each field changed is also kept as a correction for
retraining (``classification_correct``: a service correction becomes one of that service's example
messages, so the next message like it is routed there), and the item's ``classification`` names the
fields corrected (``"corrected"``), so a later pass of the classifier leaves them as the officer set them.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.classify.categories import CATEGORIES, RISKS
from townsquare.classify.language import LANGUAGE_NAMES
from townsquare.classify.pipeline import SENTIMENTS
from townsquare.classify.services import MAX_TEXT, classification_correct
from townsquare.councils.models import Service
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.urgent import urgent_stage
from townsquare.inbox.why import CORRECTED
from townsquare.measures.inbox_live import inbox_measures_follow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from townsquare.accounts.models import User

FIELDS = ("sentiment", "categories", "risk", "language", "service")
CHOICES = {
    "sentiment": (SENTIMENTS, "Choose the sentiment: negative, neutral or positive."),
    "risk": (RISKS, "Choose the risk: low, medium, high or urgent."),
    "language": (tuple(LANGUAGE_NAMES), "Choose the language from the list."),
}


class Keep(Enum):
    """The service left as it is (None is a correction of its own: no service)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _categories(values: Sequence[str]) -> list[str]:
    """In the classifier's order, each once, so two lists with the same categories compare equal."""
    return [c for c in CATEGORIES if c in values]


def _wanted(
    item: ReceivedItem,
    sentiment: str | None,
    categories: Sequence[str] | None,
    risk: str | None,
    language: str | None,
    service: int | Literal[Keep.KEEP] | None,
) -> dict[str, Any]:
    """The fields given, checked; every problem at once, by field, so a form can show each beside its field."""
    wanted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in (("sentiment", sentiment), ("risk", risk), ("language", language)):
        if value is None:
            continue
        allowed, problem = CHOICES[name]
        if value in allowed:
            wanted[name] = value
        else:
            errors[name] = problem
    if categories is not None:
        unknown = [str(c) for c in categories if c not in CATEGORIES]
        if unknown:
            errors["categories"] = f"“{unknown[0]}” is not one of the categories: choose from the list."
        else:
            wanted["categories"] = _categories(categories)
    if service is not KEEP:
        if service is None or Service.objects.filter(council_id=item.council_id, pk=service).exists():
            wanted["service"] = service
        else:
            errors["service"] = "Choose one of this council's services, or no service."
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    if not wanted:
        raise ValidationError("Nothing to correct: change the sentiment, categories, risk, language or service first.")
    return wanted


def _had(item: ReceivedItem) -> dict[str, Any]:
    return {
        "sentiment": item.sentiment,
        "categories": _categories(item.categories or []),
        "risk": item.risk,
        "language": item.language,
        "service": item.service_id,
    }


def item_classification_correct(
    *,
    actor: User | None,
    item: ReceivedItem,
    sentiment: str | None = None,
    categories: Sequence[str] | None = None,
    risk: str | None = None,
    language: str | None = None,
    service: int | Literal[Keep.KEEP] | None = KEEP,
) -> list[str]:
    """Set the fields given (None, or ``KEEP`` for the service: left as they are) and return the names of
    those that changed; a field given its present value is no change.

    Bad input raises ValidationError (a message by field) and changes nothing. In one transaction: the
    item's fields, a correction kept for each field changed (what the item had is the suggestion), the
    inbox's monthly summaries moved (the sentiment and service are counted there), the urgent queue joined
    (with its alert) if the item has become urgent, and one audit event.
    An item without text has nothing to learn from: its fields change, but no correction is kept.
    """
    wanted = _wanted(item, sentiment, categories, risk, language, service)
    with transaction.atomic(), inbox_measures_follow(item_ids=[item.pk]):
        # What the item has now, read under the lock the summaries took: the classifier's second pass
        # may have written since the officer opened the page, and its answer is what is being corrected.
        item.refresh_from_db(fields=["sentiment", "categories", "risk", "language", "service", "classification"])
        had = _had(item)
        changed = {name: value for name, value in wanted.items() if value != had[name]}
        if not changed:
            return []
        text = item.text.strip()[:MAX_TEXT]
        for name, value in changed.items():
            if text:
                classification_correct(
                    actor=actor, council=item.council, text=text, field=name, suggested=had[name], corrected=value
                )
            setattr(item, "service_id" if name == "service" else name, value)
        stored = dict(item.classification) if isinstance(item.classification, dict) else {}
        before = stored.get(CORRECTED)
        earlier = before if isinstance(before, list) else []
        stored[CORRECTED] = [name for name in FIELDS if name in earlier or name in changed]
        item.classification = stored
        # ``updated_at`` is left alone: it is when the item's status or assignment last changed, which the
        # monthly summaries read as the moment a resolved item was resolved.
        item.save(update_fields=["sentiment", "categories", "risk", "language", "service", "classification"])
        if "risk" in changed or "categories" in changed:
            # An item an officer finds urgent (a safeguarding disclosure, a threat) joins the urgent queue and
            # alerts whoever is on call, as one classified so at ingest does; one already queued stays as it is.
            urgent_stage(item.council, [item])
        audit_record(
            actor=actor,
            council=item.council,
            action="inbox.classification_corrected",
            obj=item,
            before={name: had[name] for name in changed},
            after=changed,
        )
    return list(changed)
