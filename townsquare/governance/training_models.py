"""Governance registers, training: modules, their sessions, who completed what, what each role must
complete, and the publishing rights granted on the strength of it.

Defined here and loaded through ``townsquare.governance.models``, where every governance model is found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.councils.roles import Role


class TrainingModule(models.Model):
    class Kind(models.TextChoices):
        INDUCTION = "induction", "Member induction workshop"
        ANNUAL = "annual", "Mandatory annual training"
        BESPOKE = "bespoke", "Bespoke session"
        ELEARNING = "elearning", "E-learning module"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(blank=True)
    valid_for_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Completion lapses after this many months (12 for annual). Empty: never."
    )

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["council", "title"], name="training_module_unique_title")]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    trainer = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.module.title}, {self.held_on:%d %B %Y}"


class TrainingRecord(models.Model):
    """A person's place at a session, or their completion of a module (e.g. e-learning)."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"
        COMPLETED = "completed", "Completed"

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="records")
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.CASCADE, related_name="records"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    status = models.CharField(max_length=10, choices=Status.choices)
    completed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(session__isnull=False),
                name="training_record_one_per_session",
            )
        ]
        indexes = [models.Index(fields=["user", "module", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.module} ({self.get_status_display()})"


class TrainingRequirement(models.Model):
    """Everyone holding ``role`` at the council must have ``module`` current."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="training_requirements")
    role = models.CharField(max_length=20, choices=Role.choices)
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="requirements")
    needed_to_publish = models.BooleanField(
        default=False, help_text="Must be current before the person may draft posts (when the council requires it)."
    )

    class Meta:
        ordering = ["role", "module__title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "role", "module"], name="training_requirement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.module}"


class PublishingRight(models.Model):
    """A person's right to draft and submit posts at one council."""

    class RevokedFor(models.TextChoices):
        NONE = "", "Not revoked"
        LAPSED = "lapsed", "Training lapsed"
        REMOVED = "removed", "Removed by a manager"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="publishing_rights")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publishing_rights")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField()
    active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_for = models.CharField(max_length=10, choices=RevokedFor.choices, blank=True, default=RevokedFor.NONE)
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="publishing_right_unique")]

    def __str__(self) -> str:
        return f"{self.user} at {self.council} ({'active' if self.active else 'revoked'})"
