"""Sealing every stored event again with the newest key: after a key rotation, and by the migration
that moved the trail to keyed, per-council chains.

The append-only guard is lifted for this one transaction and put back exactly as migration 0002
made it. It refuses to run over a chain that does not verify, so it can never launder an edit.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from townsquare.audit.chain import GENESIS, chain_of, newest_key, seal, sealed_fields

_GUARD = importlib.import_module("townsquare.audit.migrations.0002_append_only")


def _guard(connection: Any, *, on: bool) -> None:
    vendor = connection.vendor
    statements = {
        "sqlite": _GUARD.SQLITE_REVERSE + (_GUARD.SQLITE if on else []),
        "postgresql": ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;"]
        + (_GUARD.POSTGRES if on else []),
    }.get(vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def guard_put_back(connection: Any) -> None:
    """The append-only triggers, as migration 0002 made them (dropped first if present)."""
    _guard(connection, on=True)


def reseal(
    event_model: Any, head_model: Any, connection: Any, *, check: Callable[[Any], str | None] | None = None
) -> int:
    """Give each event its chain (its council's) and place in it, and seal it with the newest key.

    ``check(event)`` may return a problem with the event as it stands, which stops everything
    (the caller's transaction rolls back). Returns the number of events sealed.
    """
    key_name, key = newest_key()
    heads: dict[int, tuple[int, str]] = {}
    done = 0
    _guard(connection, on=False)
    for event in event_model.objects.order_by("chain", "seq").iterator(chunk_size=2000):
        if check is not None and (problem := check(event)):
            raise RuntimeError(
                f"Audit event {event.seq} {problem}: the trail was not sealed again. Investigate "
                "it (verify_audit_chain) before upgrading."
            )
        chain = chain_of(event.council_id)
        seq, prev = heads.get(chain, (0, GENESIS))
        event.chain, event.seq, event.prev_hash, event.key_id = chain, seq + 1, prev, key_name
        event.hash = seal(key, sealed_fields(event))
        event_model.objects.filter(pk=event.pk).update(
            chain=event.chain, seq=event.seq, prev_hash=event.prev_hash, key_id=key_name, hash=event.hash
        )
        heads[chain] = (event.seq, event.hash)
        done += 1
    head_model.objects.all().delete()
    head_model.objects.bulk_create(
        [head_model(id=chain, seq=seq, hash=digest) for chain, (seq, digest) in heads.items()]
    )
    _guard(connection, on=True)
    return done
