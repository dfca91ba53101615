"""The Measures Dashboard: a council's accounts' figures by month, with a period comparison, read
by councillors and the communications team alike (never typed in: figures come from snapshots and
imports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString

from townsquare.channels.models import Platform
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.measures.comparisons import KINDS
from townsquare.measures.dashboard import REGISTER_SECONDS as PAGE_SECONDS
from townsquare.measures.dashboard import dashboard_body, dashboard_metrics, page_key
from townsquare.measures.engagement import TARGET_LABEL
from townsquare.measures.importing import (
    FIELDS,
    ImportFileError,
    figures_parse,
    table_from_upload,
    table_preview,
)
from townsquare.measures.models import Metric
from townsquare.measures.periods import Quarter, month_add
from townsquare.measures.selectors import Scope
from townsquare.measures.services import measures_import

MAX_UPLOAD = 10 * 1024 * 1024


def _last_full_quarter(today: dt.date, *, financial: bool = False) -> Quarter:
    """The latest quarter that has ended: a quarter still running would compare part against whole."""
    ended = month_add(today.replace(day=1), -3)
    if financial:
        start = ended.year if ended.month >= 4 else ended.year - 1
        return Quarter(start, ((ended.month - 4) % 12) // 3 + 1, True)
    return Quarter(ended.year, (ended.month - 1) // 3 + 1)


def _month(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None


def _scope(request: HttpRequest, council: Council) -> Scope:
    platform = request.GET.get("platform", "")
    service = request.GET.get("service", "")
    channel = request.GET.get("channel", "")
    return Scope(
        council,
        platform=platform if platform in Platform.values else "",
        service_id=int(service) if service.isdigit() and council.services.filter(pk=service).exists() else None,
        channel_id=int(channel) if channel.isdigit() and council.channels.filter(pk=channel).exists() else None,
    )


@council_view(Perm.VIEW_REPORTS)
def dashboard(request: HttpRequest, council: Council) -> HttpResponse:
    """The permission is checked above for every request; the content for the reader's choices is
    kept (``page_key``) so a page read again costs two small queries, until a figure changes."""
    can_import = Perm.MANAGE_CHANNELS in request.council_perms  # type: ignore[attr-defined]
    key = page_key(council, request.GET, can_import=can_import, today=timezone.localdate())
    body: SafeString | None = cache.get(key) if key else None
    if body is None:
        body, error = _dashboard_body(request, council, can_import=can_import)
        if key and not error:  # a page with a mistake in its choices is rendered afresh
            cache.set(key, body, PAGE_SECONDS)
    return render(request, "measures/dashboard.html", {"body": body})


def _dashboard_body(request: HttpRequest, council: Council, *, can_import: bool) -> tuple[SafeString, str]:
    """The page's content for the choices in the request, and the mistake in them if any."""
    scope = _scope(request, council)
    metrics = dashboard_metrics(scope)
    metric = request.GET.get("metric", "")
    if metric not in metrics:
        metric = metrics[0] if metrics else Metric.FOLLOWERS.value
    today = timezone.localdate()
    quarter = _last_full_quarter(today)
    error = ""
    if request.GET.get("quarter"):
        try:
            quarter = Quarter.parse(request.GET["quarter"], financial=request.GET.get("year") == "financial")
        except ValueError as exc:
            error = str(exc)
    elif request.GET.get("year") == "financial":
        quarter = _last_full_quarter(today, financial=True)
    kind = request.GET.get("compare", "year")
    kind = kind if kind in KINDS else "year"
    before, after = _month(request.GET.get("from", "")), _month(request.GET.get("to", ""))
    if kind == "dates" and not (before and after):
        error = error or "Give both months to compare, for example 2015-04 and 2016-04."
        kind = "year"
    choices: dict[str, Any] = {
        "metrics": [(m, Metric(m).label) for m in (metrics or [metric])],
        "metric_label": Metric(metric).label,
        "platforms": Platform.choices,
        "platform": scope.platform,
        "error": error,
        "services": list(council.services.values_list("pk", "name")),
        "service_id": scope.service_id,
        "kinds": KINDS.items(),
        "response_target": TARGET_LABEL,
    }
    figures = {"metric": metric, "quarter": quarter, "kind": kind, "before": before, "after": after}
    return dashboard_body(scope=scope, choices=choices, figures=figures, can_import=can_import), error


@council_view(Perm.MANAGE_CHANNELS)
def import_page(request: HttpRequest, council: Council) -> HttpResponse:
    """Upload CSV or XLSX, map its columns, see the check, then store every row or none."""
    context: dict[str, Any] = {"fields": FIELDS, "errors": [], "preview": None}
    if request.method != "POST":
        return render(request, "measures/import.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["errors"] = ["Choose a CSV or XLSX file to import."]
        return render(request, "measures/import.html", context, status=400)
    if upload.size is None or upload.size > MAX_UPLOAD:
        context["errors"] = [f"The file is larger than {MAX_UPLOAD // 1024 // 1024} MB: split it by year."]
        return render(request, "measures/import.html", context, status=400)
    try:
        rows = table_from_upload(upload.name or "the file", upload.read())
        if len(rows) < 2:
            raise ImportFileError("The file has no rows of figures under its heading.")
        heading = rows[0]
        mapping = {}
        for name in FIELDS:
            chosen = request.POST.get(f"column_{name}", "")
            guess = next((i for i, h in enumerate(heading) if h.strip().lower() == name), None)
            index = int(chosen) - 1 if chosen.isdigit() and 0 < int(chosen) <= len(heading) else guess
            if index is not None:
                mapping[name] = index
        context["heading"] = list(enumerate(heading, start=1))
        context["mapping"] = {name: i + 1 for name, i in mapping.items()}
        context["preview"] = table_preview(rows)
        parsed = figures_parse(council=council, rows=rows[1:], mapping=mapping)
    except ImportFileError as exc:
        context["errors"] = [str(exc)]
        return render(request, "measures/import.html", context, status=400)
    context["errors"] = parsed.errors
    context["count"] = len(parsed.figures)
    if parsed.errors or request.POST.get("confirm") != "yes":
        return render(request, "measures/import.html", context, status=400 if parsed.errors else 200)
    stored = measures_import(
        actor=request.user, council=council, figures=parsed.figures, source_name=upload.name or "upload"
    )
    messages.success(request, f"Imported {stored} figures.")
    return redirect("measures:dashboard", slug=council.slug)
