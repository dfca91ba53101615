"""Hiding a reply on X (``PUT /2/tweets/:id/hidden``): X lets an account hide replies only in conversations
it started, so the conversation's first post is read first and anything else is refused in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from townsquare.connectors.base import ConnectorError, ErrorKind

if TYPE_CHECKING:
    from townsquare.connectors.x.connector import XConnector

NOT_A_REPLY = "X lets an account hide replies only: this is not a reply to a post."
NOT_OURS = "X lets an account hide replies only in conversations it started, and this conversation is someone else's."
A_MESSAGE = "A direct message cannot be hidden."


def hide(connector: XConnector, *, external_id: str, raw: dict[str, Any]) -> None:
    """Hide the reply ``external_id`` (``raw``: the post as received, with its conversation and references)."""
    if raw.get("dm_conversation_id") or raw.get("event_type"):
        raise ConnectorError(ErrorKind.REJECTED, A_MESSAGE)
    references = [r for r in raw.get("referenced_tweets") or [] if isinstance(r, dict)]
    if not any(r.get("type") == "replied_to" for r in references):
        raise ConnectorError(ErrorKind.REJECTED, NOT_A_REPLY)
    conversation = str(raw.get("conversation_id") or "")
    if conversation:
        first = connector._call(
            "GET", f"/2/tweets/{conversation}", safe_to_retry=True, params={"tweet.fields": "author_id"}
        ).json()
        if str((first.get("data") or {}).get("author_id", "")) != connector._cred("user_id"):
            raise ConnectorError(ErrorKind.REJECTED, NOT_OURS)
    # Hiding twice leaves it hidden, so a lost answer may be asked again.
    answer = connector._call("PUT", f"/2/tweets/{external_id}/hidden", safe_to_retry=True, json={"hidden": True}).json()
    if (answer.get("data") or {}).get("hidden") is not True:
        raise ConnectorError(ErrorKind.REJECTED, "X did not confirm that the reply is hidden.", raw=answer)
