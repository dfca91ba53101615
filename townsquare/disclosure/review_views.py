"""Redaction review and release: propose, accept or undo each (or all), release a copy, download it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.disclosure.models import Redaction, Release
from townsquare.disclosure.officer_redactions import redaction_add
from townsquare.disclosure.redactions import redactions_propose, redactions_review, release_make
from townsquare.disclosure.selectors import redaction_counts
from townsquare.disclosure.views import KEEP, _found, _user

PAGE = 100
CONTEXT = 60
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "pdf": "application/pdf"}


def _in_context(redaction: Redaction) -> tuple[str, str, str]:
    """The words either side of a redaction, to judge it by."""
    text = redaction.version.record.author if redaction.field == "author" else redaction.version.text
    return (
        text[max(0, redaction.start - CONTEXT) : redaction.start],
        text[redaction.start : redaction.end],
        text[redaction.end : redaction.end + CONTEXT],
    )


def _refused(request: HttpRequest, error: ValidationError, council: Council, pk: int) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("disclosure:request", council.slug, pk)


@council_view(KEEP)
def review(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _found(council, pk)
    show = request.GET.get("show", "proposed")
    redactions = Redaction.objects.filter(request=found).select_related("version__record")
    if show in Redaction.Decision.values:
        redactions = redactions.filter(decision=show)
    page = Paginator(redactions.order_by("version__record_id", "version__n", "field", "start"), PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(r, *_in_context(r)) for r in page]
    filters = [("proposed", "To review"), ("accepted", "To redact"), ("undone", "Kept"), ("all", "All")]
    return render(
        request,
        "disclosure/review.html",
        {
            "req": found,
            "page": page,
            "rows": rows,
            "show": show,
            "counts": redaction_counts(found),
            "filters": filters,
            "categories": Redaction.Category.choices,
        },
    )


@require_POST
@council_view(KEEP)
def propose(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _found(council, pk)
    try:
        added = redactions_propose(actor=_user(request), request=found)
    except ValidationError as error:
        return _refused(request, error, council, found.pk)
    messages.success(request, f"{added} redaction{'s' if added != 1 else ''} proposed: review each before release.")
    return redirect("disclosure:review", council.slug, found.pk)


@require_POST
@council_view(KEEP)
def decide(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _found(council, pk)
    action = request.POST.get("action", "")
    decision, everything = {
        "accept": ("accepted", False),
        "undo": ("undone", False),
        "accept_all": ("accepted", True),
        "undo_all": ("undone", True),
    }.get(action, ("", False))
    ids = [int(v) for v in request.POST.getlist("redaction") if v.isdigit()]
    try:
        if not decision:
            raise ValidationError("Choose to redact or to keep.")
        if not everything and not ids:
            raise ValidationError("Select at least one redaction.")
        changed = redactions_review(
            actor=_user(request), request=found, decision=decision, ids=None if everything else ids
        )
        word = "redacted" if decision == "accepted" else "kept"
        messages.success(request, f"{changed} {'item' if changed == 1 else 'items'} will be {word}.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    show = request.POST.get("show", "proposed")
    back = reverse("disclosure:review", args=[council.slug, found.pk])
    return redirect(f"{back}?show={show if show in Redaction.Decision.values else 'proposed'}")


@require_POST
@council_view(KEEP)
def add(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    """The officer marks words the recogniser missed."""
    found = _found(council, pk)
    record = request.POST.get("record", "").strip()
    try:
        if not (record.isdigit() and len(record) < 12):
            raise ValidationError("Enter the record's number, as shown beside each redaction.")
        added = redaction_add(
            actor=_user(request),
            request=found,
            record_id=int(record),
            words=request.POST.get("words", ""),
            category=request.POST.get("category", ""),
        )
        messages.success(
            request, f"{added} {'stretch' if added == 1 else 'stretches'} of record {record} will be redacted."
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(reverse("disclosure:review", args=[council.slug, found.pk]) + "?show=accepted")


@require_POST
@council_view(KEEP)
def release(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    found = _found(council, pk)
    try:
        made = release_make(actor=_user(request), request=found, fmt=request.POST.get("format", ""))
    except ValidationError as error:
        return _refused(request, error, council, found.pk)
    messages.success(request, f"{made.get_format_display()} copy released and kept (SHA-256 {made.sha256[:12]}…).")
    return redirect("disclosure:request", council.slug, found.pk)


@council_view(KEEP)
def download(request: HttpRequest, council: Council, pk: int, release_pk: int) -> HttpResponse:
    found = _found(council, pk)
    kept = Release.objects.filter(request=found, pk=release_pk).first()
    if kept is None:
        raise Http404("No such release")
    response = HttpResponse(bytes(kept.content), content_type=MEDIA[kept.format])
    name = f"{found.reference}-{kept.released_at:%Y%m%d-%H%M}.{kept.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
