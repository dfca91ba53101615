"""E-learning modules a council's staff and Members take in Townsquare.

A module belongs to one council and completes one entry of the governance training register
(``training_module``), which is what publishing rights read. Its content is versioned: pages and
quiz belong to a ``ModuleVersion``; a draft is edited, then published and never changed again, so
each completion names the exact version that was passed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from townsquare.governance.models import Audience


class LearningModule(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="learning_modules")
    slug = models.SlugField(max_length=60, help_text="Used in addresses and in the export, e.g. staff-social-media.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="One or two sentences shown before someone starts.")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    training_module = models.ForeignKey(
        "governance.TrainingModule",
        on_delete=models.PROTECT,
        related_name="learning_modules",
        help_text="The training register entry a pass completes (and which publishing rights may require).",
    )
    policy = models.ForeignKey(
        "governance.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_modules",
        help_text="The policy the module teaches: pages link to its current sections.",
    )
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percentage of questions to answer correctly.")
    complete_within_days = models.PositiveSmallIntegerField(
        default=28, help_text="How long someone newly required to take it has to do so."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="learning_module_unique_slug")]

    def __str__(self) -> str:
        return self.title


class ModuleVersion(models.Model):
    module = models.ForeignKey(LearningModule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    change_note = models.TextField(blank=True, help_text="What changed, shown to people asked to take it again.")
    policy_version = models.ForeignKey(
        "governance.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version of the policy this was written against.",
    )
    requires_retake = models.BooleanField(default=False)
    retake_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["module", "number"], name="module_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.module.title}, version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Page(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="pages")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: paragraphs, **bold**, lists and links.")
    image = models.FileField(upload_to="learning/", blank=True)
    image_alt = models.CharField(max_length=300, blank=True, help_text="What the image shows, for screen readers.")
    policy_section = models.CharField(
        max_length=200,
        blank=True,
        help_text="The title of a section of the module's policy; the page links to it in the current version.",
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Choose one answer"
        MULTIPLE = "multiple", "Choose every answer that applies"

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    revisit = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page to read again after a wrong answer.",
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=300)
    correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, help_text="Shown to someone who chose this answer.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One person's way through one version: pages read and answers so far, kept between visits."""

    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_attempts")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    pages_read = models.PositiveIntegerField(default=0, help_text="How many pages, from the first, have been read.")
    answers = models.JSONField(default=dict, blank=True, help_text="Question id -> chosen choice ids.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "version", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"


class Completion(models.Model):
    """A pass, in Townsquare or in a council's own learning system, and the register entry it made."""

    class Source(models.TextChoices):
        TOWNSQUARE = "townsquare", "Taken in Townsquare"
        LMS = "lms", "Imported from the council's learning system"

    module = models.ForeignKey(LearningModule, on_delete=models.CASCADE, related_name="completions")
    version = models.ForeignKey(ModuleVersion, null=True, on_delete=models.SET_NULL, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_completions")
    training_record = models.OneToOneField(
        "governance.TrainingRecord", on_delete=models.CASCADE, related_name="learning_completion"
    )
    attempt = models.OneToOneField(Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="completion")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_on = models.DateField()
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.TOWNSQUARE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} passed {self.module} on {self.completed_on}"
