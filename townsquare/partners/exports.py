"""Downloads of the combined pages: CSV with each row's council named first."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from townsquare.channels.csv_io import COLUMNS, channel_row, safe_cell
from townsquare.partners.sections import CouncilRow


def csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def shortfalls_csv(items: list[CouncilRow]) -> str:
    """The rationalisation list of several councils: the register's columns after the council's name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["council", *COLUMNS, "failing_standards"])
    for row in items:
        writer.writerow(
            [safe_cell(row.council.name), *channel_row(row.item.channel), safe_cell("; ".join(row.item.reasons))]
        )
    return out.getvalue()
