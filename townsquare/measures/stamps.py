"""The version of a council's summaries: changed with every change to them (same transaction), read
by pages that keep what they computed from the summaries under it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection

from townsquare.measures.models import SummaryStamp

# Names are the model's own; values are bound. One statement for every council, made or moved.
RAISE = (
    f"INSERT INTO {SummaryStamp._meta.db_table} (council_id, version) VALUES (%s, %s) "  # noqa: S608
    "ON CONFLICT (council_id) DO UPDATE SET version = excluded.version"
)


def stamp_raise(*, council_ids: Iterable[int]) -> None:
    rows = [(council_id, uuid.uuid4().hex) for council_id in sorted(set(council_ids))]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(RAISE, rows)


def stamp_of(council_id: int) -> str:
    """The council's summary version; empty when none was ever written (nothing to keep then)."""
    return SummaryStamp.objects.filter(council_id=council_id).values_list("version", flat=True).first() or ""
