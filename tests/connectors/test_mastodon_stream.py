"""The Mastodon user notification stream (server-sent events) against mastodon-mock."""

from __future__ import annotations

import queue
import threading
import time

from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind, InboundItem
from townsquare.connectors.mastodon.connector import MastodonConnector

WAIT_SECONDS = 20.0


def _consume(connector: MastodonConnector, into: queue.Queue[InboundItem | BaseException]) -> None:
    try:
        for item in connector.stream_inbound():
            into.put(item)
    except BaseException as exc:  # handed to the test thread, which fails with it
        into.put(exc)


def test_a_mention_arrives_on_the_stream_and_the_stream_stops(mastodon) -> None:
    connector = MastodonConnector(Credentials({"access_token": "riverside_token"}), base_url=mastodon.url)
    received: queue.Queue[InboundItem | BaseException] = queue.Queue()
    worker = threading.Thread(target=_consume, args=(connector, received), daemon=True)
    worker.start()
    try:
        # The stream connects in the background: mention again until one arrives, so the test does
        # not depend on how long connecting takes, and never waits longer than WAIT_SECONDS.
        resident = mastodon.as_user("resident_token")
        posted: list[str] = []
        deadline = time.monotonic() + WAIT_SECONDS
        item: InboundItem | BaseException | None = None
        while item is None and time.monotonic() < deadline:
            answer = resident.post(
                f"{mastodon.url}/api/v1/statuses",
                data={"status": f"@riverside the footpath on Mill Lane is flooded ({len(posted)})"},
                timeout=10,
            )
            answer.raise_for_status()
            posted.append(str(answer.json()["id"]))
            try:
                item = received.get(timeout=2.0)
            except queue.Empty:
                continue
        assert item is not None, f"no mention arrived on the stream within {WAIT_SECONDS:.0f}s"
        assert not isinstance(item, BaseException), repr(item)
        assert item.kind == "mention"
        assert item.external_id in posted
        assert item.text.startswith("@riverside the footpath on Mill Lane is flooded")
        assert item.author_handle == "@resident"
        assert item.author_name == "A Resident"
        assert item.raw["type"] == "mention" and not item.malformed
    finally:
        connector.stop_stream.set()
        worker.join(timeout=WAIT_SECONDS)
    assert not worker.is_alive(), "the stream did not stop after stop_stream was set"


def test_a_revoked_token_ends_the_stream_with_a_reauthorise_error(mastodon) -> None:
    connector = MastodonConnector(Credentials({"access_token": "not-a-token"}), base_url=mastodon.url)
    received: queue.Queue[InboundItem | BaseException] = queue.Queue()
    worker = threading.Thread(target=_consume, args=(connector, received), daemon=True)
    worker.start()
    worker.join(timeout=WAIT_SECONDS)
    connector.stop_stream.set()
    assert not worker.is_alive(), "a refused token must end the stream, not reconnect in silence"
    error = received.get(timeout=1.0)
    assert isinstance(error, ConnectorError) and error.kind == ErrorKind.REAUTHORISE
