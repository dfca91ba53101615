"""What the platforms sent to a council's channels, and the work done on it (assignment, status, notes, tags).

``raw`` always holds the platform's payload, so a parser fixed later can read it again; an item
that could not be fully parsed is kept with ``malformed`` set, and one whose processing failed after
it was stored is kept with ``needs_attention`` set: nothing received is ever dropped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.channels.models import Channel


class ReceivedItem(models.Model):
    """Anything a platform sent to a channel (mention, reply, comment, message), stored as received."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ASSIGNED = "assigned", "Assigned"
        AWAITING_REPLY = "awaiting_reply", "Awaiting reply"
        AWAITING_RESIDENT = "awaiting_resident", "Awaiting resident"
        RESOLVED = "resolved", "Resolved"

    # Every index is written on each item stored (thousands a second at ingest), so a column keeps an index of
    # its own only where no other index leads with it: the council's and the account's are led by theirs below.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="received_items", db_index=False
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="received_items", db_index=False)
    external_id = models.CharField(max_length=500)
    kind = models.CharField(max_length=30, blank=True)
    author_handle = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    url = models.CharField(max_length=1000, blank=True)
    in_reply_to_external_id = models.CharField(max_length=500, blank=True)
    raw = models.JSONField(default=dict)
    malformed = models.BooleanField(default=False)
    parse_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # Normalised from the payload.
    author_key = models.CharField(max_length=300, blank=True, help_text="The author's handle, compared case-blind.")
    language = models.CharField(max_length=8, blank=True)
    links = models.JSONField(default=list, blank=True)
    media = models.JSONField(default=list, blank=True)
    thread_key = models.CharField(max_length=500, blank=True, help_text="The external id of the thread's first item.")
    # Enriched by classification and routing.
    sentiment = models.CharField(max_length=10, blank=True)
    categories = models.JSONField(default=list, blank=True)
    risk = models.CharField(max_length=20, blank=True)
    classification = models.JSONField(default=dict, blank=True)
    service = models.ForeignKey(
        "councils.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_items",
        help_text="The council service the item is routed to.",
        db_index=False,  # indexed where set (Meta)
    )
    # Processing: each stage done, and a failure after storing flagged here.
    normalised = models.BooleanField(default=False)
    indexed = models.BooleanField(default=False)
    enriched = models.BooleanField(default=False)
    needs_attention = models.BooleanField(default=False)
    processing_error = models.TextField(blank=True)
    # Working the item.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_items",
        db_index=False,  # indexed where set (Meta)
    )
    assigned_service = models.ForeignKey(
        "councils.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_items",
        help_text="The team the item is assigned to, where not to one person.",
        db_index=False,  # indexed where set (Meta)
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="received_item_unique_per_channel")
        ]
        indexes = [
            # The inbox newest first (the id breaks ties), and ranges of received_at.
            models.Index(fields=["council", "-received_at", "-id"], name="inbox_council_newest_idx"),
            models.Index(fields=["channel", "created_at"], name="connectors__channel_445b59_idx"),
            # The inbox filtered by status, newest first in the page's own order (the id breaks ties, so the
            # page walks this index and stops, rather than every item of the council newest first); also
            # counts by status.
            models.Index(fields=["council", "status", "-received_at", "-id"], name="inbox_status_page_idx"),
            models.Index(fields=["channel", "thread_key"], name="inbox_thread_idx"),
            # The few items flagged for an officer (a stage failed), counted on every inbox page.
            models.Index(fields=["council"], condition=models.Q(needs_attention=True), name="inbox_flagged_idx"),
            # Items of a person, a team or a service (the filters ask for one; a deletion sets them to none): only
            # the items where one is set are indexed, so an item stored with none, as every new item is, and
            # classified with no service, writes nothing to these three.
            models.Index(fields=["assignee"], condition=models.Q(assignee__isnull=False), name="inbox_assignee_idx"),
            models.Index(
                fields=["assigned_service"],
                condition=models.Q(assigned_service__isnull=False),
                name="inbox_assigned_team_idx",
            ),
            models.Index(fields=["service"], condition=models.Q(service__isnull=False), name="inbox_service_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} on {self.channel_id}"

    @property
    def category_labels(self) -> list[str]:
        return [str(c).replace("_", " ") for c in self.categories]


class ItemNote(models.Model):
    """An internal note on an item: never shown to the resident."""

    item = models.ForeignKey(ReceivedItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.item_id}"


class ItemTag(models.Model):
    item = models.ForeignKey(ReceivedItem, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="inbox_tag_once_per_item")]

    def __str__(self) -> str:
        return self.name


class ChoicesStamp(models.Model):
    """The version of a council's inbox choices (its people, teams and listening queries): moved by any change
    to them, so the list page may keep the choices it printed under it (``townsquare.inbox.choices``)."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"Inbox choices of {self.council_id}: {self.version}"


# Working time, service levels and the urgent queue keep their models in their own modules.
from townsquare.inbox.service_level_models import (  # noqa: E402, F401
    ItemTarget,
    OnCallShift,
    ServiceTarget,
    TargetMiss,
    UrgentItem,
)
from townsquare.inbox.work_models import (  # noqa: E402, F401  (replies, saved replies and views, presence)
    AutoReply,
    AutoReplySent,
    InboxReply,
    ItemPresence,
    SavedReply,
    SavedView,
    TeamRotation,
)
from townsquare.inbox.working_time_models import ClosureDay, WorkingCalendar, WorkingPeriod  # noqa: E402, F401
