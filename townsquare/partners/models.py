"""Partner councils: one communications team serving several councils.

A person's choice of the combined view, a message composed once and sent as one post per council
(linked as a group), and the reviews of each corporate account that the policy's accounts summary
shows. Posts stay posts of their own council: a group only links them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CombinedViewChoice(models.Model):
    """Whether a person with roles in several councils starts from all of them together."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="combined_view")
    enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {'all councils together' if self.enabled else 'one council at a time'}"


class PostGroup(models.Model):
    """One message to partner councils: the same words, one post per council."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="post_groups")
    title = models.CharField(max_length=120, help_text="How the team refers to the message.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class PostGroupMember(models.Model):
    """One council's post of a group; a post belongs to one group at most."""

    group = models.ForeignKey(PostGroup, on_delete=models.CASCADE, related_name="members")
    post = models.OneToOneField("publishing.Post", on_delete=models.CASCADE, related_name="partner_group")
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["council__name"]
        constraints = [models.UniqueConstraint(fields=["group", "council"], name="post_group_one_post_per_council")]

    def __str__(self) -> str:
        return f"{self.group} at {self.council}"


class ChannelReview(models.Model):
    """A review of a corporate account against the policy (owner, deputy, access, branding, two-factor)."""

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["channel", "reviewed_on"])]

    def __str__(self) -> str:
        return f"{self.channel_id} reviewed {self.reviewed_on}"
