"""Governance registers: policies and their reviews, recommendations and action plans, the strategy
timetable, training, publishing rights and breaches.

Training and publishing rights are defined in ``training_models`` and imported here, so every
governance model is found in this module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.councils.roles import Role
from townsquare.governance.training_models import (  # noqa: F401
    PublishingRight,
    TrainingModule,
    TrainingRecord,
    TrainingRequirement,
    TrainingSession,
)


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    OFFICERS = "officers", "Officers"
    MEMBERS = "members", "Members (councillors)"


# Who is asked to acknowledge a policy written for each audience.
AUDIENCE_ROLES: dict[str, frozenset[str]] = {
    Audience.EVERYONE: frozenset(
        {Role.ADMIN, Role.COMMS, Role.OFFICER, Role.GOVERNANCE, Role.AUDITOR, Role.COUNCILLOR}
    ),
    Audience.OFFICERS: frozenset({Role.ADMIN, Role.COMMS, Role.OFFICER, Role.GOVERNANCE}),
    Audience.MEMBERS: frozenset({Role.COUNCILLOR}),
}


class GovernanceSettings(models.Model):
    """A council's governance choices, and who keeps its breach register."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="governance")
    training_required_for_publishing = models.BooleanField(
        default=False,
        help_text="Only people whose required training is current may be given, and keep, publishing rights.",
    )
    review_reminder_days = models.PositiveIntegerField(
        default=30, help_text="How many days before a policy review falls due its owner is reminded."
    )
    poor_attendance_percent = models.PositiveIntegerField(
        default=50, help_text="A session attended by fewer than this share of those invited counts as poorly attended."
    )
    monitoring_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Keeps the breach register and decides who else may see it.",
    )

    def __str__(self) -> str:
        return f"Governance settings of {self.council}"


class BreachViewer(models.Model):
    """A person the monitoring officer has named to see the breach register."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="breach_viewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="breach_viewer_unique")]

    def __str__(self) -> str:
        return f"{self.user} may see breaches at {self.council}"


# --- Policies -------------------------------------------------------------------------------------


class Policy(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_MEDIA_POLICY = "social_media_policy", "Social media policy"
        MEMBERS_POLICY = "members_policy", "Members' social media policy"
        GUIDANCE = "guidance", "Guidance"
        STRATEGY = "strategy", "Strategy"
        DIGITAL_POLICY = "digital_policy", "Digital policy (combined)"
        CODE_OF_CONDUCT = "code_of_conduct", "Code of conduct"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="policies")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    audience = models.CharField(
        max_length=10,
        choices=Audience.choices,
        default=Audience.EVERYONE,
        help_text="Who must acknowledge each new version.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_policies",
        help_text="Reminded before each review falls due.",
    )
    review_interval_months = models.PositiveIntegerField(
        default=12, help_text="12 for an annual review, 6 for six-monthly."
    )
    next_review_on = models.DateField(null=True, blank=True)
    # The review date the owner was last reminded about, so each review is reminded once.
    reminded_for = models.DateField(null=True, blank=True)
    combines = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="combined_into",
        help_text="Policies this one replaces by combining them (e.g. a single Digital Policy).",
    )
    retired = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> PolicyVersion | None:
        return self.versions.order_by("-published_at").first()


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(max_length=20, help_text="e.g. 2.0")
    approved_by = models.CharField(max_length=120, blank=True, help_text="e.g. Cabinet, Policy Committee")
    approved_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What changed in this version.")
    document_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.policy.title} version {self.number}"


class PolicySection(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Acknowledgement(models.Model):
    """One person asked to acknowledge one version; ``acknowledged_at`` is set when they do."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements")
    requested_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"


# --- Recommendations and action plans -------------------------------------------------------------


class ActionPlan(models.Model):
    """A set of recommendations from one body (a task group, a scrutiny panel) and the response."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(max_length=300)
    source_body = models.CharField(max_length=200, blank=True, help_text="e.g. Social Media Task Group")
    meeting_on = models.DateField(
        null=True, blank=True, help_text="Relative timescales ('within six months') count from this date."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting_on", "-created_at"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    DELAYED = "delayed", "Delayed"


class Recommendation(models.Model):
    class Decision(models.TextChoices):
        PENDING = "", "No decision recorded"
        AGREED = "agreed", "Agreed"
        NOT_AGREED = "not_agreed", "Not agreed"
        AMENDED = "amended", "Agreed as amended"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="recommendations")
    order = models.PositiveIntegerField(default=0)
    number = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    sub_items = models.JSONField(default=list, blank=True, help_text="Sub-items such as (a), (b), (c).")
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True, default=Decision.PENDING)
    decided_by = models.CharField(max_length=120, blank=True, help_text="e.g. Cabinet")
    action = models.TextField(blank=True)
    owner_title = models.CharField(max_length=300, blank=True, help_text="Post title, e.g. Head of Communications")
    budget = models.CharField(max_length=120, blank=True, help_text="e.g. N/A, £2,000")
    timescale = models.CharField(max_length=300, blank=True, help_text="As the report puts it")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    delayed_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"Recommendation {self.number}" if self.number else self.text[:60]


class ProgressUpdate(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField()
    text = models.TextField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:40]}"


# --- Strategy timetable ---------------------------------------------------------------------------


class StrategyPhase(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="strategy_phases")
    strategy = models.ForeignKey(
        Policy,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phases",
        limit_choices_to={"kind": Policy.Kind.STRATEGY},
    )
    order = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    timescale = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    status_note = models.CharField(max_length=300, blank=True, help_text="As reported, e.g. Complete in CSC")
    delayed_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.phase


# --- Breaches -------------------------------------------------------------------------------------


class Breach(models.Model):
    class Category(models.TextChoices):
        POLITICAL = "political", "Party-political content or publicity code"
        PERSONAL_DATA = "personal_data", "Disclosure of personal or confidential information"
        ABUSIVE = "abusive", "Abusive, offensive or discriminatory content"
        DISREPUTE = "disrepute", "Bringing the council into disrepute"
        ACCOUNT_MISUSE = "account_misuse", "Misuse of a corporate account"
        CODE_OF_CONDUCT = "code_of_conduct", "Members' Code of Conduct"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        SERIOUS = "serious", "Serious"

    class Status(models.TextChoices):
        REPORTED = "reported", "Reported"
        INVESTIGATING = "investigating", "Under investigation"
        ACTION_TAKEN = "action_taken", "Closed: action taken"
        NO_ACTION = "no_action", "Closed: no action needed"

    class Against(models.TextChoices):
        POLICY = "policy", "Social media policy"
        CODE = "code", "Members' Code of Conduct"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="breaches")
    against = models.CharField(max_length=10, choices=Against.choices, default=Against.POLICY)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person concerned, if they use Townsquare.",
    )
    subject_channel = models.ForeignKey(
        "channels.Channel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The corporate account concerned, if any.",
    )
    subject_name = models.CharField(max_length=200, blank=True, help_text="Who or which account, in words.")
    what = models.TextField(help_text="What happened.")
    # The archive of posts and messages is a later capability: until then a breach points at the
    # archived item by address, with an optional type and id to link it once the archive exists.
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_type = models.CharField(max_length=60, blank=True, help_text="e.g. post, message")
    evidence_id = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    reported_by = models.CharField(max_length=200, help_text="Who reported it (a name, or 'member of the public').")
    reported_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.REPORTED)
    action_taken = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"Breach {self.pk}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        parts = [str(p) for p in (self.subject_user, self.subject_channel) if p] + (
            [self.subject_name] if self.subject_name else []
        )
        return ", ".join(parts) or "Not named"
