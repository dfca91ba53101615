"""Sealing audit events: the keyed hash (HMAC-SHA256) that chains each event to the one before.

Keys come from ``TOWNSQUARE_AUDIT_KEYS``: comma-separated secrets, newest first, like
``TOWNSQUARE_ENCRYPTION_KEYS``. New events are sealed with the newest; each event stores the id of
its key (derived from the key, never the key itself), so older events still verify while their key
is listed. A key is rotated by putting a new one at the front, running ``manage.py audit_reseal``,
and only then removing the old one. In demo and test mode, with no key set, one is derived from
SECRET_KEY, as the credential keys are (the demo SECRET_KEY is public: such a chain proves nothing).

Each council has a chain of its own, and events with no council have one more (chain 0), so
audited writes in different councils never wait for each other and each chain verifies alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64
NO_COUNCIL = 0  # the chain of events that belong to no council


def chain_of(council_id: int | None) -> int:
    return council_id or NO_COUNCIL


def _env_on(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def key_id(key: bytes) -> str:
    """A short name for a key, stored on each event; it reveals nothing useful about the key."""
    return hashlib.sha256(b"townsquare-audit-key-id:" + key).hexdigest()[:12]


def audit_keys() -> dict[str, bytes]:
    """Key id -> key, newest first. Demo and test mode add a key derived from SECRET_KEY, last: it seals
    when no key is configured, and otherwise only verifies what it sealed until ``audit_reseal``."""
    keys = [k.strip().encode() for k in getattr(settings, "TOWNSQUARE_AUDIT_KEYS", []) if k.strip()]
    if settings.DEBUG or _env_on("TOWNSQUARE_DEMO", "1") or _env_on("TESTING", "0"):
        keys.append(hashlib.sha256(b"townsquare-audit-chain:" + settings.SECRET_KEY.encode()).digest())
    if not keys:
        raise ImproperlyConfigured("Set TOWNSQUARE_AUDIT_KEYS to seal the audit trail.")
    return {key_id(k): k for k in keys}


def newest_key() -> tuple[str, bytes]:
    return next(iter(audit_keys().items()))


def sealed_fields(event: Any) -> dict[str, Any]:
    """Every stored field of an event but its row id and its own seal, as the database gives them back."""
    return {
        "chain": event.chain,
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "council": event.council_id,
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "prev": event.prev_hash,
        "key_id": event.key_id,
    }


def seal(key: bytes, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def head_value(heads: dict[int, tuple[int, str]]) -> str:
    """The exported head of one or more chains: ``chain:seq:hash`` for each, space-separated."""
    return " ".join(f"{chain}:{seq}:{digest}" for chain, (seq, digest) in sorted(heads.items()))


def head_parse(text: str) -> dict[int, tuple[int, str]]:
    """Read what ``head_value`` wrote (from a file or typed); ValueError if it is not that."""
    heads: dict[int, tuple[int, str]] = {}
    for part in text.split():
        chain, seq, digest = part.split(":")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{part!r} is not a chain head (chain:seq:hash)")
        heads[int(chain)] = (int(seq), digest)
    if not heads:
        raise ValueError("no chain head given")
    return heads
