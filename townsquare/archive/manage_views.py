"""Managing the archive as a record: retention classes, the disposal preview and run, legal holds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.models import User
from townsquare.archive.disposal import (
    disposal_preview,
    disposal_run,
    retention_class_remove,
    retention_class_set,
    retention_defaults_apply,
)
from townsquare.archive.forms import HoldForm, ReasonForm, RetentionForm
from townsquare.archive.models import ArchiveDisposal, LegalHold, RetentionClass
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.services import legal_hold_place, legal_hold_release
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.web.ids import parse_id

MANAGE = Perm.MANAGE_RECORDS


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # council_view signed them in


def _problems(form: RetentionForm | HoldForm | ReasonForm, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@council_view(MANAGE)
def retention(request: HttpRequest, council: Council) -> HttpResponse:
    form = RetentionForm(request.POST or None, council=council)
    if request.method == "POST":
        if "defaults" in request.POST:
            made = retention_defaults_apply(actor=_me(request), council=council)
            messages.success(request, f"{len(made)} default class{'es' if len(made) != 1 else ''} added.")
            return redirect("archive:retention", council.slug)
        if "remove" in request.POST:
            rule = get_object_or_404(RetentionClass, council=council, pk=parse_id(request.POST.get("remove")) or 0)
            retention_class_remove(actor=_me(request), rule=rule)
            messages.success(request, f"{rule.name} removed: those records are now kept.")
            return redirect("archive:retention", council.slug)
        if form.is_valid():
            try:
                retention_class_set(
                    actor=_me(request),
                    council=council,
                    kind=form.cleaned_data["kind"],
                    channel=form.cleaned_data["channel"],
                    name=form.cleaned_data["name"],
                    retain_days=form.retain_days,
                    legal_basis=form.cleaned_data["legal_basis"],
                )
            except ValidationError as error:
                _problems(form, error)
            else:
                messages.success(request, "Retention class saved.")
                return redirect("archive:retention", council.slug)
    rules = RetentionClass.objects.filter(council=council).select_related("channel")
    return render(request, "archive/retention.html", {"form": form, "rules": rules})


@council_view(MANAGE)
def disposal(request: HttpRequest, council: Council) -> HttpResponse:
    if request.method == "POST":
        done = disposal_run(actor=_me(request), council=council)
        gone = sum(d.count for d in done)
        messages.success(
            request, f"{gone} record{'s' if gone != 1 else ''} disposed of; the disposal is in the audit trail."
        )
        return redirect("archive:disposal", council.slug)
    lines = disposal_preview(council=council)
    past = ArchiveDisposal.objects.filter(council=council).select_related("actor", "channel")[:50]
    return render(
        request, "archive/disposal.html", {"lines": lines, "past": past, "to_go": sum(x.to_go for x in lines)}
    )


@council_view(MANAGE)
def holds(request: HttpRequest, council: Council) -> HttpResponse:
    """Holds placed by hand, or by the request register; a hold's search is the archive search's filters."""
    form, problems, query = HoldForm(request.POST or None), [], ArchiveQuery()
    try:
        query = ArchiveQuery.from_querydict(request.POST if request.method == "POST" else request.GET)
    except ValidationError as error:
        problems = error.messages
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            legal_hold_place(
                actor=_me(request),
                council=council,
                query=query,
                reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            _problems(form, error)
        else:
            messages.success(request, "Hold placed: nothing its search finds will be disposed of until it is released.")
            return redirect("archive:holds", council.slug)
    for problem in problems:
        form.add_error(None, problem)
    return render(
        request,
        "archive/holds.html",
        {
            "form": form,
            "query": query,
            "release_form": ReasonForm(),
            "holds": LegalHold.objects.filter(council=council).select_related("placed_by", "released_by"),
        },
    )


@require_POST
@council_view(MANAGE)
def hold_release(request: HttpRequest, council: Council, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, council=council, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the hold is released.")
        return redirect("archive:holds", council.slug)
    try:
        legal_hold_release(actor=_me(request), hold=hold, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Hold {hold.reference} released.")
    return redirect("archive:holds", council.slug)
