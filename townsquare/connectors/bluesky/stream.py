"""Posts naming a Bluesky account, read from the firehose as they are written (``stream_inbound``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from atproto import FirehoseSubscribeReposClient, models, parse_subscribe_repos_message

from townsquare.connectors.base import ConnectorError, ErrorKind, InboundItem
from townsquare.connectors.bluesky.parsing import posts_naming, stream_seq, xrpc_error

if TYPE_CHECKING:
    from townsquare.connectors.bluesky.connector import BlueskyConnector

log = logging.getLogger(__name__)
POSITION_EVERY = 2.0  # seconds between keeping the firehose position while no item arrives


def firehose_items(connector: BlueskyConnector) -> Iterator[InboundItem]:
    """What ``BlueskyConnector.stream_inbound`` yields; its docstring says how positions are kept."""
    did = connector.did
    handle = str(connector.credentials.data.get("handle", "")) if connector.credentials else ""
    base = connector.settings.get("firehose_url") or connector.base_url.replace("https://", "wss://").replace(
        "http://", "ws://"
    )
    uri = f"{base.rstrip('/')}/xrpc"
    position = stream_seq(connector.stream_cursor, uri)
    firehose = FirehoseSubscribeReposClient(params={"cursor": position} if position is not None else None, base_uri=uri)
    found: queue.Queue[tuple[int | None, list[InboundItem]] | BaseException] = queue.Queue()

    def on_message(message: Any) -> None:
        seq: Any = None
        items: list[InboundItem] = []
        try:
            parsed = parse_subscribe_repos_message(message)
            seq = getattr(parsed, "seq", None)
            if isinstance(parsed, models.ComAtprotoSyncSubscribeRepos.Info) and parsed.name == "OutdatedCursor":
                log.warning(
                    "The Bluesky firehose at %s no longer keeps the saved position; posts older than "
                    "its window are not read.",
                    uri,
                )
            if isinstance(parsed, models.ComAtprotoSyncSubscribeRepos.Commit) and parsed.repo != did:
                items = posts_naming(parsed, did=did, handle=handle)
        except Exception as exc:  # never let one odd frame end the stream
            body = getattr(message, "body", None)
            seq = body.get("seq") if isinstance(body, dict) else None
            items = [
                InboundItem(
                    external_id="",
                    kind="",
                    author_handle="",
                    author_name="",
                    text="",
                    created_at=dt.datetime.now(dt.UTC),
                    raw={"error": type(exc).__name__, "seq": seq},
                    malformed=True,
                    parse_error="A firehose message could not be read.",
                )
            ]
        if not isinstance(seq, int):
            seq = None
        else:
            # The SDK reconnects by itself after a dropped connection, with the cursor it
            # holds: keep it at the last message received, so nothing is skipped in between.
            firehose.update_params({"cursor": seq})
        found.put((seq, items))

    def run() -> None:
        try:
            firehose.start(on_message, found.put)
        except Exception as exc:  # an error frame from the server (FutureCursor…) ends the SDK's loop
            found.put(exc)

    told = position
    last_told_at = time.monotonic()

    def tell(seq: int | None) -> None:
        nonlocal told, last_told_at
        if seq == told:
            return
        told, last_told_at = seq, time.monotonic()
        connector.stream_cursor = json.dumps({"firehose": uri, "seq": seq}) if seq is not None else ""
        if connector.on_stream_cursor is not None:
            connector.on_stream_cursor(connector.stream_cursor)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        while not connector.stop_stream.is_set():
            try:
                got = found.get(timeout=1.0)
            except queue.Empty:
                if not worker.is_alive():
                    raise ConnectorError(ErrorKind.RETRY, "The Bluesky firehose closed.") from None
                tell(position)  # quiet: a good moment to keep the place
                continue
            if isinstance(got, BaseException):
                if xrpc_error(got) == "FutureCursor":
                    # The server's sequence started again (reset or restored): the saved place
                    # means nothing there now, so the next run starts live.
                    position = None
                    raise ConnectorError(
                        ErrorKind.RETRY,
                        "The Bluesky server's stream started again from the "
                        "beginning (it was reset or restored); listening starts again from now.",
                    ) from got
                raise ConnectorError(ErrorKind.RETRY, "The Bluesky firehose failed.") from got
            seq, items = got
            if position is None and seq is not None:
                position = max(seq - 1, 0)  # started live: keep the place just before the first message seen
            yield from items
            if seq is not None:
                position = seq
                if items or time.monotonic() - last_told_at >= POSITION_EVERY:
                    tell(position)
    finally:
        firehose.stop()
        worker.join(timeout=5)
        tell(position)
