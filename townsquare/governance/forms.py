"""Forms of the governance registers: validation shared by the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.governance.importing import MAX_IMPORT_CHARS
from townsquare.governance.models import (
    ActionPlan,
    ActionStatus,
    Audience,
    Breach,
    Policy,
    Recommendation,
    StrategyPhase,
)

DATE = forms.DateInput(attrs={"type": "date"})


def council_people(council: Council) -> Any:
    return User.objects.filter(memberships__council=council, is_active=True).distinct().order_by("full_name", "email")


class CouncilModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A register entry belonging to one council; people to choose are that council's people."""

    people_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        for name in self.people_fields:
            self.fields[name].queryset = council_people(council)  # type: ignore[attr-defined]
        if hasattr(self.instance, "council_id"):
            self.instance.council = council


class PolicyForm(CouncilModelForm):
    people_fields = ("owner",)

    class Meta:
        model = Policy
        fields = [
            "title",
            "kind",
            "audience",
            "owner",
            "review_interval_months",
            "next_review_on",
            "combines",
            "retired",
        ]
        labels = {
            "review_interval_months": "Review every (months)",
            "next_review_on": "Next review due",
            "combines": "Replaces and combines these policies",
        }
        widgets = {"next_review_on": DATE, "combines": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, council=council, **kwargs)
        others = Policy.objects.filter(council=council)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["combines"].queryset = others  # type: ignore[attr-defined]
        self.fields["combines"].required = False
        self.fields["review_interval_months"].widget.attrs.update({"min": 1, "max": 60})

    def clean_review_interval_months(self) -> int:
        value: int = self.cleaned_data["review_interval_months"]
        if not 1 <= value <= 60:
            raise forms.ValidationError("Enter a number of months between 1 and 60 (12 for annual, 6 for six-monthly).")
        return value


class PolicyVersionForm(forms.Form):
    number = forms.CharField(max_length=20, label="Version number", help_text="For example 2.0")
    approved_by = forms.CharField(
        max_length=120,
        required=False,
        label="Approved by",
        help_text="The body that approved it, e.g. Cabinet or Policy Committee",
    )
    approved_on = forms.DateField(
        required=False,
        label="Approved on",
        widget=DATE,
        help_text="The next review is counted from this date (or from today).",
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What changed")
    document_url = forms.URLField(required=False, label="Link to the document", max_length=500, assume_scheme="https")
    everyone_section = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Section for everyone"
    )
    officers_section = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Section for officers",
        help_text="Guidance for officers' use",
    )
    members_section = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Section for Members",
        help_text="Guidance for Members' use",
    )

    def sections(self) -> list[tuple[str, str, str]]:
        found = []
        for name, audience, title in (
            ("everyone_section", Audience.EVERYONE, "For everyone"),
            ("officers_section", Audience.OFFICERS, "Guidance for officers"),
            ("members_section", Audience.MEMBERS, "Guidance for Members"),
        ):
            if body := self.cleaned_data.get(name, "").strip():
                found.append((title, str(audience), body))
        return found


