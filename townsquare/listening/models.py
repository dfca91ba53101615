"""Listening queries: what a council wants to hear about, each a boolean query (townsquare/listening/query.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.channels.models import Platform

MAX_QUERY_LENGTH = 4000


class ListeningQuery(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="listening_queries")
    name = models.CharField(max_length=200, help_text="How the team refers to it, e.g. Missed bins")
    query = models.TextField(max_length=MAX_QUERY_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="listening_queries"
    )
    platforms = models.JSONField(default=list, blank=True, help_text="Only these platforms; none means all")
    channels = models.ManyToManyField(
        "channels.Channel",
        blank=True,
        related_name="listening_queries",
        help_text="Only these accounts; none means all",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="listening_query_unique_name")]

    def __str__(self) -> str:
        return self.name

    def platform_labels(self) -> list[str]:
        return [Platform(p).label for p in self.platforms if p in Platform.values]


class ListeningRevision(models.Model):
    """Moves on every change to a council's queries, so each process knows to recompile its set."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="listening_revision")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Listening revision {self.version} of council {self.council_id}"
