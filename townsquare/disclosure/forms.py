"""The register's forms: opening a request by hand, the requester's details, extending and closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.disclosure.models import InformationRequest, Kind
from townsquare.disclosure.selectors import request_officers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what a date field shows and sends


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of request", choices=Kind.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(label="Received on", widget=DATE, help_text="The day the request arrived.")
    summary = forms.CharField(label="What is asked for", max_length=300, help_text="In a line.")
    request_text = forms.CharField(label="The request as received", required=False, widget=forms.Textarea)
    requester_name = forms.CharField(label="Requester's name", max_length=200, required=False)
    requester_email = forms.EmailField(label="Requester's email address", required=False)
    requester_address = forms.CharField(
        label="Requester's postal address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requester_handle = forms.CharField(
        label="Requester's account on the platform",
        max_length=300,
        required=False,
        help_text="A handle is not an address: ask for a name and an address too.",
    )
    officer = forms.ModelChoiceField(label="Officer handling it", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = request_officers(council)  # type: ignore[attr-defined]
        self.fields["officer"].label_from_instance = lambda u: u.full_name or u.email  # type: ignore[attr-defined]

    def clean_received_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The day the request was received cannot be in the future.")
        return day


class RequesterForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    email = forms.EmailField(label="Email address", required=False)
    address = forms.CharField(label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the extension", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did the request end?", choices=InformationRequest.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Note (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
