"""Forms: parse what people type for the partner-council pages; they never save anything themselves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from townsquare.channels.models import Channel


class GroupForm(forms.Form):
    title = forms.CharField(
        label="Title for the team",
        max_length=120,
        help_text="How you will recognise the message, for example “Council tax bills 2027”.",
    )
    text = forms.CharField(
        label="What do you want to say?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Every council's post starts with these words; change one council's post on its own page.",
    )
    link = forms.URLField(label="Link (optional)", required=False, max_length=500, assume_scheme="https")
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.none(),
        label="Channels",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose channels of at least two councils."},
    )
    scheduled_for = forms.DateTimeField(
        label="Date and time (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Leave empty to publish as soon as each council approves it.",
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["channels"]
        field.queryset = channels

    def clean_scheduled_for(self) -> Any:
        when = self.cleaned_data.get("scheduled_for")
        if when is not None and when <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return when


class ReviewForm(forms.Form):
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), label="Account reviewed")
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date of the review, like 2026-12-01."},
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["channel"]
        field.queryset = channels
        self.fields["reviewed_on"].initial = timezone.localdate()
