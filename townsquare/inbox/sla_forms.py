"""Forms of the working-time, service-level and on-call pages: they read and check input, services write."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.classify.categories import CATEGORIES
from townsquare.councils.models import Council
from townsquare.inbox.selectors import assignable_people
from townsquare.inbox.service_level_models import TargetKind
from townsquare.inbox.sla_settings import DAYS, Periods, periods_parse, periods_text
from townsquare.inbox.working_time import Schedule
from townsquare.inbox.working_time_models import WorkingCalendar

DATE_HINT = "For example, 2026-12-24"
MOMENT_HINT = "Date and time, for example 2026-12-24 17:00"


class WorkingTimeForm(forms.Form):
    timezone = forms.CharField(max_length=60, label="Time zone", help_text="For example, Europe/London")
    nation = forms.ChoiceField(choices=WorkingCalendar.Nation.choices, label="Bank holidays of")

    def __init__(self, *args: Any, schedule: Schedule | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, day in enumerate(DAYS):
            self.fields[f"day{number}"] = forms.CharField(required=False, label=day, max_length=200)
            if schedule is not None:
                self.initial[f"day{number}"] = periods_text(list(schedule.periods.get(number, ())))
        self.fields["day0"].help_text = "Periods like 09:00-12:30, 13:30-17:00. Leave a day empty when closed."

    def periods(self) -> Periods:
        return {number: self.cleaned_data[f"day{number}"] for number in range(7)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number, day in enumerate(DAYS):
            try:
                data[f"day{number}"] = periods_parse(day, self.data.get(f"day{number}", ""))
            except ValidationError as error:
                self.add_error(f"day{number}", error)
        return data


class ClosureForm(forms.Form):
    day = forms.DateField(
        label="Closure day",
        help_text=DATE_HINT,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the day as year-month-day, like 2026-12-24."},
    )
    reason = forms.CharField(required=False, max_length=200, label="Reason (optional)")


class TargetForm(forms.Form):
    kind = forms.ChoiceField(choices=TargetKind.choices, label="Target")
    hours = forms.CharField(max_length=10, label="Working hours allowed", help_text="For example, 2 or 0.5")
    warn_hours = forms.CharField(max_length=10, initial="1", label="Warn when this many working hours are left")
    channel = forms.ModelChoiceField(
        queryset=Channel.objects.none(), required=False, label="Only for this account", empty_label="All accounts"
    )
    category = forms.ChoiceField(required=False, label="Only for this category")

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ModelChoiceField)
        channel_field.queryset = Channel.objects.filter(council=council).order_by("name")
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "All categories")] + [(c, c.replace("_", " ")) for c in CATEGORIES]


class ShiftForm(forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.none(), label="Who is on call")
    starts = forms.CharField(label="From", help_text=MOMENT_HINT, max_length=20)
    ends = forms.CharField(label="Until", help_text=MOMENT_HINT, max_length=20)

    def __init__(self, *args: Any, council: Council, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = assignable_people(council)
        self.zone = zone

    def _moment(self, name: str) -> dt.datetime:
        text = self.cleaned_data.get(name, "").strip()
        try:
            naive = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")  # made aware in the council's zone below
        except ValueError as exc:
            raise ValidationError("Enter a date and time like 2026-12-24 17:00.") from exc
        return naive.replace(tzinfo=self.zone)

    def clean_starts(self) -> dt.datetime:
        return self._moment("starts")

    def clean_ends(self) -> dt.datetime:
        return self._moment("ends")
