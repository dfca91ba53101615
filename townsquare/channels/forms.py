"""Validation of a channel's register entry, shared by the page form and CSV import."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.accounts.models import User
from townsquare.channels.handles import handle_normalise, handle_skeleton
from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Service

REQUIRED_MESSAGES = {
    "name": "Enter the channel's name, as staff refer to it",
    "platform": "Choose the platform",
    "handle": "Enter the account's handle on the platform",
    "status": "Choose the channel's status",
}


class TwoFactorSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "Not known"), ("true", "Yes"), ("false", "No")]


class ChannelForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label="Web address (URL)", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Channel
        fields = [
            "name",
            "platform",
            "handle",
            "url",
            "service",
            "owner",
            "deputy",
            "assignees",
            "digital_access_confirmed_on",
            "branding_checked_on",
            "platform_two_factor",
            "status",
            "last_post_at",
            "notes",
        ]
        labels = {
            "url": "Web address (URL)",
            "digital_access_confirmed_on": "Digital team's access confirmed on",
            "branding_checked_on": "Branding checked on",
            "platform_two_factor": "Two-factor sign-in switched on at the platform",
            "last_post_at": "Last post",
            "service": "Owning service",
            "assignees": "Service officers who draft for it",
        }
        widgets = {
            # Browsers' date pickers read and write ISO dates whatever the page's language.
            "digital_access_confirmed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "branding_checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_post_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "assignees": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, council: Council, known_handles: dict[tuple[str, str], int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        # (platform, handle skeleton) -> channel id; an import passes one map for all its rows.
        self.known_handles = known_handles
        people = User.objects.filter(memberships__council=council).distinct()
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = people  # type: ignore[attr-defined]
        self.fields["assignees"].queryset = people.filter(memberships__role="officer")  # type: ignore[attr-defined]
        self.fields["assignees"].required = False
        self.fields["service"].queryset = Service.objects.filter(council=council)  # type: ignore[attr-defined]
        self.fields["platform_two_factor"] = forms.NullBooleanField(
            required=False,
            label=self.Meta.labels["platform_two_factor"],
            widget=TwoFactorSelect,
        )
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        self.instance.council = council

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, deputy = data.get("owner"), data.get("deputy")
        if owner and deputy and owner == deputy:
            self.add_error("deputy", "The deputy must be a different person from the owner.")
        platform, handle = data.get("platform"), data.get("handle")
        if platform and handle:
            known = self.known_handles if self.known_handles is not None else known_handles(self.council)
            clash = known.get((platform, handle_skeleton(handle)))
            if clash is not None and clash != self.instance.pk:
                self.add_error(
                    "handle",
                    "This council already has a channel with this handle, or one that looks "
                    "the same, on this platform.",
                )
        return data

    def clean_handle(self) -> str:
        handle = handle_normalise(self.cleaned_data.get("handle") or "")
        if not handle:
            raise forms.ValidationError(REQUIRED_MESSAGES["handle"])
        return handle


def known_handles(council: Council) -> dict[tuple[str, str], int]:
    """Every channel of the council by (platform, what its handle looks like)."""
    return {
        (platform, handle_skeleton(handle)): pk
        for pk, platform, handle in Channel.objects.filter(council=council).values_list("pk", "platform", "handle")
    }
