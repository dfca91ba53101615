"""What the council's accounts measure: the platforms' snapshots as taken, the daily figure of each
measure (from a snapshot or an imported spreadsheet), and monthly summaries kept up to date as daily
figures arrive, so that pages never group the raw history."""

from __future__ import annotations

from django.db import models

from townsquare.channels.models import Channel


class Metric(models.TextChoices):
    FOLLOWERS = "followers", "followers"
    PAGE_LIKES = "page_likes", "page likes"
    PROFILE_VIEWS = "profile_views", "profile views"
    IMPRESSIONS = "impressions", "impressions"
    REACH = "reach", "reach"
    ENGAGEMENTS = "engagements", "engagements"
    LINK_CLICKS = "link_clicks", "link clicks"
    VIDEO_VIEWS = "video_views", "video views"
    WATCH_TIME_MINUTES = "watch_time_minutes", "video watch time (minutes)"
    POSTS_PUBLISHED = "posts_published", "posts published"


# A stock is a level on a day (the latest level stands for a month); every other measure is a flow
# counted per day (a month is the sum of its days).
STOCK_METRICS = frozenset({Metric.FOLLOWERS, Metric.PAGE_LIKES})


class MetricSnapshot(models.Model):
    """An account's figures as the platform reported them at one moment; None: not reported."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="metric_snapshots")
    taken_at = models.DateTimeField()
    followers = models.BigIntegerField(null=True, blank=True)
    page_likes = models.BigIntegerField(null=True, blank=True)
    profile_views = models.BigIntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)
    reach = models.BigIntegerField(null=True, blank=True)
    engagements = models.BigIntegerField(null=True, blank=True)
    video_views = models.BigIntegerField(null=True, blank=True)
    watch_time_minutes = models.BigIntegerField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["channel", "taken_at"], name="connectors__channel_893a68_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class Source(models.TextChoices):
    PLATFORM = "platform", "From the platform"
    IMPORT = "import", "Imported from the council's records"


class DailyMeasure(models.Model):
    """One measure of one channel on one day: the figure of record, whatever its source."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="daily_measures")
    day = models.DateField()
    metric = models.CharField(max_length=30, choices=Metric.choices)
    value = models.BigIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PLATFORM)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "metric", "day"], name="measures_one_per_day")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.metric} {self.day}: {self.value}"


class MonthlyMeasure(models.Model):
    """A month's figure for a channel and measure: the last level of a stock, the sum of a flow.

    Kept in step with ``DailyMeasure`` by the service that writes daily figures."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="monthly_measures")
    month = models.DateField(help_text="The first day of the month.")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    value = models.BigIntegerField()
    last_day = models.DateField(help_text="The latest day with a figure in this month.")
    days = models.PositiveSmallIntegerField(default=0, help_text="How many days of the month have a figure.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "metric", "month"], name="measures_one_per_month")]
        indexes = [models.Index(fields=["metric", "month"])]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.metric} {self.month:%Y-%m}: {self.value}"


class MeasureTarget(models.Model):
    """What a council means a measure to reach in a quarter (a level for a stock, the quarter's total
    for a flow), for all its accounts or one platform, with how far short still counts as amber."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="measure_targets")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    platform = models.CharField(max_length=20, blank=True, help_text="Blank: all the council's accounts.")
    value = models.BigIntegerField()
    tolerance_percent = models.PositiveSmallIntegerField(default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "platform"]
        constraints = [models.UniqueConstraint(fields=["council", "metric", "platform"], name="measures_one_target")]

    def __str__(self) -> str:
        return f"{self.council_id} {self.metric} {self.platform or 'all'}: {self.value}"

    def status(self, figure: int) -> str:
        """Green at or above the target, amber within the tolerance below it, red further below."""
        if figure >= self.value:
            return "green"
        return "amber" if figure * 100 >= self.value * (100 - self.tolerance_percent) else "red"
