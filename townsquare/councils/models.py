"""Councils (the tenants), their services, and the roles people hold in them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from townsquare.councils.roles import Role

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits, like #1d5c4d.")


class Council(models.Model):
    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(max_length=200)
    brand_colour = models.CharField(max_length=7, default="#1d5c4d", validators=[colour_validator])
    require_two_factor = models.BooleanField(
        default=False, help_text="Everyone with a role here must sign in with an authenticator app code."
    )
    dormant_after_days = models.PositiveIntegerField(
        default=90, help_text="A channel with no post for this many days counts as dormant."
    )
    in_wales = models.BooleanField(default=False, help_text="Welsh Language Standards apply.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A council service that owns accounts and receives routed messages (waste, housing...)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="service_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role of one person in one council; a person may hold several, in several councils."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council__name", "user__full_name", "role"]
        constraints = [models.UniqueConstraint(fields=["council", "user", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.council}"
