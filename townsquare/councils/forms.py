from __future__ import annotations

from django import forms

from townsquare.councils.models import Council
from townsquare.councils.roles import Role


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(
        label="Full name", required=False, help_text="Needed only for someone new to Townsquare."
    )
    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect)


class CouncilSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Council
        fields = ["name", "brand_colour", "require_two_factor", "dormant_after_days", "in_wales"]
        labels = {
            "brand_colour": "Brand colour",
            "require_two_factor": "Make two-factor sign-in mandatory",
            "dormant_after_days": "Days without a post before a channel counts as dormant",
            "in_wales": "The council is in Wales",
        }
