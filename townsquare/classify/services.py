"""The classifier's service API, and the writes that teach it (routing words, examples, corrections).

The inbox calls ``classify_texts`` at ingest (the first pass, tens of thousands of messages a second
on one core) and ``classify_texts_second_pass`` in the background, whose answer replaces the first
pass's. A person correcting a suggestion calls ``classification_correct``: the correction is kept
for retraining and, for a service, becomes one of that service's examples at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from townsquare.audit.services import audit_record
from townsquare.classify.categories import CATEGORIES, RISKS
from townsquare.classify.models import ClassificationCorrection, RoutingExample, ServiceRouting
from townsquare.classify.pipeline import SENTIMENTS, Classification, first_pass, second_pass
from townsquare.classify.selectors import council_router
from townsquare.councils.models import Council, Service

if TYPE_CHECKING:
    from townsquare.accounts.models import User

MAX_TEXT = 4000


def classify_texts(texts: Sequence[str], council: Council | None = None) -> list[Classification]:
    """First pass over a batch: one Classification per text, in order; ``service`` from the council's services."""
    return first_pass(texts, council_router(council) if council is not None else None)


def classify_texts_second_pass(texts: Sequence[str], council: Council | None = None) -> list[Classification]:
    """Second pass (background): the better answer, with reasons (the words that weigh most)."""
    return second_pass(texts, council_router(council) if council is not None else None)


def classify_text(text: str, council: Council | None = None, *, second_pass: bool = True) -> Classification:
    """One text (the policy checks, a page): the second pass unless asked otherwise."""
    run = classify_texts_second_pass if second_pass else classify_texts
    return run([text], council)[0]


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("The message text is empty.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The message text is longer than {MAX_TEXT} characters.")
    return text


def _clean_correction(field: str, corrected: Any, council: Council) -> tuple[Any, Service | None]:
    if field == ClassificationCorrection.Field.SENTIMENT:
        if corrected not in SENTIMENTS:
            raise ValidationError(f"Sentiment must be one of {', '.join(SENTIMENTS)}.")
    elif field == ClassificationCorrection.Field.CATEGORIES:
        if not isinstance(corrected, list | tuple) or any(c not in CATEGORIES for c in corrected):
            raise ValidationError(f"Categories must be a list of: {', '.join(CATEGORIES)}.")
        corrected = [c for c in CATEGORIES if c in corrected]
    elif field == ClassificationCorrection.Field.RISK:
        if corrected not in RISKS:
            raise ValidationError(f"Risk must be one of {', '.join(RISKS)}.")
    elif field == ClassificationCorrection.Field.LANGUAGE:
        if not (isinstance(corrected, str) and len(corrected) == 2 and corrected.isalpha() and corrected.islower()):
            raise ValidationError("Language must be a two-letter ISO 639-1 code, like en or cy.")
    elif field == ClassificationCorrection.Field.SERVICE:
        if corrected is None:
            return None, None
        service = Service.objects.filter(council=council, pk=corrected).first()
        if service is None:
            raise ValidationError("That service is not one of this council's.")
        return service.pk, service
    else:
        raise ValidationError(f"Unknown field {field!r}: one of {', '.join(ClassificationCorrection.Field.values)}.")
    return corrected, None


def classification_correct(
    *, actor: User | None, council: Council, text: str, field: str, suggested: Any, corrected: Any
) -> ClassificationCorrection:
    """Record an officer's correction of one suggestion (for a service: the service's id, or None for none).

    Bad input raises ValidationError and records nothing. A service correction also adds the text to
    that service's examples, so the council's router learns it at once.
    """
    text = _clean_text(text)
    corrected, service = _clean_correction(field, corrected, council)
    with transaction.atomic():
        correction = ClassificationCorrection.objects.create(
            council=council,
            text=text,
            field=field,
            suggested=suggested,
            corrected=corrected,
            service=service,
            corrected_by=actor,
        )
        if service is not None:
            RoutingExample.objects.create(
                service=service, text=text, source=RoutingExample.Source.CORRECTION, created_by=actor
            )
        audit_record(
            actor=actor,
            council=council,
            action="classification.corrected",
            obj=correction,
            before={"field": field, "value": suggested},
            after={"field": field, "value": corrected},
        )
    return correction


def routing_words_set(*, actor: User | None, service: Service, words: Sequence[str]) -> ServiceRouting:
    """Replace a service's routing words (one word or phrase each; blanks dropped)."""
    cleaned = [w.strip() for w in words if w.strip()]
    if any(len(w) > 100 for w in cleaned):
        raise ValidationError("A routing word or phrase must be at most 100 characters.")
    with transaction.atomic():
        routing, _ = ServiceRouting.objects.select_for_update().get_or_create(service=service)
        before = routing.word_list()
        routing.words = "\n".join(cleaned)
        routing.save()
        audit_record(
            actor=actor,
            council=service.council,
            action="classify.routing_words_set",
            obj=routing,
            before={"service": service.name, "words": before},
            after={"service": service.name, "words": cleaned},
        )
    return routing


def routing_example_add(*, actor: User | None, service: Service, text: str) -> RoutingExample:
    """Add an example message to a service."""
    text = _clean_text(text)
    with transaction.atomic():
        example = RoutingExample.objects.create(service=service, text=text, created_by=actor)
        audit_record(
            actor=actor,
            council=service.council,
            action="classify.routing_example_added",
            obj=example,
            after={"service": service.name, "text": text},
        )
    return example
