"""A council's policy settings: rule switches and severities, word lists, elections, overrides.

A rule or list with no row here uses the default in ``catalogue`` and ``defaults``: the engine needs
no seeding to work, and a row is written the first time someone changes a setting.
"""

from __future__ import annotations

import datetime as dt

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


class WardsServed:
    """A ``wards`` text field of one ward a line, read as a list (elections, referendums, channel areas)."""

    wards: str

    @property
    def ward_list(self) -> list[str]:
        return [line.strip() for line in self.wards.splitlines() if line.strip()]


class Election(WardsServed, models.Model):
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-poll_date"]

    def __str__(self) -> str:
        return f"{self.title} (poll {self.poll_date:%-d %B %Y})"

    # PUB-12 (LGA FAQ; LGA Code): local, general and devolved elections bind every council post; a
    # by-election binds posts about its area, and so do mayoral, PCC and other polls with wards listed.
    WHOLE_COUNCIL_TYPES = frozenset({Type.LOCAL, Type.GENERAL, Type.DEVOLVED})

    @property
    def scoped(self) -> bool:
        if self.election_type in self.WHOLE_COUNCIL_TYPES:
            return False
        return self.election_type == self.Type.BY_ELECTION or bool(self.ward_list)

    @property
    def places(self) -> list[str]:
        """The wards and area an area-scoped election covers."""
        return [*self.ward_list, *([self.area.strip()] if self.area.strip() else [])]


class Referendum(WardsServed, models.Model):
    """A referendum: in the 28 days ending with polling day the council publishes nothing on the
    question's issues (PPERA 2000 s.125; rule PUB-13)."""

    PERIOD_DAYS = 28

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="referendums")
    question = models.CharField(max_length=300, help_text="The question as it appears on the ballot paper.")
    poll_date = models.DateField(help_text="Polling day. The referendum period is the 28 days ending on it.")
    area = models.CharField(max_length=200, blank=True, help_text="For example, the whole district")
    wards = models.TextField(
        blank=True,
        help_text="One ward a line, for a referendum in part of the council "
        "(a neighbourhood plan). Leave empty when the whole council votes.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-poll_date"]

    def __str__(self) -> str:
        return f"Referendum on “{self.question}” (poll {self.poll_date:%-d %B %Y})"

    @property
    def period_starts_on(self) -> dt.date:
        return self.poll_date - dt.timedelta(days=self.PERIOD_DAYS - 1)

    @property
    def scoped(self) -> bool:
        return bool(self.ward_list)

    @property
    def places(self) -> list[str]:
        return [*self.ward_list, *([self.area.strip()] if self.area.strip() and self.scoped else [])]


class ChannelArea(WardsServed, models.Model):
    """The wards a channel serves (a ward's community page, a neighbourhood account), so an
    area-scoped election binds the channel's posts (PUB-12). A channel with no row serves the whole
    council and is bound only by council-wide elections, or by a post that names the area."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="policy_channel_areas")
    channel = models.OneToOneField("channels.Channel", on_delete=models.CASCADE, related_name="policy_area")
    wards = models.TextField(blank=True, help_text="One ward a line. Leave empty if it serves the whole council.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Wards served by channel {self.channel_id}"


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


class RulesRevision(models.Model):
    """Bumped on every change to a council's rules, so each process knows when its compiled rules are
    stale. (Not the policy document's version: that is ``governance.PolicyVersion``.)"""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="rules_revision")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Rules revision {self.version}"
