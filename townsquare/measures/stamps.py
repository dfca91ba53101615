"""The version of a council's summaries: raised with every change to them (same transaction), read by
pages that keep what they computed from the summaries under it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from townsquare.measures.models import SummaryStamp


def stamp_raise(*, council_ids: Iterable[int]) -> None:
    for council_id in sorted(set(council_ids)):
        if not SummaryStamp.objects.filter(council_id=council_id).update(version=F("version") + 1):
            SummaryStamp.objects.get_or_create(council_id=council_id, defaults={"version": 1})


def stamp_of(council_id: int) -> int:
    return SummaryStamp.objects.filter(council_id=council_id).values_list("version", flat=True).first() or 0
