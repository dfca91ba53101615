"""The register of requests under the law (FOI, EIR, subject access), the redactions proposed for the
reply and reviewed by a person, and each copy released.

A request's clock starts on the day it was received; its deadline is computed once when it is opened
(``townsquare.inbox.deadlines``) and moved only by a recorded extension. While a request is open, the
legal hold it placed keeps everything its saved archive search finds.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    FOI = "foi", "Freedom of Information"
    EIR = "eir", "Environmental Information Regulations"
    SAR = "sar", "Subject access"


class InformationRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        RELEASED = "released", "Information released"
        PART_RELEASED = "part_released", "Released in part (some withheld)"
        REFUSED = "refused", "Refused under an exemption or exception"
        NOT_HELD = "not_held", "Information not held"
        WITHDRAWN = "withdrawn", "Withdrawn by the requester"
        NOT_VALID = "not_valid", "Not a valid request (no name or address given)"

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="information_requests")
    reference = models.CharField(max_length=30)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    received_at = models.DateTimeField()
    summary = models.CharField(max_length=300, help_text="What is asked for, in a line.")
    request_text = models.TextField(blank=True)
    # A platform handle is not an address for a request (Ghafoor v IC): these stay blank until given.
    requester_name = models.CharField(max_length=200, blank=True)
    requester_address = models.TextField(blank=True, help_text="A postal address.")
    requester_email = models.EmailField(blank=True)
    requester_handle = models.CharField(max_length=300, blank=True, help_text="Their account on the platform.")
    source_item = models.ForeignKey(
        "inbox.ReceivedItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="information_requests"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(help_text="The statutory deadline, without any extension.")
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    query = models.JSONField(default=dict, blank=True, help_text="The saved archive search (ArchiveQuery JSON).")
    legal_hold = models.ForeignKey(
        "archive.LegalHold", null=True, blank=True, on_delete=models.PROTECT, related_name="information_requests"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    redactions_proposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="disclosure_reference_unique"),
            # An inbox item opens at most one request, however often it is classified or marked.
            models.UniqueConstraint(
                fields=["source_item"], condition=models.Q(source_item__isnull=False), name="disclosure_one_per_item"
            ),
        ]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="disclosure_due_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.summary}"

    @property
    def deadline(self) -> dt.date:
        """The date the reply is due: the extension's where there is one."""
        return self.extended_to or self.due_on

    @property
    def has_contact(self) -> bool:
        """A valid request names the requester and gives an address (postal or email) for the reply."""
        return bool(self.requester_name.strip() and (self.requester_address.strip() or self.requester_email.strip()))


class Redaction(models.Model):
    """One stretch of a record's text (or its author) proposed for redaction, until a person decides."""

    class Category(models.TextChoices):
        NAME = "name", "Name"
        HANDLE = "handle", "Account handle"
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"
        POSTCODE = "postcode", "Postcode"
        NI_NUMBER = "ni_number", "National Insurance number"
        ADDRESS = "address", "Street address"

    class Decision(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Redact"
        UNDONE = "undone", "Keep (undone)"

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="redactions")
    version = models.ForeignKey("archive.ArchiveVersion", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10, default="text", help_text="text or author")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    found = models.CharField(max_length=500)
    category = models.CharField(max_length=20, choices=Category.choices)
    score = models.FloatField(default=1.0)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PROPOSED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version_id", "field", "start"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version", "field", "start", "end"], name="disclosure_span_once")
        ]
        indexes = [models.Index(fields=["request", "decision"], name="disclosure_redaction_idx")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} in version {self.version_id}"


class Release(models.Model):
    """A copy released to the requester: what (the file itself and its records), when, by whom, its hash."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        PDF = "pdf", "PDF"

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="releases")
    format = models.CharField(max_length=4, choices=Format.choices)
    released_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    record_ids = models.JSONField(default=list)
    redactions_applied = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering = ["-released_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} released for {self.request_id}"
