"""The archive's forms: a retention class, placing and releasing a legal hold, running disposal."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.archive.models import Kind
from townsquare.channels.models import Channel
from townsquare.councils.models import Council


class RetentionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of record", choices=Kind.choices)
    channel = forms.ModelChoiceField(
        label="Account",
        queryset=Channel.objects.none(),
        required=False,
        empty_label="Every account without a rule of its own",
        help_text="Choose an account only to override the council's rule for it.",
    )
    name = forms.CharField(label="Name of the class", max_length=200)
    retain_years = forms.DecimalField(
        label="Keep for (years)",
        min_value=0,
        max_value=100,
        decimal_places=3,
        help_text="Counted from when it was published or received. Use 0.5 for six months.",
    )
    legal_basis = forms.CharField(
        label="Legal basis",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The law, code or retention schedule that sets the period.",
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(council=council).order_by("name")  # type: ignore[attr-defined]

    @property
    def retain_days(self) -> int:
        return max(1, round(float(self.cleaned_data["retain_years"]) * 365))


class HoldForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=200, help_text="For example, FOI-2026-0012")
    reason = forms.CharField(label="Why the records are held", widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
