"""A channel's connection to its platform, what the platform sent us, and its measures.

The credentials are only ever stored encrypted (``townsquare.connectors.crypto``); nothing
else here is secret.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.channels.models import Channel


class Connection(models.Model):
    """One per channel. ``state`` is mirrored to ``Channel.connection_state`` by the services."""

    State = Channel.Connection

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="connection")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_CONNECTED)
    base_url = models.URLField(max_length=300, blank=True, help_text="The platform's server (Mastodon instance, PDS).")
    credentials_encrypted = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    account_external_id = models.CharField(max_length=300, blank=True)
    account_handle = models.CharField(max_length=300, blank=True)
    # Opaque to everything but the connector; kept across disconnection so that, once the channel
    # is reconnected, listening resumes where it stopped and nothing said meanwhile is lost.
    inbound_cursor = models.TextField(blank=True)
    # Where the platform's live stream was last read to (Bluesky: the firehose sequence number), kept
    # apart from ``inbound_cursor`` because a poll and a stream move on independently.
    stream_cursor = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    last_error_kind = models.CharField(max_length=20, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The work the last error came from, where that work's next success clears it ("snapshot"); blank
    # for any other call, whose error stays until another replaces it.
    last_error_source = models.CharField(max_length=20, blank=True)
    rate_remaining = models.IntegerField(null=True, blank=True)
    rate_limit = models.IntegerField(null=True, blank=True)
    rate_resets_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.channel} – {self.get_state_display()}"
