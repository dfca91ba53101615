"""A council's policy settings: rule switches and severities, word lists, elections, overrides.

A rule or list with no row here uses the default in ``catalogue`` and ``defaults``: the engine needs
no seeding to work, and a row is written the first time someone changes a setting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.policy.catalogue import RULES, ListKind, Severity


class RuleSetting(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="policy_rules")
    rule = models.CharField(max_length=20, choices=[(r.id, f"{r.id} {r.title}") for r in RULES])
    enabled = models.BooleanField(default=True)
    severity = models.CharField(max_length=5, choices=Severity.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "rule"], name="policy_rule_unique")]

    def __str__(self) -> str:
        return f"{self.rule} ({'on' if self.enabled else 'off'}, {self.severity})"


class WordList(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="policy_word_lists")
    kind = models.CharField(max_length=30, choices=ListKind.choices)
    words = models.TextField(blank=True, help_text="One word or phrase a line.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind"], name="policy_word_list_unique")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Election(models.Model):
    class Type(models.TextChoices):
        LOCAL = "local", "Local (council-wide)"
        BY_ELECTION = "by_election", "By-election"
        MAYORAL = "mayoral", "Mayoral"
        PCC = "pcc", "Police and Crime Commissioner"
        GENERAL = "general", "UK Parliament general election"
        DEVOLVED = "devolved", "Senedd, Scottish Parliament or NI Assembly"
        REFERENDUM = "referendum", "Referendum"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="elections")
    title = models.CharField(max_length=200, help_text="For example, Riverside district elections 2027")
    election_type = models.CharField(max_length=20, choices=Type.choices, default=Type.LOCAL)
    notice_date = models.DateField(help_text="The day the Notice of Election is published.")
    poll_date = models.DateField(help_text="Polling day. The period ends at the close of poll, 10pm.")
    area = models.CharField(max_length=200, blank=True, help_text="For example, the whole district")
    wards = models.TextField(blank=True, help_text="One ward a line; leave empty for the whole area.")
    candidates = models.TextField(
        blank=True, help_text="One candidate a line: a name, an @handle, or both separated by a comma."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-poll_date"]

    def __str__(self) -> str:
        return f"{self.title} (poll {self.poll_date:%-d %B %Y})"


class EmergencyOverride(models.Model):
    """Permission, with a written reason, to publish one draft inside a pre-election period."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="policy_overrides")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    draft_ref = models.CharField(max_length=120, help_text="Which draft, e.g. publishing.post:42")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "draft_ref"])]

    def __str__(self) -> str:
        return f"Emergency override for {self.draft_ref}"


class PolicyVersion(models.Model):
    """Bumped on every change, so each process knows when its compiled rules are stale."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="policy_version")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Policy version {self.version}"
