"""The version of a council's summaries: changed with every change to them (same transaction), read
by pages that keep what they computed from the summaries under it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from townsquare.measures.models import SummaryStamp


def stamp_raise(*, council_ids: Iterable[int]) -> None:
    for council_id in sorted(set(council_ids)):
        SummaryStamp.objects.update_or_create(council_id=council_id, defaults={"version": uuid.uuid4().hex})


def stamp_of(council_id: int) -> str:
    """The council's summary version; empty when none was ever written (nothing to keep then)."""
    return SummaryStamp.objects.filter(council_id=council_id).values_list("version", flat=True).first() or ""
