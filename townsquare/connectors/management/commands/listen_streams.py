"""Listen to the platforms' streams: every connected channel whose platform offers one, each item stored
as it arrives (``inbound_stream``). The periodic inbound poll still runs and catches anything a stream
missed; on Bluesky the stream also resumes from its saved position.

One thread per channel. A stream that ends (the platform closed it, the network dropped, the
credentials were refused: recorded on the connection by ``inbound_stream``) is opened again after a
pause that grows while it keeps failing; a channel that is disconnected or needs reconnecting is left
alone until it is connected again. The set of channels is read again every ``--refresh`` seconds.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from townsquare.channels.models import Channel
from townsquare.connectors.base import Connector, ConnectorError
from townsquare.connectors.listening import inbound_stream
from townsquare.connectors.models import Connection
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connector_for
from townsquare.jobs.heap import heap_settle
from townsquare.jobs.services import worker_name

log = logging.getLogger(__name__)

FIRST_PAUSE = 5.0
LONGEST_PAUSE = 300.0


def streaming_channels() -> list[int]:
    """Connected channels, not closed, whose platform has a stream this product reads."""
    ids = []
    rows = (
        Connection.objects.filter(state=Channel.Connection.CONNECTED)
        .exclude(channel__status=Channel.Status.CLOSED)
        .values_list("channel_id", "channel__platform")
    )
    for channel_id, platform in rows:
        try:
            if connector_class(platform).has_stream():
                ids.append(channel_id)
        except (LookupError, ImportError):
            continue
    return sorted(ids)


class Listener(threading.Thread):
    """One channel's stream, opened again whenever it ends, until ``stop``."""

    def __init__(self, channel_id: int) -> None:
        super().__init__(name=f"stream-{channel_id}", daemon=True)
        self.channel_id = channel_id
        self.stopping = threading.Event()
        self.connector: Connector | None = None
        self.stored = 0

    def stop(self) -> None:
        self.stopping.set()
        if self.connector is not None:
            self.connector.stop_stream.set()

    def run(self) -> None:
        pause = FIRST_PAUSE
        while not self.stopping.is_set():
            close_old_connections()
            opened = time.monotonic()
            try:
                channel = Channel.objects.get(pk=self.channel_id)
                self.connector = connector_for(channel)
                if self.stopping.is_set():
                    break
                self.stored += inbound_stream(channel=channel, connector=self.connector)
            except (Channel.DoesNotExist, ConnectorError):
                break  # gone or not connected: the next refresh decides whether to listen again
            except Exception as exc:  # one channel's trouble must not end the others' streams
                log.warning("the stream of channel %s failed: %s", self.channel_id, type(exc).__name__)
            finally:
                close_old_connections()
            # A stream that stayed open a while was healthy: start the pauses again from the shortest.
            pause = FIRST_PAUSE if time.monotonic() - opened > LONGEST_PAUSE else min(pause * 2, LONGEST_PAUSE)
            self.stopping.wait(pause)


class Command(BaseCommand):
    help = "Listen to the streams of every connected channel whose platform offers one (Bluesky, Mastodon)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--refresh", type=float, default=30.0, help="Seconds between readings of which channels to listen to."
        )
        parser.add_argument(
            "--for-seconds",
            type=float,
            default=0.0,
            help="Stop after this long (0: until stopped with SIGTERM or Ctrl+C).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name("streams")
        stopping = threading.Event()

        def stop(*_: Any) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        listeners: dict[int, Listener] = {}
        ends_at = time.monotonic() + options["for_seconds"] if options["for_seconds"] else None
        heap_settle(warm_classifier=True)  # the streams' items are classified as they arrive
        self.stdout.write(f"Stream listener {name} started.")
        told: set[int] | None = None
        while not stopping.is_set():
            close_old_connections()
            wanted = set(streaming_channels())
            for channel_id in wanted - {c for c, t in listeners.items() if t.is_alive()}:
                listeners[channel_id] = Listener(channel_id)
                listeners[channel_id].start()
            for channel_id in set(listeners) - wanted:  # disconnected or closed since
                listeners.pop(channel_id).stop()
            if wanted != told:  # said when the channels change, not at every reading
                self.stdout.write(f"Listening to {len(wanted)} stream(s).")
                told = wanted
            wait = (
                options["refresh"] if ends_at is None else max(0.0, min(options["refresh"], ends_at - time.monotonic()))
            )
            stopping.wait(wait)
            if ends_at is not None and time.monotonic() >= ends_at:
                break
        for listener in listeners.values():
            listener.stop()
        for listener in listeners.values():
            listener.join(timeout=15)
        self.stdout.write(f"Stream listener {name} stopped.")
