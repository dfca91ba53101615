"""What the classifier learns from a council: each service's routing words and example messages, and
officers' corrections of its suggestions (kept for retraining)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.classify.categories import CATEGORIES, RISKS

SENTIMENTS = ("negative", "neutral", "positive")


class ServiceRouting(models.Model):
    """The words and phrases that mark a message for one service, in any language the council uses."""

    service = models.OneToOneField("councils.Service", on_delete=models.CASCADE, related_name="routing")
    words = models.TextField(
        blank=True,
        help_text="One word or phrase a line (English and Welsh). Empty: the built-in words for a service of its kind.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Routing words of {self.service}"

    def word_list(self) -> list[str]:
        return [line.strip() for line in self.words.splitlines() if line.strip()]


class RoutingExample(models.Model):
    """A message that belongs to a service: written when setting the service up, or added by a correction."""

    class Source(models.TextChoices):
        CONFIGURED = "configured", "Written for the service"
        CORRECTION = "correction", "An officer's correction in the inbox"

    service = models.ForeignKey("councils.Service", on_delete=models.CASCADE, related_name="routing_examples")
    text = models.TextField(max_length=4000)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CONFIGURED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "created_at", "id"]
        indexes = [models.Index(fields=["service", "created_at"], name="classify_example_service")]

    def __str__(self) -> str:
        return f"{self.service}: {self.text[:60]}"


class ClassificationCorrection(models.Model):
    """An officer's correction of one suggestion (sentiment, categories, risk, language or service)."""

    class Field(models.TextChoices):
        SENTIMENT = "sentiment", "Sentiment"
        CATEGORIES = "categories", "Categories"
        RISK = "risk", "Risk"
        LANGUAGE = "language", "Language"
        SERVICE = "service", "Service"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="classification_corrections")
    text = models.TextField(max_length=4000)
    field = models.CharField(max_length=20, choices=Field.choices)
    suggested = models.JSONField(null=True, blank=True, help_text="What the classifier said.")
    corrected = models.JSONField(null=True, blank=True, help_text="What the officer says it is.")
    service = models.ForeignKey(
        "councils.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a service correction: the right service.",
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["council", "field", "created_at"], name="classify_correction_field")]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.suggested!r} -> {self.corrected!r}"


__all__ = ["CATEGORIES", "RISKS", "SENTIMENTS", "ClassificationCorrection", "RoutingExample", "ServiceRouting"]
