"""Service levels (targets in working time), each item's clocks against them, the misses, and the urgent
queue with the on-call rota that it alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"


class ServiceTarget(models.Model):
    """A council's target for one kind of clock, for all items or only one account's or one category's.

    The most specific target that fits an item applies: account and category, then account, then category,
    then the council's own; among equals, the shortest.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="service_targets")
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    minutes = models.PositiveIntegerField(help_text="Working minutes allowed.")
    warn_minutes = models.PositiveIntegerField(default=60, help_text="Warn when this much working time is left.")
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.CASCADE, related_name="service_targets"
    )
    category = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "channel_id", "category", "minutes"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.minutes} working minutes"

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def category_label(self) -> str:
        return self.category.replace("_", " ")


class ItemTarget(models.Model):
    """One clock on one item: running until the item is answered or resolved; met or missed.

    A missed clock stays open (``finished_at`` empty) until the item is dealt with, so "overdue by"
    keeps counting; ``finished_at`` is when it was answered or resolved. An item has at most one open
    clock of each kind; a resolved item that is reopened gets new clocks beside its finished ones,
    which stay as they ended (met or missed, with their miss).
    """

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        MET = "met", "Met"
        MISSED = "missed", "Missed"

    item = models.ForeignKey("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="targets")
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(ServiceTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind"],
                condition=models.Q(finished_at__isnull=True),
                name="item_target_one_open_per_kind",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="item_target_state_due_idx"),
            models.Index(fields=["council", "finished_at", "due_at"], name="item_target_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.item_id}: {self.state}"


class TargetMiss(models.Model):
    """The event of a missed target: which clock, on which item, due when, noticed when, whose it was."""

    item_target = models.OneToOneField(ItemTarget, on_delete=models.CASCADE, related_name="miss")
    item = models.ForeignKey("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="+")
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    due_at = models.DateTimeField()
    missed_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-missed_at", "-pk"]
        indexes = [models.Index(fields=["council", "missed_at"], name="target_miss_council_idx")]

    def __str__(self) -> str:
        return f"Missed {self.kind} on {self.item_id}"


class OnCallShift(models.Model):
    """Who is on call, from when until when (several may overlap: all of them are alerted)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="on_call_shifts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_at__lt=models.F("ends_at")), name="on_call_order")
        ]
        indexes = [models.Index(fields=["council", "ends_at"], name="on_call_council_ends_idx")]

    def __str__(self) -> str:
        return f"On call: {self.person_id} from {self.starts_at}"


class UrgentItem(models.Model):
    """An item in the urgent queue (a safeguarding disclosure or a threat), and whom it alerted."""

    item = models.OneToOneField("inbox.ReceivedItem", on_delete=models.CASCADE, related_name="urgent")
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    raised_at = models.DateTimeField()
    alert = models.ForeignKey("alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    on_call = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["council", "raised_at"], name="urgent_item_council_idx")]

    def __str__(self) -> str:
        return f"Urgent: {self.item_id}"
