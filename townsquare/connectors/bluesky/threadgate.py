"""Hiding a reply on Bluesky: the thread's threadgate record lists the replies its author hides.

Only the account that started a thread may gate it, so a reply is hidden only in the council's own
threads; anywhere else the platform itself does not allow it, and that is said plainly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from atproto import Client
from atproto_client.models.utils import get_model_as_dict

from townsquare.connectors.base import ConnectorError, ErrorKind
from townsquare.connectors.bluesky.parsing import split_uri

if TYPE_CHECKING:
    from townsquare.connectors.bluesky.connector import BlueskyConnector

THREADGATE = "app.bsky.feed.threadgate"
MAX_HIDDEN = 300  # the lexicon's limit on hidden replies per thread
NOT_OURS = "Bluesky lets an account hide replies only in threads it started; this reply is in someone else's."


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else get_model_as_dict(value)


def _root(connector: BlueskyConnector, client: Client, external_id: str, raw: dict[str, Any]) -> str:
    """The thread's first post: from the reply as received, else read from its repository."""
    record = raw.get("record") if isinstance(raw.get("record"), dict) else None
    if record is None:
        repo, collection, rkey = split_uri(external_id)
        found = connector._read(
            lambda: client.com.atproto.repo.get_record({"repo": repo, "collection": collection, "rkey": rkey})
        )
        record = _as_dict(found.value)
    root = ((record or {}).get("reply") or {}).get("root") or {}
    return str(root.get("uri") or "")


def hide(connector: BlueskyConnector, client: Client, *, external_id: str, raw: dict[str, Any]) -> None:
    root = _root(connector, client, external_id, raw)
    if not root:
        raise ConnectorError(ErrorKind.REJECTED, "This is not a reply in a thread, so Bluesky cannot hide it.")
    repo, _, rkey = split_uri(root)
    if repo != connector.did:
        raise ConnectorError(ErrorKind.REJECTED, NOT_OURS)
    gate: dict[str, Any] = {"$type": THREADGATE, "post": root, "createdAt": client.get_current_time_iso()}
    try:
        found = connector._read(
            lambda: client.com.atproto.repo.get_record({"repo": repo, "collection": THREADGATE, "rkey": rkey})
        )
        gate = {**_as_dict(found.value), "$type": THREADGATE}  # the lexicon's own names (camelCase)
    except ConnectorError as error:
        if error.kind != ErrorKind.REJECTED:  # RecordNotFound: the thread has no gate yet
            raise
    hidden = [str(uri) for uri in gate.get("hiddenReplies") or []]
    if external_id in hidden:
        return
    if len(hidden) >= MAX_HIDDEN:
        raise ConnectorError(ErrorKind.REJECTED, f"Bluesky hides at most {MAX_HIDDEN} replies in one thread.")
    gate["hiddenReplies"] = [*hidden, external_id]
    connector._call(
        lambda: client.com.atproto.repo.put_record(
            {"repo": repo, "collection": THREADGATE, "rkey": rkey, "record": gate}
        )
    )
