"""The user notification stream (server-sent events), read in a daemon thread."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from typing import Any

import requests
from mastodon import Mastodon, StreamListener

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind

STREAM_READ_TIMEOUT = 60.0  # servers send a heartbeat comment every ~15 s; silence this long is a dead stream


class NotificationStream:
    """One connection to the user notification stream, read in a daemon thread.

    Events go to ``events`` as ("open", None), ("notification", the JSON as sent) and finally
    ("ended", exception or None). The SSE body is read here rather than by Mastodon.py's listener
    so that ``raw`` is the server's JSON, not the SDK's converted objects.
    """

    def __init__(self, api: Mastodon) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._api = api
        self._response: requests.Response | None = None
        self._exception: BaseException | None = None
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mastodon-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        stream = self

        class Listener(StreamListener):  # type: ignore[misc]
            def handle_stream(self, response: requests.Response) -> None:
                stream._response = response
                if stream._closed.is_set():
                    response.close()
                    return
                stream.events.put(("open", None))
                stream._read(response)

        try:
            self._api.stream_user_notifications(Listener(), timeout=STREAM_READ_TIMEOUT)
        except BaseException as exc:  # reported to the reading generator, which decides
            self._exception = exc
        self.events.put(("ended", self._exception))

    def _read(self, response: requests.Response) -> None:
        event: dict[str, str] = {}
        for raw_line in response.iter_lines(chunk_size=1):
            line = raw_line.decode("utf-8", errors="replace") if isinstance(raw_line, bytes) else raw_line
            if line == "":
                self._dispatch(event)
                event = {}
            elif not line.startswith(":"):  # ":" lines are heartbeats
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                event[key] = f"{event[key]}\n{value}" if key in event else value
            if self._closed.is_set():
                return

    def _dispatch(self, event: dict[str, str]) -> None:
        if event.get("event") != "notification":
            return
        try:
            payload: Any = json.loads(event.get("data", ""))
        except ValueError:
            payload = event.get("data", "")  # kept, and flagged by parse_notification
        self.events.put(("notification", payload))

    def error(self) -> ConnectorError:
        """Why the stream ended, as a ConnectorError (RETRY when reconnecting may help)."""
        response = self._response
        if response is None:
            response = getattr(self._api.session, "last_response", None)
        if response is not None and response.status_code != 200:
            if response.status_code == 401:
                return ConnectorError(
                    ErrorKind.REAUTHORISE,
                    "Mastodon no longer accepts this channel's access token: it has expired or been revoked.",
                    platform_code="401",
                )
            if response.status_code == 410:
                return ConnectorError(ErrorKind.DISCONNECT, "The Mastodon account is gone.", platform_code="410")
            return http.default_classify(response)
        name = type(self._exception).__name__ if self._exception is not None else "the server closed it"
        return ConnectorError(ErrorKind.RETRY, f"The Mastodon stream ended ({name}).")

    def close(self) -> None:
        self._closed.set()
        response = self._response
        if response is not None:
            # The reading thread sits in a socket read until the next heartbeat (~15 s) and holds the
            # reader's lock meanwhile, so closing alone waits for it; shutting the socket down ends
            # that read at once.
            sock = getattr(getattr(response.raw, "connection", None), "sock", None)
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            response.close()
        self._thread.join(timeout=5.0)
