"""A council's working time: its hours per weekday, its nation's bank holidays and its own closure days.

Read through ``townsquare.inbox.working_time``; a council with nothing set works Monday to Friday,
09:00 to 17:00, London time, with the bank holidays of England and Wales.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def timezone_validator(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Enter a time zone such as Europe/London.") from exc


class WorkingCalendar(models.Model):
    """Where a council's working time is reckoned: its time zone and whose bank holidays it keeps."""

    class Nation(models.TextChoices):
        ENGLAND = "england", "England and Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="working_calendar")
    timezone = models.CharField(max_length=60, default="Europe/London", validators=[timezone_validator])
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Working calendar of {self.council_id}"


class WorkingPeriod(models.Model):
    """One stretch of working hours on one weekday (a day may have several: a lunch break between)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="working_periods")
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, 6 is Sunday.")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="working_period_weekday"),
            models.CheckConstraint(condition=models.Q(starts__lt=models.F("ends")), name="working_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"

    @property
    def hours(self) -> float:
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.starts)
        return (dt.datetime.combine(dt.date(2000, 1, 1), self.ends) - start).total_seconds() / 3600


class ClosureDay(models.Model):
    """A day the council is closed besides weekends and bank holidays (a council closure day)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="closure_days")
    day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["council", "day"], name="closure_day_once")]

    def __str__(self) -> str:
        return f"Closed {self.day}"
