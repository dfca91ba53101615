"""Forms of the policy pages."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.channels.models import Platform
from townsquare.policy.catalogue import ListKind, Rule, Severity
from townsquare.policy.models import Election, Referendum


class RuleForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Check drafts against this rule")
    severity = forms.ChoiceField(choices=Severity.choices, widget=forms.RadioSelect, label="Severity")

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        for kind in rule.lists:
            self.fields[f"list_{kind}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                label=ListKind(kind).label,
                help_text="One word or phrase a line. Matching ignores capital letters.",
            )

    def list_fields(self) -> list[forms.BoundField]:
        return [self[f"list_{kind}"] for kind in self.rule.lists]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in self.rule.lists:
            lines = (cleaned.get(f"list_{kind}") or "").splitlines()
            if any(len(line.strip()) > 200 for line in lines):
                self.add_error(f"list_{kind}", "Each line must be 200 characters or fewer.")
        return cleaned


class ElectionForm(forms.ModelForm):
    class Meta:
        model = Election
        fields = ["title", "election_type", "notice_date", "poll_date", "area", "wards", "candidates"]
        widgets = {
            "notice_date": forms.DateInput(attrs={"type": "date"}),
            "poll_date": forms.DateInput(attrs={"type": "date"}),
            "wards": forms.Textarea(attrs={"rows": 4}),
            "candidates": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {
            "election_type": "Type of election",
            "notice_date": "Notice of election published",
            "poll_date": "Polling day",
            "area": "Area",
            "wards": "Wards",
        }
        help_texts = {
            "area": "For example, the whole district, or Mill ward.",
            "wards": "One ward a line. Local, general and devolved elections cover every post of the council. "
            "A by-election, or a mayoral or PCC poll with wards listed, covers only posts about its "
            "area: posts to channels that serve these wards, or that name a ward, the area or a candidate.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        notice, poll = cleaned.get("notice_date"), cleaned.get("poll_date")
        if notice and poll and poll < notice:
            self.add_error("poll_date", "Polling day must be on or after the day the notice of election is published.")
        return cleaned


class OverrideForm(forms.Form):
    draft_ref = forms.CharField(
        max_length=120, label="Which draft", help_text="The draft's reference, for example publishing.post:42"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why it must go out now",
        help_text="For example: flood warning for the river wards; public safety.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Write why this must go out during the pre-election period.")
        return reason


class TryDraftForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="Draft", max_length=70000, required=False)
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Platforms",
        help_text="Leave all unticked to skip the platform limits.",
    )
    alt_texts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Alt text of each image",
        help_text="One image a line. Type - for an image with no alt text.",
    )
    scheduled_for = forms.DateTimeField(
        required=False,
        label="Publish at (UK time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="Leave empty for now.",
    )
    is_reply = forms.BooleanField(required=False, label="This is a reply to someone")

    def images(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in (self.cleaned_data.get("alt_texts") or "").splitlines() if line.strip()]
        return [{"alt": "" if line == "-" else line} for line in lines]


class ReferendumForm(forms.ModelForm):
    class Meta:
        model = Referendum
        fields = ["question", "poll_date", "area", "wards"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "poll_date": forms.DateInput(attrs={"type": "date"}),
            "wards": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"question": "Referendum question", "poll_date": "Polling day", "area": "Area", "wards": "Wards"}
        error_messages = {
            "question": {"required": "Write the referendum question."},
            "poll_date": {"required": "Enter polling day.", "invalid": "Enter polling day as a real date."},
        }

    def clean_question(self) -> str:
        question = " ".join((self.cleaned_data.get("question") or "").split())
        if not question:
            raise forms.ValidationError("Write the referendum question.")
        return question


class ChannelAreaForm(forms.Form):
    wards = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Wards this channel serves",
        help_text="One ward a line, as on the elections page. Leave empty if the channel serves the whole council.",
    )

    def clean_wards(self) -> str:
        wards = self.cleaned_data.get("wards") or ""
        if any(len(line.strip()) > 200 for line in wards.splitlines()):
            raise forms.ValidationError("Each ward must be 200 characters or fewer.")
        return wards
