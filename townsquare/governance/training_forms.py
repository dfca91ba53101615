"""Forms of training: modules, sessions and invitations, completions, requirements, and revoking a person's
right to publish. Validation shared by the pages, the demo and the API."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.councils.roles import Role
from townsquare.governance.forms import DATE, CouncilModelForm, council_people
from townsquare.governance.models import TrainingModule, TrainingRequirement, TrainingSession


class TrainingModuleForm(CouncilModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "kind", "description", "valid_for_months"]
        labels = {"valid_for_months": "Lapses after (months)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        clash = TrainingModule.objects.filter(council=self.council, title__iexact=title)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This council already has training with this title.")
        return title


class TrainingSessionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingSession
        fields = ["held_on", "location", "trainer", "notes"]
        labels = {"held_on": "Date"}
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class InviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, label="Invite"
    )
    role = forms.ChoiceField(
        choices=[("", "Choose people below"), *Role.choices], required=False, label="Or invite everyone with the role"
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = council_people(council)  # type: ignore[attr-defined]
        self.fields["people"].required = False
        self.council = council

    def chosen(self) -> list[User]:
        people = list(self.cleaned_data.get("people") or [])
        if role := self.cleaned_data.get("role"):
            people += list(council_people(self.council).filter(memberships__role=role))
        return list({p.pk: p for p in people}.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("people") and not data.get("role"):
            raise forms.ValidationError("Choose the people to invite, or a role.")
        return data


class CompletionForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    module = forms.ModelChoiceField(queryset=TrainingModule.objects.none(), label="Training")
    completed_on = forms.DateField(widget=DATE, label="Completed on")

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = council_people(council)  # type: ignore[attr-defined]
        self.fields["module"].queryset = TrainingModule.objects.filter(council=council)  # type: ignore[attr-defined]


class RequirementForm(CouncilModelForm):
    class Meta:
        model = TrainingRequirement
        fields = ["role", "module", "needed_to_publish"]
        labels = {"module": "Training", "needed_to_publish": "Must be current before they may draft posts"}

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, council=council, **kwargs)
        self.fields["module"].queryset = TrainingModule.objects.filter(council=council)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if TrainingRequirement.objects.filter(
            council=self.council, role=data.get("role"), module=data.get("module")
        ).exists():
            raise forms.ValidationError("That role already requires this training.")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Reason (the person is told it)", max_length=1000
    )
