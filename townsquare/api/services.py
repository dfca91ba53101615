"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.api.models import ApiToken
from townsquare.audit.services import audit_record

TOKEN_PREFIX = "tsq_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, user: User, name: str = "API token", actor: User | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns it and the secret, which is never stored or shown again."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
        audit_record(
            actor=actor or user,
            council=None,
            action="api_token.issued",
            obj=token,
            after={"user": user.email, "name": name, "prefix": token.prefix},
        )
    return token, key


def token_user(key: str) -> User | None:
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, token: ApiToken, actor: User) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            council=None,
            action="api_token.revoked",
            obj=token,
            before={"user": token.user.email, "prefix": token.prefix},
        )
