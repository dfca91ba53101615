"""The completion report (page and CSV) and the import of completions from a learning system."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.councils.access import councils_of, perms_in
from townsquare.councils.models import Council
from townsquare.governance.access import MANAGE, READ_REGISTERS, governance_view
from townsquare.learning.forms import ImportForm
from townsquare.learning.forms import posted as _posted
from townsquare.learning.importing import completions_import, parse_completions
from townsquare.learning.reports import Tally, report_csv, report_rows, tallies


def _council_tally(council: Council) -> Tally:
    rows = [r for r in report_rows(council=council) if r.standing.required]
    return Tally(
        council.name,
        len(rows),
        sum(r.standing.state in {"current", "due_soon"} for r in rows),
        sum(r.standing.state == "overdue" for r in rows),
    )


@governance_view(READ_REGISTERS)
def report(request: HttpRequest, council: Council) -> HttpResponse:
    rows = report_rows(council=council)
    state = request.GET.get("state", "")
    shown = [r for r in rows if r.standing.state == state] if state in {"overdue", "due", "due_soon"} else rows
    # Every council the reader may see the registers of, side by side (partner councils share a team).
    councils = [c for c in councils_of(request.user) if READ_REGISTERS & perms_in(request.user, c)]
    by_service = tallies(rows, "service")
    return render(
        request,
        "learning/report.html",
        {
            "chart": [
                (t, 26 * i, round(180 * t.complete / t.required) if t.required else 0) for i, t in enumerate(by_service)
            ],
            "chart_height": max(26, 26 * len(by_service)),
            "rows": shown,
            "state": state,
            "by_service": by_service,
            "by_role": tallies(rows, "role"),
            "by_council": [_council_tally(c) for c in councils],
        },
    )


@governance_view(READ_REGISTERS)
def report_download(request: HttpRequest, council: Council) -> HttpResponse:
    response = HttpResponse(report_csv(report_rows(council=council)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{council.slug}-elearning-{dt.date.today():%Y-%m-%d}.csv"'
    return response


@governance_view(MANAGE)
def import_completions(request: HttpRequest, council: Council) -> HttpResponse:
    """Upload shows a preview; 'Record these completions' posts the same file's text back to save it."""
    form = ImportForm(*_posted(request))
    if request.method == "POST" and "confirm" in request.POST:
        data = request.POST.get("data", "").encode()
        try:
            made = completions_import(actor=request.user, council=council, data=data)  # type: ignore[arg-type]
        except ValidationError as error:
            return render(request, "learning/import.html", {"form": ImportForm(), "errors": error.messages}, status=400)
        messages.success(request, f"{len(made)} completion{'s' if len(made) != 1 else ''} recorded.")
        return redirect("learning:report", slug=council.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["report"].read()
        parsed = parse_completions(council=council, data=data)
        return render(
            request,
            "learning/import.html",
            {
                "form": form,
                "parsed": parsed,
                "data": data.decode("utf-8-sig", errors="replace"),
            },
            status=400 if parsed.problems else 200,
        )
    return render(request, "learning/import.html", {"form": form}, status=400 if form.errors else 200)
