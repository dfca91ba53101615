"""Listening queries: what a council wants to hear about, each a boolean query (townsquare/listening/query.py)."""

from __future__ import annotations

from typing import Any

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
    sensitivity = models.FloatField(
        default=3.0, help_text="How many spreads above the usual volume an hour must be to alert (lower: more alerts)"
    )
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


class RowId(models.BigAutoField):
    """An id that is SQLite's plain rowid (one more than the largest), without ``AUTOINCREMENT``, which
    reads and writes SQLite's sequence table on every statement: the ingest writes one a matched item.
    An id may come again after the newest row is deleted, so only for a table nothing refers to by id."""

    def db_type_suffix(self, connection: Any) -> str | None:
        return None if connection.vendor == "sqlite" else super().db_type_suffix(connection)


class ListeningMatch(models.Model):
    """A received item one of the council's queries caught, found as the item was ingested.

    Some eight rows an item are written on the ingest's hot path, and every b-tree costs on each row, so
    the table keeps two indexes besides its own: the unique (item, query), whose writes land at the end
    (item ids only grow), which reads an item's matches and deletes them with it; and (at, query,
    channel), whose writes land at the end too (a received item was said just now), which counts an
    hour's matches for spikes. An index led by the query would take each row to a random page of it.
    So the foreign keys have no index of their own: deleting a query, an account or a council (rare,
    and by a person) reads the table through instead.

    Nor does the database check them on each row (a look-up in the item's and the query's tables for each
    of the eight, a third of the rows' cost): Django cascades a deletion of any of them to the matches
    itself, and the ingest writes only an item it has just stored and queries live at the council's
    revision, read in the same transaction (``listening/ingest.py``; a change to a query moves it).
    """

    id = RowId(primary_key=True)
    # The item's own council and account, copied to count without a join.
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    query = models.ForeignKey(
        ListeningQuery, on_delete=models.CASCADE, related_name="matches", db_index=False, db_constraint=False
    )
    item = models.ForeignKey(
        "inbox.ReceivedItem",
        on_delete=models.CASCADE,
        related_name="listening_matches",
        db_index=False,
        db_constraint=False,
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    at = models.DateTimeField(help_text="When the item was said (received, where the platform gave no time)")

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["item", "query"], name="listening_match_once")]
        indexes = [models.Index(fields=["at", "query", "channel"], name="listening_match_time_idx")]

    def __str__(self) -> str:
        return f"{self.query_id} caught {self.item_id}"


class ItemPriority(models.Model):
    """The priority a trigger (or a person) set on a received item."""

    class Level(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    item = models.OneToOneField("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="priority")
    level = models.CharField(max_length=10, choices=Level.choices)
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.level} for {self.item_id}"


class Trigger(models.Model):
    """When an item arrives that matches a query, carries a category or sentiment, or came to a channel: act."""

    class When(models.TextChoices):
        QUERY = "query", "It matches a listening query"
        CATEGORY = "category", "It is in a category"
        SENTIMENT = "sentiment", "Its sentiment is"
        CHANNEL = "channel", "It came to an account"

    class Action(models.TextChoices):
        TAG = "tag", "Tag it"
        ASSIGN_PERSON = "assign_person", "Assign it to a person"
        ASSIGN_TEAM = "assign_team", "Assign it to a team"
        PRIORITY = "priority", "Set its priority"
        ALERT = "alert", "Send an alert"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="listening_triggers")
    name = models.CharField(max_length=200)
    when = models.CharField(max_length=20, choices=When.choices)
    query = models.ForeignKey(ListeningQuery, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=100, blank=True, help_text="The category or sentiment")
    channel = models.ForeignKey("channels.Channel", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    tag = models.CharField(max_length=50, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("councils.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=10, choices=ItemPriority.Level.choices, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="listening_trigger_unique_name")]

    def __str__(self) -> str:
        return self.name


class ListeningAlert(models.Model):
    """An alert raised by a trigger or a spike, kept whatever became of its delivery."""

    class Kind(models.TextChoices):
        TRIGGER = "trigger", "Trigger"
        SPIKE = "spike", "Spike"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="listening_alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(
        max_length=200, help_text="One alert per key: a trigger and item, or a query, channel and hour"
    )
    title = models.CharField(max_length=300)
    summary = models.TextField()
    url = models.CharField(max_length=1000)
    facts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered = models.BooleanField(default=False, help_text="Raised through the council's alert channels")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["council", "key"], name="listening_alert_once")]

    def __str__(self) -> str:
        return self.title


class SearchCursor(models.Model):
    """Where a query's search of one platform stands (its cursors per search term), so each poll resumes."""

    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="search_cursors")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    cursors = models.JSONField(default=dict)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["query", "channel"], name="listening_search_cursor_once")]

    def __str__(self) -> str:
        return f"Search of {self.channel_id} for {self.query_id}"
