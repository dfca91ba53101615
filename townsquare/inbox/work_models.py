"""Answering and sharing the inbox: replies sent through publishing, saved replies, saved views, who is
looking at an item now, team rotation, and the out-of-hours auto-reply.

Imported by ``inbox.models`` so Django finds them; kept apart so the item's own model stays small.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"


class InboxReply(models.Model):
    """The council's answer to an item: a publishing post (policy, approval, dispatch) tied to the item."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply in the thread"
        PRIVATE = "private", "Private message"
        AUTO = "auto", "Out-of-hours auto-reply"

    item = models.ForeignKey("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="replies")
    post = models.OneToOneField("publishing.Post", on_delete=models.CASCADE, related_name="inbox_reply")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} to item {self.item_id}"


class SavedReply(models.Model):
    """A council's canned answer, in English or Welsh, inserted into the reply box and edited there."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(max_length=100)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "language"]
        constraints = [
            models.UniqueConstraint(fields=["council", "title", "language"], name="inbox_saved_reply_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class SavedView(models.Model):
    """A person's named inbox filters at one council."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_views")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, help_text="The filters, as the inbox page's query string.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "user", "name"], name="inbox_saved_view_unique")]

    def __str__(self) -> str:
        return self.name


class ItemPresence(models.Model):
    """Someone has the item open: refreshed by a heartbeat while the page is open."""

    item = models.ForeignKey("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="inbox_presence_once")]
        indexes = [models.Index(fields=["item", "seen_at"], name="inbox_presence_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.item_id}"


class TeamRotation(models.Model):
    """Where round-robin assignment within a team stands: the person given the last item."""

    service = models.OneToOneField("councils.Service", on_delete=models.CASCADE, related_name="rotation")
    last_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Rotation of {self.service_id}"


class AutoReply(models.Model):
    """A channel's out-of-hours auto-reply: its text, approved before it is ever sent."""

    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="auto_reply")
    enabled = models.BooleanField(default=False)
    text = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Auto-reply of {self.channel_id}"


class AutoReplySent(models.Model):
    """One auto-reply to one resident on one channel on one day: the constraint makes it at most once."""

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    author_key = models.CharField(max_length=300)
    day = models.DateField()
    item = models.ForeignKey("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "author_key", "day"], name="inbox_auto_reply_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Auto-reply to {self.author_key} on {self.day}"
