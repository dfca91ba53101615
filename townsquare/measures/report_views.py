"""Pages of the quarterly report to Members: the list (start a draft), one report with its steps,
and its page, PDF and CSV. Councillors read reports under review or published and comment on them;
the communications team and admins do the rest."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.measures.models import MembersReport
from townsquare.measures.periods import Quarter
from townsquare.measures.report import report_csv, report_html, report_pdf
from townsquare.measures.workflow import (
    WorkflowError,
    built,
    commentary_save,
    report_publish,
    report_sign_off,
    report_start,
    review_comment,
    review_send,
)

State = MembersReport.State
MEMBERS_SEE = (State.IN_REVIEW, State.SIGNED_OFF, State.PUBLISHED)


def _edits(request: HttpRequest) -> bool:
    return Perm.MANAGE_GOVERNANCE in request.council_perms  # type: ignore[attr-defined]


def _visible(request: HttpRequest, council: Council, pk: int) -> MembersReport:
    report = get_object_or_404(MembersReport, council=council, pk=pk)
    if not _edits(request) and report.state not in MEMBERS_SEE:
        raise PermissionDenied
    return report


@council_view(Perm.VIEW_REPORTS)
def reports_list(request: HttpRequest, council: Council) -> HttpResponse:
    error = ""
    if request.method == "POST":
        if not _edits(request):
            raise PermissionDenied
        try:
            quarter = Quarter.parse(request.POST.get("quarter", ""), financial=request.POST.get("year") == "financial")
            report = report_start(actor=request.user, council=council, quarter=quarter)
            return redirect("measures:report", slug=council.slug, pk=report.pk)
        except (ValueError, WorkflowError) as exc:
            error = str(exc)
    reports = MembersReport.objects.filter(council=council)
    if not _edits(request):
        reports = reports.filter(state__in=MEMBERS_SEE)
    return render(
        request,
        "measures/reports.html",
        {"reports": reports, "error": error, "can_edit": _edits(request)},
        status=400 if error else 200,
    )


ACTIONS = {"commentary", "review", "sign_off", "publish"}


@council_view(Perm.VIEW_REPORTS)
def report_detail(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    report = _visible(request, council, pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ACTIONS and not _edits(request):
            raise PermissionDenied
        try:
            if action == "commentary":
                commentary_save(actor=request.user, report=report, text=request.POST.get("commentary", ""))
            elif action == "review":
                review_send(actor=request.user, report=report)
            elif action == "comment":
                review_comment(actor=request.user, report=report, body=request.POST.get("body", ""))
            elif action == "sign_off":
                report_sign_off(actor=request.user, report=report)
            elif action == "publish":
                report_publish(actor=request.user, report=report)
            else:
                raise WorkflowError("Choose a step to take.")
            messages.success(request, "Done.")
            return redirect("measures:report", slug=council.slug, pk=report.pk)
        except WorkflowError as exc:
            error = str(exc)
    headlines = [] if report.state == State.PUBLISHED else built(report).headlines
    context = {
        "report": report,
        "comments": report.comments.select_related("author"),
        "error": error,
        "can_edit": _edits(request),
        "headlines": headlines,
    }
    return render(request, "measures/report_detail.html", context, status=400 if error else 200)


TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


@council_view(Perm.VIEW_REPORTS)
def report_file(request: HttpRequest, council: Council, pk: int, kind: str) -> HttpResponse:
    """The report's page, PDF or CSV: as stored at publication, or as the figures read now."""
    if kind not in TYPES:
        raise Http404
    report = _visible(request, council, pk)
    body: bytes | str
    if report.state == State.PUBLISHED:
        body = bytes(report.pdf) if kind == "pdf" else (report.html if kind == "html" else report.csv)
    else:
        made = built(report)
        body = report_pdf(made) if kind == "pdf" else (report_html(made) if kind == "html" else report_csv(made))
    response = HttpResponse(body, content_type=TYPES[kind])
    if kind != "html":
        name = f"{council.slug}-{report.quarter.code}{'-financial' if report.financial else ''}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
