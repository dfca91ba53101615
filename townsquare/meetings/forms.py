"""Forms: parse what people type into typed values for the services; they never save anything themselves."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel, Platform
from townsquare.meetings import promotion
from townsquare.meetings.feeds import feed_address_check
from townsquare.meetings.models import Meeting
from townsquare.net.fetch import AddressRefused


class ChannelChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_platform_display()} {obj.handle})"


class OneChannelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_platform_display()} {obj.handle})"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}{f', {obj.job_title}' if obj.job_title else ''}"


def _open_channels(channels: QuerySet[Channel]) -> QuerySet[Channel]:
    return channels.exclude(status=Channel.Status.CLOSED).order_by("platform", "name")


def _feed_address(value: str) -> str:
    """A feed address may be stored only if it is https on a public host (townsquare.net.fetch)."""
    try:
        return feed_address_check(value)
    except AddressRefused as exc:
        raise forms.ValidationError(exc.message) from exc


class FeedForm(forms.Form):
    feed_url = forms.URLField(
        label="Address of the meeting calendar feed",
        max_length=1000,
        assume_scheme="https",
        help_text="The iCalendar (.ics) address from your committee system, such as ModernGov's "
        "'Subscribe to calendar' link.",
    )
    keep = forms.BooleanField(
        label="Keep this calendar up to date by reading the feed every hour", required=False, initial=True
    )

    def clean_feed_url(self) -> str:
        return _feed_address(self.cleaned_data["feed_url"])


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Calendar file (.ics) or CSV file",
        error_messages={
            "required": "Choose a calendar (.ics) or CSV file to import.",
            "empty": "The file you chose is empty.",
        },
        help_text="An iCalendar export, or a CSV with the columns committee, date, start_time, venue, agenda_link.",
    )


class SettingsForm(forms.Form):
    feed_url = forms.URLField(
        label="Meeting calendar feed (optional)",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="Read every hour. Leave empty if you import files instead.",
    )
    default_channels = ChannelChoice(
        label="Channels promotional posts are drafted for",
        required=False,
        queryset=Channel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_channels"].queryset = _open_channels(channels)  # type: ignore[attr-defined]

    def clean_feed_url(self) -> str:
        return _feed_address(self.cleaned_data["feed_url"]) if self.cleaned_data["feed_url"] else ""


class OffsetForm(forms.Form):
    days_before = forms.IntegerField(
        label="Days before the meeting", min_value=0, max_value=60, help_text="0 means on the day of the meeting."
    )
    at_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="UK time, for example 10:00.",
    )
    template = forms.CharField(
        label="Text of the post",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Placeholders: " + ", ".join("{" + p + "}" for p in promotion.PLACEHOLDERS) + ".",
    )

    def clean_template(self) -> str:
        template: str = self.cleaned_data["template"].strip()
        problems = promotion.template_problems(template)
        if problems:
            raise forms.ValidationError(problems)
        return template


class StreamForm(forms.Form):
    agenda_item = forms.CharField(
        label="Agenda item to be streamed", max_length=300, help_text="For example, Item 7: Budget 2025 to 2026."
    )
    channel = OneChannelChoice(
        label="Channel (optional)",
        queryset=Channel.objects.none(),
        required=False,
        help_text="The council account the stream goes out on.",
    )
    platform = forms.ChoiceField(
        label="Platform",
        choices=[("", "Choose the platform"), *Platform.choices],
        required=False,
        help_text="Needed only when no channel is chosen.",
    )
    stream_url = forms.URLField(
        label="Stream link (optional)",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="Where people watch. Needed before the stream is marked live.",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = _open_channels(channels)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("channel") and not data.get("platform") and "channel" not in self.errors:
            self.add_error("platform", "Choose the platform, or the channel the item is streamed on.")
        return data


class NewStreamForm(StreamForm):
    meeting = forms.ModelChoiceField(label="Meeting", queryset=Meeting.objects.none())

    field_order = ["meeting", "agenda_item", "channel", "platform", "stream_url", "notes"]

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class AgreeForm(forms.Form):
    agreed_by = PersonChoice(
        label="Who agreed the item",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone not listed: enter their name below",
        help_text="The Portfolio Holder who agreed this item may be streamed.",
    )
    agreed_by_name = forms.CharField(label="Name (if not listed)", max_length=200, required=False)
    agreed_by_role = forms.CharField(
        label="Their role",
        max_length=200,
        required=False,
        help_text="For example, Portfolio Holder for Communications.",
    )
    agreed_on = forms.DateField(label="Date agreed", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agreed_by") and not (data.get("agreed_by_name") or "").strip():
            self.add_error("agreed_by", "Choose who agreed the item, or enter their name and role.")
        elif not data.get("agreed_by") and not (data.get("agreed_by_role") or "").strip():
            self.add_error("agreed_by_role", "Enter the role of the person who agreed the item.")
        day = data.get("agreed_on")
        if day and day > timezone.localdate():
            self.add_error("agreed_on", "The date agreed cannot be in the future.")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=[])
    reason = forms.CharField(label="Note (optional)", required=False, max_length=1000)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


_DURATION = re.compile(r"^(?:(\d{1,3}):)?(\d{1,3}):(\d{2})$|^(\d{1,6})$")


class FiguresForm(forms.Form):
    peak_concurrent_viewers = forms.IntegerField(
        label="Peak viewers at the same time", min_value=0, max_value=100_000_000
    )
    total_views = forms.IntegerField(label="Total views", min_value=0, max_value=1_000_000_000)
    average_watch = forms.CharField(
        label="Average watch time", max_length=12, help_text="Minutes and seconds, for example 4:30."
    )
    source = forms.CharField(
        label="Where the figures come from",
        max_length=300,
        help_text="For example, Facebook Live video insights, or YouTube Studio.",
    )
    read_on = forms.DateField(
        label="Date the figures were read",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_average_watch(self) -> int:
        found = _DURATION.match(self.cleaned_data["average_watch"].strip())
        if not found:
            raise forms.ValidationError("Enter the average watch time as minutes and seconds, like 4:30.")
        if found.group(4) is not None:
            return int(found.group(4))
        hours, minutes, seconds = int(found.group(1) or 0), int(found.group(2)), int(found.group(3))
        if seconds >= 60:
            raise forms.ValidationError("Seconds must be less than 60, like 4:30.")
        return hours * 3600 + minutes * 60 + seconds


class AnnounceForm(forms.Form):
    text = forms.CharField(label="Announcement", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    channels = ChannelChoice(label="Channels", queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple)
    scheduled_for = forms.DateTimeField(
        label="When to post it (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Leave empty to post as soon as it is approved.",
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = _open_channels(channels)  # type: ignore[attr-defined]

    def clean_scheduled_for(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("scheduled_for")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("Choose a time in the future, or leave it empty.")
        return value
