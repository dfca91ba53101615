"""The targets page: comms officers and admins set each measure's quarterly target and tolerance."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from townsquare.channels.models import Platform
from townsquare.councils.access import council_view
from townsquare.councils.models import Council
from townsquare.councils.roles import Perm
from townsquare.measures.models import MeasureTarget, Metric
from townsquare.measures.targets import target_remove, target_set
from townsquare.web.ids import parse_id


class TargetForm(forms.Form):
    metric = forms.ChoiceField(
        label="Measure", choices=Metric.choices, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    platform = forms.ChoiceField(
        label="Platform",
        choices=[("", "All platforms"), *Platform.choices],
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    value = forms.IntegerField(
        label="Target for a quarter",
        min_value=0,
        max_value=10**15,
        help_text="A level for followers and page likes; the quarter's total for the others.",
    )
    tolerance_percent = forms.IntegerField(
        label="Amber within (percent below the target)", min_value=0, max_value=100, initial=10
    )


@council_view(Perm.MANAGE_CHANNELS)
def targets_page(request: HttpRequest, council: Council) -> HttpResponse:
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            removed = parse_id(request.POST["remove"])
            if removed and target_remove(actor=request.user, council=council, target_id=removed):
                messages.success(request, "Target removed.")
            else:
                messages.error(request, "That target is not there any more: nothing was removed.")
            return redirect("measures:targets", slug=council.slug)
        if form.is_valid():
            target_set(actor=request.user, council=council, **form.cleaned_data)
            messages.success(request, "Target saved.")
            return redirect("measures:targets", slug=council.slug)
    targets = MeasureTarget.objects.filter(council=council)
    return render(
        request,
        "measures/targets.html",
        {"form": form, "targets": targets},
        status=400 if form.is_bound and form.errors else 200,
    )
