"""What the council's accounts measure: the platforms' snapshots as taken, the daily figure of each
measure (from a snapshot or an imported spreadsheet), and monthly summaries kept up to date as daily
figures arrive, so that pages never group the raw history."""

from __future__ import annotations

from django.db import models

from townsquare.channels.models import Channel
from townsquare.measures.periods import Quarter


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


class PlatformMonthly(models.Model):
    """A month's figure for all a council's accounts on one platform (the sum of their monthly
    figures), kept with them, so a council's or a platform's chart reads a handful of rows."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=20)
    metric = models.CharField(max_length=30, choices=Metric.choices)
    month = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "metric", "month", "platform"], name="measures_one_platform_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council_id} {self.platform} {self.metric} {self.month:%Y-%m}: {self.value}"


class LatestMeasure(models.Model):
    """A channel's latest figure of each measure (its level for a stock, the last day's for a flow), kept
    with the monthly summary, so that pages know which measures a council has without reading months."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="latest_measures")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    day = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "metric"], name="measures_one_latest")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.metric} on {self.day}: {self.value}"


class InboxMonthly(models.Model):
    """What a channel's inbox received in a month, for one service (or none), and how the
    items received that month were answered: counts and total seconds, so any scope's mean and share
    within target is a sum of rows. Refreshed from the inbox as items arrive and change."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    # The service's id, 0 when not routed (a plain number so that "none" is one key, on every database).
    service_key = models.PositiveIntegerField(default=0)
    month = models.DateField(help_text="The first day of the month the items were received.")
    received = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0, help_text="Items with a first response.")
    response_seconds = models.BigIntegerField(default=0)
    responded_in_target = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolution_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "service_key", "month"], name="measures_inbox_one_per_month"),
        ]
        indexes = [models.Index(fields=["council", "month"])]

    def __str__(self) -> str:
        return f"{self.channel_id} inbox {self.month:%Y-%m}: {self.received}"


class InboxFirstResponse(models.Model):
    """When the council first answered an inbox item (its status first became "awaiting resident" or
    "resolved"), read once from the audit trail so summaries never read it again."""

    item_id = models.BigIntegerField(primary_key=True)
    responded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Item {self.item_id} answered at {self.responded_at:%Y-%m-%d %H:%M}"


class InboxWatermark(models.Model):
    """How far the inbox summaries have read: the last item and the last audit event taken in."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_item_id = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Inbox summaries to item {self.last_item_id} and event {self.last_event_id}"


class SummaryStamp(models.Model):
    """Changed in the same transaction as any change to a council's summaries or targets: pages keep
    what they computed from the summaries under it, so a changed figure is never served stale. A
    random token, not a counter, so that a restored or another database never meets an old key."""

    council = models.OneToOneField("councils.Council", primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.council_id} summaries version {self.version}"


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


class MembersReport(models.Model):
    """A council's quarterly report to Members from draft to publication. Until it is published it is
    built from the figures each time it is read; at publication its page, PDF and CSV are stored and
    never change."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "With the task group for review"
        SIGNED_OFF = "signed_off", "Signed off"
        PUBLISHED = "published", "Published to Members"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="members_reports")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    financial = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    commentary = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    html = models.TextField(blank=True, help_text="The page as published.")
    pdf = models.BinaryField(blank=True, default=b"", help_text="The PDF as published.")
    csv = models.TextField(blank=True, help_text="The CSV as published.")

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "year", "number", "financial"], name="measures_one_report_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council_id} {self.year}Q{self.number}{' financial' if self.financial else ''}"

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number, self.financial)


class ReviewComment(models.Model):
    """A task group member's comment on a report under review."""

    report = models.ForeignKey(MembersReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment on {self.report_id} by {self.author_id}"


class PostReach(models.Model):
    """How many people a published post reached (views on X and YouTube, which count no people), as the
    platform last reported it with the account's daily snapshot (``Connector.posts_reach``)."""

    target = models.OneToOneField(
        "publishing.PostTarget", primary_key=True, on_delete=models.CASCADE, related_name="measured_reach"
    )
    reach = models.BigIntegerField()
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Post target {self.target_id}: {self.reach} at {self.read_at:%Y-%m-%d %H:%M}"
