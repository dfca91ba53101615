"""Council meetings, the posts that promote them, and live streams of chosen agenda items.

A ``Meeting`` comes from the council's meeting calendar (an iCalendar feed such as ModernGov's, an
uploaded .ics file, or a CSV). Each council's ``MeetingSettings`` holds its feed and the default
channels; each ``PromotionOffset`` says when to promote (days before, at a local time) and in what
words. A ``Promotion`` ties one meeting and one offset to the draft post made for it: the unique
pair is what makes drafting idempotent. A ``LiveStream`` records a streamed item, who agreed it
(the Portfolio Holder, per the Cabinet's decision) and, afterwards, its ``ViewingFigures``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from townsquare.channels.models import Platform


class MeetingSettings(models.Model):
    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="meeting_settings")
    feed_url = models.URLField(max_length=1000, blank=True, help_text="The meeting calendar's iCalendar feed.")
    default_channels = models.ManyToManyField(
        "channels.Channel", blank=True, related_name="+", help_text="Promotional posts are drafted for these channels."
    )
    feed_checked_at = models.DateTimeField(null=True, blank=True)
    feed_ok_at = models.DateTimeField(null=True, blank=True)
    feed_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "meeting settings"

    def __str__(self) -> str:
        return f"Meeting settings of {self.council_id}"


class PromotionOffset(models.Model):
    """When to promote a meeting: ``days_before`` its date, at ``at_time`` (council local time)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="promotion_offsets")
    days_before = models.PositiveSmallIntegerField()
    at_time = models.TimeField()
    template = models.TextField()

    class Meta:
        ordering = ["-days_before", "at_time"]
        constraints = [
            models.UniqueConstraint(fields=["council", "days_before", "at_time"], name="promotion_offset_unique_slot")
        ]

    def __str__(self) -> str:
        when = (
            "on the day"
            if self.days_before == 0
            else ("the day before" if self.days_before == 1 else f"{self.days_before} days before")
        )
        return f"{when} at {self.at_time:%H:%M}"


class Meeting(models.Model):
    class Source(models.TextChoices):
        FEED = "feed", "Calendar feed"
        ICS = "ics", "Uploaded iCalendar file"
        CSV = "csv", "CSV file"
        DEMO = "demo", "Demo data"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="meetings")
    uid = models.CharField(max_length=500, blank=True, help_text="The calendar's UID, which a re-import matches.")
    committee = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    agenda_url = models.URLField(max_length=1000, blank=True)
    cancelled = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "committee"]
        constraints = [
            models.UniqueConstraint(fields=["council", "uid"], condition=~Q(uid=""), name="meeting_unique_uid")
        ]
        indexes = [models.Index(fields=["council", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.committee}, {timezone.localtime(self.starts_at):%-d %B %Y}"


class Promotion(models.Model):
    """The draft made for one meeting at one offset; never two for the same pair."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="promotions")
    offset = models.ForeignKey(PromotionOffset, null=True, on_delete=models.SET_NULL, related_name="promotions")
    post = models.OneToOneField("publishing.Post", on_delete=models.PROTECT, related_name="meeting_promotion")
    # What the meeting looked like when drafted, so the page can say when it has changed since.
    drafted_for = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post__scheduled_for", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "offset"], name="promotion_unique_offset")]

    def __str__(self) -> str:
        return f"Promotion of meeting {self.meeting_id} at offset {self.offset_id}"


class LiveStream(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        AGREED = "agreed", "Agreed: ready to stream"
        LIVE = "live", "Live"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="live_streams")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="live_streams")
    agenda_item = models.CharField(max_length=300)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="live_streams"
    )
    stream_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Who agreed the item: a person with a role here, or a name and role typed in.
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_by_name = models.CharField(max_length=200, blank=True)
    agreed_by_role = models.CharField(max_length=200, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    announcements = models.ManyToManyField("publishing.Post", blank=True, related_name="live_streams")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agenda_item} ({self.meeting})"

    @property
    def agreed(self) -> bool:
        return self.agreed_on is not None and bool(self.agreed_by_id or self.agreed_by_name.strip())

    @property
    def agreed_by_label(self) -> str:
        name = self.agreed_by.display_name if self.agreed_by is not None else self.agreed_by_name
        return f"{name}, {self.agreed_by_role}" if self.agreed_by_role else name


class ViewingFigures(models.Model):
    """One reading of a stream's figures, copied by a person from the platform's own statistics."""

    stream = models.ForeignKey(LiveStream, on_delete=models.CASCADE, related_name="figures")
    peak_concurrent_viewers = models.PositiveIntegerField()
    total_views = models.PositiveIntegerField()
    average_watch_seconds = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figures were read, e.g. YouTube Studio.")
    read_on = models.DateField(help_text="The date the figures were read from the platform.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-read_on", "-entered_at", "-pk"]
        verbose_name_plural = "viewing figures"

    def __str__(self) -> str:
        return f"{self.total_views} views of stream {self.stream_id} on {self.read_on}"

    @property
    def average_watch_label(self) -> str:
        minutes, seconds = divmod(self.average_watch_seconds, 60)
        return f"{minutes}:{seconds:02d}"
