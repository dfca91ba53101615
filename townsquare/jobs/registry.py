"""Job kinds -> handler functions, imported lazily by dotted path.

A handler takes the Job and does its work through services; it must be safe to run again
(idempotent) because a worker can die after the work and before marking the job done.
Capabilities register their kinds with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from townsquare.jobs.models import Job

Handler = Callable[["Job"], object]

HANDLERS: dict[str, str] = {
    "heartbeat": "townsquare.jobs.handlers.heartbeat",
    "channels.refresh_dormancy": "townsquare.channels.jobs.refresh_dormancy",
}


def register(kind: str, dotted_path: str) -> None:
    HANDLERS[kind] = dotted_path


def resolve(kind: str) -> Handler:
    try:
        module_path, func = HANDLERS[kind].rsplit(".", 1)
    except KeyError as exc:
        raise LookupError(f"No handler for job kind {kind!r}") from exc
    handler: Handler = getattr(import_module(module_path), func)
    return handler
