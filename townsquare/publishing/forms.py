"""Forms: parse what people type into typed values for the services; they never save anything themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.councils.models import Council, Service
from townsquare.publishing.models import Campaign, Post, PostingSlot


class ChannelChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_platform_display()} {obj.handle})"


class PostForm(forms.Form):
    text = forms.CharField(
        label="What do you want to say?",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10_000,
        help_text="The words every channel gets unless you give a channel its own below.",
    )
    link = forms.URLField(
        label="Link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, https://www.riverside.gov.uk/bins",
    )
    channels = ChannelChoice(
        label="Channels", queryset=Channel.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    slot = forms.ChoiceField(label="Use a posting slot", required=False, choices=[])
    scheduled_for = forms.DateTimeField(
        label="Or choose a date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave both empty to publish as soon as it is approved.",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    campaign = forms.ModelChoiceField(label="Campaign (optional)", queryset=Campaign.objects.none(), required=False)
    service = forms.ModelChoiceField(label="Service (optional)", queryset=Service.objects.none(), required=False)
    language = forms.ChoiceField(label="Language", choices=Post.Language.choices, initial=Post.Language.ENGLISH)
    pair = forms.ModelChoiceField(
        label="Welsh/English pair (optional)",
        queryset=Post.objects.none(),
        required=False,
        help_text="The same post in the other language.",
    )
    # The draft's version this page was made from (``Post.version``): a save based on an older one is refused.
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        council: Council,
        channels: QuerySet[Channel],
        posts: QuerySet[Post],
        slots: list[dt.datetime],
        post: Post | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["channels"].queryset = channels.exclude(status=Channel.Status.CLOSED).order_by("platform", "name")
        fields["campaign"].queryset = Campaign.objects.filter(council=council)
        fields["service"].queryset = Service.objects.filter(council=council)
        fields["pair"].queryset = (posts.exclude(pk=post.pk) if post else posts).order_by("-updated_at")
        fields["slot"].choices = [("", "No slot")] + [
            (m.isoformat(), timezone.localtime(m).strftime("%A %-d %B, %H:%M")) for m in slots
        ]
        if not council.in_wales:
            del self.fields["pair"]
            del self.fields["language"]
        self.variant_fields: list[tuple[Channel, str]] = []
        for channel in fields["channels"].queryset:
            name = f"variant_{channel.pk}"
            self.fields[name] = forms.CharField(
                label=f"Own wording for {channel.name} (optional)",
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.variant_fields.append((channel, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("slot"):
            data["scheduled_for"] = dt.datetime.fromisoformat(data["slot"])
        return data

    def variants(self) -> dict[int, str]:
        return {channel.pk: self.cleaned_data.get(name, "") or "" for channel, name in self.variant_fields}

    def bound_variants(self) -> list[tuple[Channel, forms.BoundField]]:
        return [(channel, self[name]) for channel, name in self.variant_fields]


class ImageForm(forms.Form):
    image = forms.FileField(label="Upload an image", help_text="PNG, JPEG, GIF or WebP, smaller than 5 MB.")
    alt_text = forms.CharField(
        label="Alt text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Describe what the image shows for people who cannot see it.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect, label="Your decision"
    )
    reason = forms.CharField(
        label="Reason (needed to reject)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    acknowledge = forms.BooleanField(label="I have read the warnings", required=False)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="What did you find on the account?",
        choices=[
            ("published", "It was published: I have its address"),
            ("failed", "It was not published: mark it failed"),
            ("retry", "It was not published: send it again"),
        ],
    )
    url = forms.URLField(label="Address of the post you found", required=False, assume_scheme="https")
    note = forms.CharField(label="Note (optional)", required=False)


class RescheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="New date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SlotForm(forms.Form):
    channel = forms.ModelChoiceField(label="Channel", queryset=Channel.objects.none())
    weekdays = forms.MultipleChoiceField(
        label="Days", choices=PostingSlot.Weekday.choices, widget=forms.CheckboxSelectMultiple
    )
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["channel"].queryset = channels


class CampaignForm(forms.Form):
    name = forms.CharField(label="Campaign name", max_length=200)
    second_approval = forms.BooleanField(label="Posts in this campaign need a second approver", required=False)
