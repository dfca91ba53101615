from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from townsquare.audit.chain import chain_of, head_value
from townsquare.audit.selectors import audit_actions, audit_events_for, audit_to_csv
from townsquare.audit.services import audit_chain_heads
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm

DATE_FIELDS = {"since": "From", "until": "To"}


def _date_errors(filters: dict[str, str]) -> dict[str, str]:
    """A date filter that is not a real date is named, never silently dropped (the list would mislead)."""
    errors: dict[str, str] = {}
    days: dict[str, dt.date] = {}
    for key, label in DATE_FIELDS.items():
        if filters[key]:
            try:
                days[key] = dt.date.fromisoformat(filters[key])
            except ValueError:
                errors[key] = f"{label} must be a real date written as YYYY-MM-DD, for example 2026-03-31."
    if "since" in days and "until" in days and days["since"] > days["until"]:
        errors["until"] = "To must be the same as or after From."
    return errors


@council_view(Perm.VIEW_AUDIT)
def audit_trail(request: HttpRequest, council: Council) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("action", "actor", "since", "until")}
    errors = _date_errors(filters)
    events = audit_events_for(council=council, **filters)
    if errors:
        events = events.none()
        if request.GET.get("format") == "csv":
            return HttpResponse(" ".join(errors.values()), status=400, content_type="text/plain; charset=utf-8")
    if request.GET.get("format") == "csv":
        response = HttpResponse(audit_to_csv(events.iterator(chunk_size=1000)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{council.slug}-audit-{timezone.localdate()}.csv"'
        return response
    heads = audit_chain_heads(chains=[chain_of(council.pk)])
    if request.GET.get("format") == "head":
        response = HttpResponse(head_value(heads) + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{council.slug}-audit-head-{timezone.localdate()}.txt"'
        return response
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "page": page,
            "filters": filters,
            "actions": audit_actions(council=council),
            "query": query.urlencode(),
            "head": next(iter(heads.values()), None),
            "head_value": head_value(heads) if heads else "",
            "errors": errors,
            "error_items": [{"text": text, "href": f"#{key}"} for key, text in errors.items()],
        },
    )
