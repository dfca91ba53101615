"""Webhook addresses and shared secrets at rest: encrypted with the same keys as platform credentials."""

from __future__ import annotations

from cryptography.fernet import InvalidToken

from townsquare.connectors.crypto import fernet


class SecretUnreadable(Exception):
    """No configured key decrypts the stored value (a key was removed too early)."""


def secret_encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii") if value else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("No configured key decrypts this alert destination's address or secret.") from exc


def secret_rotate(token: str) -> str:
    """The same value, encrypted again with the newest key."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SecretUnreadable("No configured key decrypts this alert destination's address or secret.") from exc
