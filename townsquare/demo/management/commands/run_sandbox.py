"""Run the demo's sandbox Mastodon server (``manage.py serve`` starts this in demo mode).

Starts mastodon-mock on the sandbox origin, connects "Riverside on Mastodon" to it, sends one post
to it through publishing, and then the demo resident mentions and replies to the council a few
times a minute until stopped (SIGTERM or Ctrl+C), when the server is stopped too.
"""

from __future__ import annotations

import random
import signal
import threading
from typing import Any

import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from townsquare.connectors.base import ConnectorError
from townsquare.demo.sandbox import (
    CHANNEL,
    Resident,
    SandboxError,
    resident_messages,
    sandbox_connect,
    sandbox_origin,
    sandbox_publish,
    sandbox_start,
)


class Command(BaseCommand):
    help = "Run the demo's sandbox Mastodon server, connect Riverside on Mastodon to it, and keep a resident talking."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--every",
            type=float,
            default=15.0,
            help="Seconds between the resident's messages, on average (default 15).",
        )
        parser.add_argument(
            "--first-after",
            type=float,
            default=10.0,
            help="Seconds before the first message, so the stream listener is connected.",
        )
        parser.add_argument("--messages", type=int, default=0, help="Stop after this many (0: until stopped).")
        parser.add_argument("--no-post", action="store_true", help="Do not send the opening post.")
        parser.add_argument("--seed", type=int, default=None, help="Seed for the order of the routine messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Asked to stop while the server is still starting (serve stopped at once), this process must
        # live to stop the server it started: the server runs in a session of its own and would be left.
        try:
            origin = sandbox_origin()
        except SandboxError as exc:
            raise CommandError(str(exc)) from exc
        stopping = threading.Event()

        def stop(*_: Any) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            sandbox = sandbox_start(origin=origin)
        except SandboxError as exc:
            raise CommandError(str(exc)) from exc
        try:
            if stopping.is_set():
                return
            try:
                sandbox_connect(origin=origin)
            except ConnectorError as exc:
                raise CommandError(f"{CHANNEL} could not be connected to the sandbox: {exc.message}") from exc
            self.stdout.write(f"Sandbox Mastodon server at {origin}: {CHANNEL} is connected to it.")
            if not options["no_post"]:
                try:
                    post = sandbox_publish()
                    self.stdout.write(f"Sent a post to {CHANNEL}: “{post}”.")
                except (ValidationError, PermissionDenied) as exc:
                    why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    self.stderr.write(f"The opening post was not sent: {why}")
            close_old_connections()
            rng = random.Random(options["seed"])
            resident = Resident(origin)
            sent = 0
            wait = options["first_after"]
            for message in resident_messages(rng):
                if (options["messages"] and sent >= options["messages"]) or stopping.wait(wait):
                    break
                try:
                    resident.send(message)
                    sent += 1
                    self.stdout.write(f"The demo resident sent {message.described} to {CHANNEL}.")
                except requests.RequestException as exc:
                    self.stderr.write(f"The demo resident could not post to the sandbox: {type(exc).__name__}")
                wait = options["every"] * rng.uniform(0.6, 1.4)
        finally:
            sandbox.stop()
            self.stdout.write("Sandbox stopped.")
