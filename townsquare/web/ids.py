"""Record ids typed or sent by people: parsed once, here, and never passed to the database out of range.

A number past the database's integer range (``99999999999999999999``) made SQLite raise
``OverflowError`` and PostgreSQL a ``DataError`` inside ``pk__in`` queries: a 500 page. Django
already turns an out-of-range ``pk=`` into "no such row"; ``IntegerFieldIn`` does the same for
``pk__in``, so a form or filter that lists ids simply finds nothing for such a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In

MAX_ID = 2**63 - 1  # BigAutoField, the project's primary key


def parse_id(value: object) -> int | None:
    """The id written in ``value`` (ASCII digits, 1 to MAX_ID), or None for anything else."""
    text = str(value).strip() if value is not None else ""
    # str.isdigit() accepts superscripts and other scripts' digits that int() refuses.
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: Iterable[object]) -> list[int] | None:
    """Every id in ``values``, or None if any of them is not an id."""
    parsed = [parse_id(v) for v in values]
    return None if any(p is None for p in parsed) else [p for p in parsed if p is not None]


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``__in`` on an integer column leaves out values the column cannot hold, as ``exact`` does."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                v
                for v in self.rhs
                if not isinstance(v, int) or ((low is None or v >= low) and (high is None or v <= high))
            ]
        return super().process_rhs(compiler, connection)
