"""Where a council's alerts go (email, Microsoft Teams, signed webhooks), each alert raised, and each
delivery with every attempt.

Webhook addresses (a Teams Workflows address carries its own signature) and shared secrets are
stored only encrypted (``townsquare.alerts.crypto``); a delivery attempt records the outcome, never
the address or the secret.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Destination(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        TEAMS = "teams", "Microsoft Teams (Workflows webhook)"
        WEBHOOK = "webhook", "Webhook (signed)"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="alert_destinations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url_encrypted = models.TextField(blank=True)
    url_host = models.CharField(max_length=300, blank=True, help_text="Shown in place of the secret address.")
    secret_encrypted = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_as(self) -> str:
        """What a page may show of where it goes: the address, the person, or the webhook's host only."""
        if self.kind == self.Kind.EMAIL:
            return self.person.email if self.person_id and self.person else self.email
        return self.url_host


class Alert(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=60, help_text="Who raised it and why, such as inbox.urgent.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=1000, blank=True)
    facts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["council", "created_at"], name="alert_council_created_idx")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One alert to one destination (or one extra recipient's email address)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        RETRYING = "retrying", "Failed, will try again"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.ForeignKey(
        Destination, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    kind = models.CharField(max_length=10, choices=Destination.Kind.choices)
    label = models.CharField(max_length=300, help_text="Where it went, as a page may show it.")
    email = models.EmailField(blank=True, help_text="For an extra recipient with no destination of their own.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.alert_id} to {self.label}"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Attempt {self.pk} of {self.delivery_id}"
