"""People: one account per person, signed in by email address."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from townsquare.keptsql import kept_by_pk


class UserQuerySet(models.QuerySet["User"]):
    # Set on the queryset the manager hands out, and on no copy of it: only ``User.objects.get(...)`` itself.
    _whole_table = False

    def get(self, *args: Any, **kwargs: Any) -> User:  # type: ignore[override]
        """``User.objects.get(pk=<int>)``, which every signed-in request makes (the session's person, read by
        Django's ``ModelBackend.get_user``), by a statement compiled once (``keptsql``): building and compiling
        the queryset cost several times the read. Anything else is the queryset's own ``get``."""
        pk, chosen_database = kwargs.get("pk"), self._db  # type: ignore[attr-defined]
        if self._whole_table and not args and len(kwargs) == 1 and type(pk) is int and chosen_database is None:
            found = kept_by_pk(User, pk)
            if found is None:
                raise User.DoesNotExist("User matching query does not exist.")
            return found
        return super().get(*args, **kwargs)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        found: UserQuerySet = super().get_queryset()
        found._whole_table = True
        return found

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True, help_text="Post title, e.g. Head of Communications")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email
