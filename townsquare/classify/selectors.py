"""Reads for classification: a council's router (cached until its services, words or examples change),
and corrections for retraining."""

from __future__ import annotations

from typing import Any

from django.db import connection

from townsquare.classify.models import ClassificationCorrection, RoutingExample, ServiceRouting
from townsquare.classify.routing import Router, ServiceProfile
from townsquare.councils.models import Council, Service

_ROUTERS: dict[int, tuple[tuple[Any, ...], Router]] = {}


_SERVICES = Service._meta.db_table
_OF_COUNCIL = f"JOIN {_SERVICES} s ON s.id = r.service_id WHERE s.council_id = %s"
# Names are the models' own; values are bound. One statement, read before every batch the ingest classifies.
_VERSION = (
    f"SELECT (SELECT COUNT(*) FROM {_SERVICES} WHERE council_id = %s), "  # noqa: S608
    f"(SELECT MAX(id) FROM {_SERVICES} WHERE council_id = %s), "
    f"(SELECT COUNT(*) FROM {ServiceRouting._meta.db_table} r {_OF_COUNCIL}), "
    f"(SELECT MAX(r.updated_at) FROM {ServiceRouting._meta.db_table} r {_OF_COUNCIL}), "
    f"(SELECT COUNT(*) FROM {RoutingExample._meta.db_table} r {_OF_COUNCIL}), "
    f"(SELECT MAX(r.id) FROM {RoutingExample._meta.db_table} r {_OF_COUNCIL})"
)


def _version(council: Council) -> tuple[Any, ...]:
    """Changes whenever a service, its words or its examples are added, changed or removed: how many
    there are of each, the newest service and example and the latest change of words."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION, [council.pk] * 6)
        return tuple(cursor.fetchone() or ())


def service_profiles(council: Council) -> list[ServiceProfile]:
    """Each service of the council with its routing words and examples."""
    words = {r.service_id: r.word_list() for r in ServiceRouting.objects.filter(service__council=council)}
    examples: dict[int, list[str]] = {}
    for service_id, text in RoutingExample.objects.filter(service__council=council).values_list("service_id", "text"):
        examples.setdefault(service_id, []).append(text)
    return [
        ServiceProfile(s.pk, s.name, words.get(s.pk, ()), examples.get(s.pk, ()))
        for s in Service.objects.filter(council=council).order_by("name", "id")
    ]


def council_router(council: Council) -> Router:
    """The council's router, rebuilt when its routing data has changed since it was last built."""
    version = _version(council)
    cached = _ROUTERS.get(council.pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    router = Router(service_profiles(council))
    _ROUTERS[council.pk] = (version, router)
    return router


def corrections_for_training(council: Council | None = None, field: str | None = None) -> list[dict[str, Any]]:
    """Corrections as rows for a training script: text, field, suggested, corrected, council slug."""
    rows = ClassificationCorrection.objects.select_related("council").order_by("created_at", "id")
    if council is not None:
        rows = rows.filter(council=council)
    if field is not None:
        rows = rows.filter(field=field)
    return [
        {
            "council": c.council.slug,
            "text": c.text,
            "field": c.field,
            "suggested": c.suggested,
            "corrected": c.corrected,
        }
        for c in rows
    ]
