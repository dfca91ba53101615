"""The channel register: every corporate social media account a council runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    NEXTDOOR = "nextdoor", "Nextdoor"


class Channel(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        TO_CLOSE = "to_close", "To close"
        CLOSED = "closed", "Closed"

    class Connection(models.TextChoices):
        NOT_CONNECTED = "not_connected", "Not connected"
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECTING = "needs_reconnecting", "Needs reconnecting"
        ERROR = "error", "Error"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="channels")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=200, help_text="How staff refer to it, e.g. Riverside Waste")
    handle = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    service = models.ForeignKey(
        "councils.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="channels"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_channels"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deputy_channels"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_channels",
        help_text="Service officers who may draft for this channel.",
    )
    digital_access_confirmed_on = models.DateField(null=True, blank=True)
    branding_checked_on = models.DateField(null=True, blank=True)
    platform_two_factor = models.BooleanField(null=True, blank=True, help_text="Two-factor on at the platform")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    last_post_at = models.DateTimeField(null=True, blank=True)
    connection_state = models.CharField(max_length=20, choices=Connection.choices, default=Connection.NOT_CONNECTED)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["council", "platform", "handle"], name="channel_unique_handle")]
        indexes = [models.Index(fields=["council", "platform", "handle"]), models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()} {self.handle})"
