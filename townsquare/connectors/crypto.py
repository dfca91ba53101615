"""Credentials at rest: encrypted with MultiFernet from ``settings.TOWNSQUARE_ENCRYPTION_KEYS``.

The keys are comma-separated Fernet keys, newest first. New tokens are encrypted with the
newest; any key in the list decrypts, so a key is rotated by putting a new one at the front and
running ``manage.py rotate_credentials`` (which re-encrypts every connection with the newest key)
before the old one is removed.

Plaintext never leaves this module except as a ``Credentials`` object, whose ``repr`` hides the
values, so a traceback or a log line cannot show a secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from townsquare.connectors.base import Credentials


class CredentialsUnreadable(Exception):
    """No configured key decrypts the stored credentials (a key was removed too early)."""


def _derived_key() -> bytes:
    # Demo and test mode only: with no key configured, derive one from SECRET_KEY so that
    # `make run` and the tests need no set-up. A council server sets TOWNSQUARE_ENCRYPTION_KEYS
    # (see the README); the demo SECRET_KEY is public, so these credentials are not protected.
    digest = hashlib.sha256(b"townsquare-connectors-credentials:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _keys() -> list[bytes]:
    configured = [k.strip().encode() for k in settings.TOWNSQUARE_ENCRYPTION_KEYS if k.strip()]
    if configured:
        return configured
    if _env_on("TOWNSQUARE_DEMO", "0") or _env_on("TESTING", "0"):
        return [_derived_key()]
    raise ImproperlyConfigured("Set TOWNSQUARE_ENCRYPTION_KEYS to store platform credentials.")


def _env_on(name: str, default: str) -> bool:
    # Read the same way as settings.py reads TOWNSQUARE_DEMO and TESTING (off unless switched on;
    # outside both, settings.py refuses to start without TOWNSQUARE_ENCRYPTION_KEYS).
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in _keys()])
    except ValueError as exc:  # a malformed key: say which setting, never echo the key
        raise ImproperlyConfigured("TOWNSQUARE_ENCRYPTION_KEYS holds a value that is not a Fernet key.") from exc


def credentials_encrypt(credentials: Credentials) -> str:
    payload: dict[str, Any] = {
        "data": credentials.data,
        "expires_at": credentials.expires_at.isoformat() if credentials.expires_at else None,
    }
    return fernet().encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode("ascii")


def credentials_decrypt(token: str) -> Credentials:
    try:
        payload = json.loads(fernet().decrypt(token.encode("ascii")))
    except InvalidToken as exc:
        raise CredentialsUnreadable("No configured key decrypts these credentials.") from exc
    expires = payload.get("expires_at")
    return Credentials(
        data=payload.get("data") or {}, expires_at=dt.datetime.fromisoformat(expires) if expires else None
    )


def token_rotate(token: str) -> str:
    """The same secret, encrypted again with the newest key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise CredentialsUnreadable("No configured key decrypts these credentials.") from exc