class ReviewedForm(forms.Form):
    reviewed_on = forms.DateField(widget=DATE, label="Reviewed on")
    note = forms.CharField(required=False, label="Note", widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reviewed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["reviewed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("A review is recorded once it has been done: the date cannot be in the future.")
        return day


class ActionPlanForm(CouncilModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "source_body", "meeting_on"]
        labels = {"source_body": "From (task group or panel)", "meeting_on": "Meeting date"}
        widgets = {"meeting_on": DATE}


class RecommendationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Recommendation
        fields = [
            "number",
            "text",
            "decision",
            "decided_by",
            "action",
            "owner_title",
            "budget",
            "timescale",
            "due_on",
            "status",
            "delayed_until",
        ]
        labels = {
            "text": "Recommendation",
            "owner_title": "Owner (post title)",
            "action": "Proposed action",
            "due_on": "Due date",
            "decided_by": "Decided by",
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "action": forms.Textarea(attrs={"rows": 4}),
            "due_on": DATE,
            "delayed_until": DATE,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ActionStatus.DELAYED and not data.get("delayed_until"):
            self.add_error("delayed_until", "Give the date it is delayed until.")
        return data


class ProgressForm(forms.Form):
    on = forms.DateField(widget=DATE, label="Date of the update")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Progress", max_length=5000)
    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status now")
    delayed_until = forms.DateField(widget=DATE, required=False, label="Delayed until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ActionStatus.DELAYED and not data.get("delayed_until"):
            self.add_error("delayed_until", "Give the date it is delayed until.")
        return data


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=MAX_IMPORT_CHARS,
        label="Paste the table",
        help_text="Copy the table from the committee report (Word, PDF or a web page) and paste it here.",
    )
    file = forms.FileField(
        required=False, label="Or upload a file", help_text="Text, CSV, HTML or Markdown (.txt, .tsv, .csv, .html, .md)"
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        label="Title of the action plan",
        help_text="Leave empty to use the report's own heading.",
    )
    source_body = forms.CharField(max_length=200, required=False, label="From (task group or panel)")
    meeting_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Meeting date",
        help_text="Timescales such as 'within the next six months' count from this date.",
    )

    def __init__(self, *args: Any, refused: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = refused  # why a chosen file never arrived (too large), if it did not

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if self.refused:
            self.add_error("file", self.refused)
            return data
        if upload is not None:
            raw = upload.read(MAX_IMPORT_CHARS * 4 + 1)
            if len(raw) > MAX_IMPORT_CHARS * 4:
                self.add_error("file", "The file is too large to be one committee table.")
                return data
            text = next((t for t in _decodings(raw) if "\x00" not in t), None)
            if text is None:
                self.add_error(
                    "file",
                    "The file is not text: it may be a Word, PDF or spreadsheet file. Copy the "
                    "table from it and paste it above, or save it as CSV or text.",
                )
                return data
            if not text.strip():
                self.add_error("file", f"The file you chose ({upload.name}) has nothing in it but blank lines.")
                return data
            data["text"] = text
        if not (data.get("text") or "").strip() and not self.errors:
            self.add_error("text", "Paste the table, or choose a file to upload.")
        return data


def _decodings(raw: bytes) -> Iterator[str]:
    """The file's text as UTF-8, else as Windows' own encoding (what older Word and Excel save)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            continue


class StrategyPhaseForm(CouncilModelForm):
    class Meta:
        model = StrategyPhase
        fields = [
            "strategy",
            "order",
            "phase",
            "details",
            "timescale",
            "due_on",
            "status",
            "status_note",
            "delayed_until",
        ]
        labels = {"due_on": "Due date", "status_note": "Status as reported"}
        widgets = {"details": forms.Textarea(attrs={"rows": 3}), "due_on": DATE, "delayed_until": DATE}

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, council=council, **kwargs)
        self.fields["strategy"].queryset = Policy.objects.filter(council=council, kind=Policy.Kind.STRATEGY)  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = council_people(council)  # type: ignore[attr-defined]


class BreachForm(CouncilModelForm):
    people_fields = ("subject_user",)
    evidence_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Link to the archived post or message"
    )

    class Meta:
        model = Breach
        fields = [
            "against",
            "subject_user",
            "subject_channel",
            "subject_name",
            "what",
            "evidence_url",
            "evidence_type",
            "evidence_id",
            "category",
            "severity",
            "reported_by",
            "reported_on",
            "status",
            "action_taken",
            "outcome",
        ]
        labels = {
            "against": "A breach of",
            "subject_user": "Person concerned",
            "subject_channel": "Account concerned",
            "subject_name": "Or name who or which account",
            "what": "What happened",
            "evidence_url": "Link to the archived post or message",
            "evidence_type": "Kind of item",
            "evidence_id": "Archive reference",
        }
        widgets = {
            "what": forms.Textarea(attrs={"rows": 4}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "reported_on": DATE,
        }

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, council=council, **kwargs)
        self.fields["subject_channel"].queryset = Channel.objects.filter(council=council)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("subject_user") or data.get("subject_channel") or (data.get("subject_name") or "").strip()):
            self.add_error("subject_name", "Say who or which account the breach concerns.")
        return data


class SettingsForm(forms.Form):
    training_required_for_publishing = forms.BooleanField(
        required=False, label="Make current required training a condition of publishing rights"
    )
    review_reminder_days = forms.IntegerField(
        min_value=1, max_value=365, label="Remind policy owners this many days before a review is due"
    )
    poor_attendance_percent = forms.IntegerField(
        min_value=1, max_value=100, label="A session is poorly attended below this percentage"
    )
    monitoring_officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Monitoring officer",
        help_text="Keeps the breach register and names who else may see it.",
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["monitoring_officer"].queryset = council_people(council)  # type: ignore[attr-defined]
