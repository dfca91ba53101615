"""The archive: everything a council sent and received, kept as a record that is never changed in place.

An ``ArchiveRecord`` is one thing (a post on a channel, a received item, a note, a post's approval
history); its content lives in ``ArchiveVersion`` rows, one per state seen: the first capture, each
edit, and the deletion. Versions are sealed in one chain per council (``townsquare.archive.chain``),
so editing or removing any of them is found by ``manage.py archive_verify``. A record's few
summary columns (its newest content hash, when it was edited or deleted) are written only by the
services, with conditional updates, and only ever move forward; a ``save`` of an existing row, or a
``delete`` of one, is refused. Disposal past retention removes rows through the queryset and leaves
each removed version's seal behind (``ArchiveTombstone``) so the chain still verifies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    POST = "post", "Post"
    REPLY = "reply", "Reply"
    RECEIVED = "received", "Received item"
    DIRECT_MESSAGE = "direct_message", "Direct message"
    NOTE = "note", "Internal note"
    APPROVAL = "approval", "Approval history"


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(f"{type(self).__name__} rows are removed only by a disposal run.")


class ArchiveRecord(AppendOnly):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="archive_records")
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="archive_records"
    )
    platform = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_id = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=300, blank=True)
    thread_key = models.CharField(max_length=500, blank=True)
    # What in Townsquare it was captured from, e.g. "publishing.posttarget:12": a capture runs once per source.
    source = models.CharField(max_length=120)
    occurred_at = models.DateTimeField(help_text="When it was published, received or written.")
    first_seen_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64, help_text="The newest version's content hash.")
    version_count = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["council", "source"], name="archive_record_source_once")]
        indexes = [
            models.Index(fields=["council", "-occurred_at", "-id"], name="archive_council_newest"),
            models.Index(fields=["channel", "-occurred_at", "-id"], name="archive_channel_newest"),
            models.Index(fields=["council", "kind", "occurred_at"], name="archive_council_kind_when"),
            models.Index(fields=["council", "platform", "-occurred_at", "-id"], name="archive_platform_newest"),
            models.Index(fields=["council", "thread_key"], name="archive_thread"),
            models.Index(fields=["channel", "external_id"], name="archive_external"),
            # "Only edited" and "only deleted" are a small share of the archive: each its own newest-first index.
            models.Index(
                fields=["council", "-occurred_at", "-id"],
                condition=models.Q(edited_at__isnull=False),
                name="archive_edited_newest",
            ),
            models.Index(
                fields=["council", "-occurred_at", "-id"],
                condition=models.Q(deleted_at__isnull=False),
                name="archive_deleted_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id or self.source}"


class ArchiveVersion(AppendOnly):
    class Event(models.TextChoices):
        CAPTURED = "captured", "Captured"
        EDITED = "edited", "Edited"
        DELETED = "deleted", "Deleted"

    record = models.ForeignKey(ArchiveRecord, on_delete=models.PROTECT, related_name="versions")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    n = models.PositiveIntegerField(help_text="1 for the first capture, then each later state.")
    event = models.CharField(max_length=10, choices=Event.choices)
    text = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    captured_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    # The council's chain: place, the seal before, this seal (HMAC over every field), which key sealed it.
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["record_id", "n"]
        constraints = [
            models.UniqueConstraint(fields=["record", "n"], name="archive_version_n_once"),
            models.UniqueConstraint(fields=["council", "seq"], name="archive_version_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.n} ({self.event})"


class ArchiveChainHead(models.Model):
    """One row per council (its id is the council's), locked while a version is appended."""

    id = models.PositiveBigIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"archive chain {self.id} at {self.seq}"


class ArchiveDisposal(AppendOnly):
    """What one disposal run removed under one retention rule: never the content."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="archive_disposals")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.ForeignKey("channels.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    class_label = models.CharField(max_length=200)
    legal_basis = models.TextField()
    count = models.PositiveIntegerField()
    held_skipped = models.PositiveIntegerField(default=0)
    earliest = models.DateTimeField(null=True, blank=True)
    latest = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.count} {self.kind} disposed {self.run_at:%Y-%m-%d}"


class ArchiveTombstone(AppendOnly):
    """The seal of a version removed by disposal: the chain runs through it, the content is gone."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    disposal = models.ForeignKey(ArchiveDisposal, on_delete=models.PROTECT, related_name="tombstones")
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "seq"], name="archive_tombstone_seq_once")]

    def __str__(self) -> str:
        return f"disposed {self.council_id}:{self.seq}"


class RetentionClass(models.Model):
    """How long a council keeps one kind of record (on every channel, or on one channel), and why."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="retention_classes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.ForeignKey(
        "channels.Channel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="retention_classes",
        help_text="Empty: every channel without a rule of its own.",
    )
    name = models.CharField(max_length=200)
    retain_days = models.PositiveIntegerField()
    legal_basis = models.TextField(help_text="The law, code or schedule that sets the period.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "channel_id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "kind", "channel"], name="retention_once_per_channel"),
            models.UniqueConstraint(
                fields=["council", "kind"], condition=models.Q(channel__isnull=True), name="retention_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.retain_days} days)"


class LegalHold(models.Model):
    """While active, nothing its search finds is disposed of, including records archived after it was placed."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="legal_holds")
    query = models.JSONField(help_text="The ArchiveQuery, as ArchiveQuery.to_json().")
    reason = models.TextField()
    reference = models.CharField(max_length=200, help_text="e.g. the request's reference, FOI-2026-0012")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["council", "released_at"])]

    def __str__(self) -> str:
        return f"Hold {self.reference}"

    @property
    def active(self) -> bool:
        return self.released_at is None
