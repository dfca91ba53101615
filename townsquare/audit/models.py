"""The audit trail: append-only events, each sealed with a keyed hash chained to the one before.

Each council's events form a chain of their own (``chain`` is the council's id; 0 holds the events
of no council); ``seq`` is the event's place in its chain. See ``townsquare.audit.chain``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    chain = models.PositiveBigIntegerField(default=0)
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the record still says who acted if the account is ever removed.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, blank=True)  # which audit key sealed it

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["council", "-seq"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """One row per chain (its id is the chain's), locked while an event is appended, so it never forks."""

    id = models.PositiveBigIntegerField(primary_key=True, default=0)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head at {self.seq}"
