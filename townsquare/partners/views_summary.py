"""The accounts summary for the policy's appendix (page, PDF, CSV), per council and combined."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from townsquare.accounts.utils import request_user
from townsquare.channels.models import Channel
from townsquare.councils.access import council_view, councils_of, perms_in
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.partners import selectors, services
from townsquare.partners.exports import csv_response
from townsquare.partners.forms import ReviewForm
from townsquare.partners.summary import accounts_summary, summary_csv, summary_pdf


def _reviewable(user: object, councils: list[Council]) -> list[Council]:
    return [c for c in councils if Perm.MANAGE_CHANNELS in perms_in(user, c)]


def _respond(request: HttpRequest, councils: list[Council], name: str, combined: bool) -> HttpResponse:
    summaries = accounts_summary(councils=councils)
    stamp = timezone.localdate().isoformat()
    wanted = request.GET.get("format", "")
    if wanted == "csv":
        return csv_response(summary_csv(summaries), f"{name}-accounts-summary-{stamp}.csv")
    if wanted == "pdf":
        response = HttpResponse(summary_pdf(summaries), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}-accounts-summary-{stamp}.pdf"'
        return response
    reviewable = (
        Channel.objects.filter(council__in=_reviewable(request.user, councils))
        .exclude(status=Channel.Status.CLOSED)
        .select_related("council")
        .order_by("council__name", "name")
    )
    return render(
        request,
        "partners/accounts_summary.html",
        {
            "summaries": summaries,
            "combined": combined,
            "now": timezone.localtime(),
            "review_form": ReviewForm(channels=reviewable) if reviewable.exists() else None,
            "filter_councils": selectors.councils_where(request.user, [Perm.VIEW_REGISTER]) if combined else [],
            "chosen_council": request.GET.get("council", ""),
        },
    )


@login_required
def combined_summary(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_chosen(request.user, [Perm.VIEW_REGISTER], request.GET.get("council", "").strip())
    return _respond(request, councils, councils[0].slug if len(councils) == 1 else "all-councils", True)


@council_view(Perm.VIEW_REGISTER)
def council_summary(request: HttpRequest, council: Council) -> HttpResponse:
    return _respond(request, [council], council.slug, False)


@login_required
@require_POST
def review_add(request: HttpRequest) -> HttpResponse:
    councils = _reviewable(request.user, councils_of(request.user))
    if not councils:
        raise PermissionDenied("Your role does not allow reviewing channels.")
    form = ReviewForm(request.POST, channels=Channel.objects.filter(council__in=councils))
    if not form.is_valid():
        messages.error(request, "Not recorded: " + " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            review = services.channel_review_record(actor=request_user(request), **form.cleaned_data)
            messages.success(request, f"Review of {review.channel.name} recorded.")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)]))
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else "partners:summary")
