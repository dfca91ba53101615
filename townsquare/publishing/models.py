"""Posts, their targets (one per channel), images, approvals and publishing attempts.

A ``Post`` carries the words and the workflow (draft -> awaiting approval -> approved, or
rejected / returned). Each channel it goes to is a ``PostTarget`` with its own status, due time and
idempotency key: the database is the queue of record for dispatch, and a target is claimed with a
conditional UPDATE. Every call to a platform is a ``PublishAttempt`` row written and committed
before the call is made, so a worker that dies mid-call leaves evidence instead of a mystery.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Campaign(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    second_approval = models.BooleanField(
        default=False, help_text="Posts in this campaign need a second approver before they are scheduled."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="campaign_unique_name")]

    def __str__(self) -> str:
        return self.name


class ChannelPublishing(models.Model):
    """Publishing settings of one channel: the second approval step and the rate-limit lock row."""

    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="publishing")
    second_approval = models.BooleanField(
        default=False, help_text="Posts to this channel need a second approver before they are scheduled."
    )
    # Dispatch locks this row while it counts the channel's recent attempts, so two workers
    # cannot both take the last call of an hourly allowance.
    last_dispatch_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Publishing settings of {self.channel_id}"


class PostingSlot(models.Model):
    """A regular time a channel posts at, e.g. weekdays 09:00 and 12:30 (local time)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="posting_slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    time = models.TimeField()

    class Meta:
        ordering = ["weekday", "time"]
        constraints = [models.UniqueConstraint(fields=["channel", "weekday", "time"], name="slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M}"


def shortened(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at the end of a word, with "…" where it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        AWAITING_SECOND = "awaiting_second", "Awaiting second approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        RETURNED = "returned", "Returned: approved after its slot"
        CANCELLED = "cancelled", "Cancelled"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        WELSH = "cy", "Welsh"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    text = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    pair = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paired_with",
        help_text="The same post in the other language (Welsh Language Standards).",
    )
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts")
    service = models.ForeignKey(
        "councils.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=120, blank=True, help_text="What made this draft, e.g. meeting:12")
    is_reply = models.BooleanField(default=False)
    reply_to_external_id = models.CharField(
        max_length=500, blank=True, help_text="The platform's id of the message this answers, in its thread."
    )
    private_to = models.CharField(
        max_length=300, blank=True, help_text="Sent as a private message to this handle instead of in public."
    )
    # The last policy check, kept so the queue shows findings without re-running every rule.
    findings = models.JSONField(default=list, blank=True)
    forces_approval = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="Why it was rejected or returned.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every save of the draft: a change based on an older number (an autosave that was
    # overtaken by "Save draft", another tab) is refused instead of overwriting the newer save.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["council", "status"]), models.Index(fields=["council", "scheduled_for"])]

    def __str__(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else "(no text yet)"
        return shortened(first, 80)

    @property
    def draft_ref(self) -> str:
        """How the policy package refers to this draft (emergency overrides)."""
        return f"publishing.post:{self.pk}"


def _image_path(instance: PostImage, filename: str) -> str:
    return f"posts/{instance.post.council_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :][:6]}"


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=_image_path, max_length=300)
    mime_type = models.CharField(max_length=40)
    alt_text = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text[:60] or "(no alt text)"


class PostTarget(models.Model):
    """One post on one channel: its own text variant, status, due time and idempotency key."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        UNCONFIRMED = "unconfirmed", "Unconfirmed: check the account"
        CANCELLED = "cancelled", "Cancelled"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="post_targets")
    text_override = models.TextField(blank=True, help_text="This channel's own wording; empty uses the post's.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    due_at = models.DateTimeField(null=True, blank=True)
    # Stable for the life of the target: a re-send after a lost answer reuses it, so a platform
    # that honours idempotency keys publishes once.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Changed or deleted on the platform by Townsquare after publishing (``published_changes``); the
    # status stays "published": that is what happened, and the archive keeps each version.
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["channel__platform", "channel__handle"]
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="post_target_unique_channel")]
        # The second serves dispatch: a channel's due targets, in due order.
        # (status, due_at, channel): what is due, earliest first and a channel's together (``due_claim``).
        indexes = [
            models.Index(fields=["status", "due_at", "channel"]),
            models.Index(fields=["channel", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} on {self.channel_id} ({self.status})"

    @property
    def text(self) -> str:
        return self.text_override or self.post.text


class PublishAttempt(models.Model):
    """One call to a platform, recorded and committed before the call is made."""

    class Outcome(models.TextChoices):
        STARTED = "started", "Started (no answer recorded)"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        UNCONFIRMED = "unconfirmed", "Unconfirmed"
        # Claimed with a batch but given back before any call (the platform asked for a pause).
        RELEASED = "released", "Released unsent"

    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="attempts")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.UUIDField()
    worker = models.CharField(max_length=120)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.STARTED)
    error_kind = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    external_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["channel", "started_at"]), models.Index(fields=["outcome", "started_at"])]

    def __str__(self) -> str:
        return f"attempt {self.pk} on target {self.target_id} ({self.outcome})"


class AccountCheck(models.Model):
    """A look at the channel's own recent posts after an unconfirmed publish: is the post there?

    Made by the ``publishing.check_unconfirmed`` job; the newest one is what the post's page shows,
    and what a communications officer sees before choosing to send again.
    """

    class Outcome(models.TextChoices):
        FOUND = "found", "Found on the account"
        NOT_YET = "not_yet", "Not on the account yet"
        ABSENT = "absent", "Not on the account"
        ERROR = "error", "Could not read the account"

    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="account_checks")
    checked_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # The stretch of the account read: from just before the first call to the moment of the check.
    window_from = models.DateTimeField()
    window_to = models.DateTimeField()
    posts_read = models.PositiveIntegerField(default=0)
    matched_by = models.CharField(max_length=40, blank=True, help_text="marker, or text and time")
    # What the account showed: up to ten posts (time, start of text, address), for a person to see.
    evidence = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["target", "checked_at"])]

    def __str__(self) -> str:
        return f"check of target {self.target_id}: {self.outcome}"


class UnconfirmedChange(models.Model):
    """A change to a published post (``published_changes``) that its platform did not confirm (a 5xx, a
    timeout) and that the account, read straight after, could not settle. The post's page shows it until the
    archive's hourly re-read of the channel, or a person's "check again", sees what the platform did."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Change of words"
        DELETE = "delete", "Deletion"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not confirmed yet"
        MADE = "made", "Made on the platform"
        NOT_MADE = "not_made", "Not made on the platform"
        OVERTAKEN = "overtaken", "Overtaken by a later change"

    target = models.ForeignKey(PostTarget, on_delete=models.CASCADE, related_name="unconfirmed_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True, help_text="A change of words: the words asked for.")
    sent = models.TextField(blank=True, help_text="A change of words: as sent to the platform.")
    previous = models.TextField(blank=True, help_text="A change of words: what the platform was last sent.")
    reason = models.TextField(blank=True, help_text="A deletion: why.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True, help_text="What the platform answered, or why there was no answer.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_how = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"], condition=models.Q(outcome="pending"), name="unconfirmed_change_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of target {self.target_id} ({self.outcome})"
