"""The demo's sandbox social server: mastodon-mock on 127.0.0.1, with "Riverside on Mastodon" connected to it.

``manage.py serve`` starts it beside the product when the demo runs (``TOWNSQUARE_DEMO``), so a new
user sees the whole loop at once: the demo publishes to it through the Mastodon connector, and a
demo resident on it keeps mentioning and replying to the council, which reaches the inbox through
the connector's stream and poll and the inbox pipeline, like any other Mastodon server's.

The server keeps everything in memory and is started afresh each time; its tokens are fixed and
public (it listens on loopback only and holds nothing but the demo's conversation).
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.db import transaction

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connection_connect, connector_new
from townsquare.councils.models import Service
from townsquare.publishing.models import Post
from townsquare.publishing.services import post_create_draft, post_submit

COUNCIL = "riverside"
CHANNEL = "Riverside on Mastodon"
PUBLISHER = "comms@riverside.example"
COUNCIL_ACCOUNT = ("riverside", "Riverside District Council", "sandbox-riverside")
RESIDENT_ACCOUNT = ("sam_rivers", "Sam Rivers (demo resident)", "sandbox-resident")
START_SECONDS = 30.0
ORIGIN_ENV = "TOWNSQUARE_SANDBOX_ORIGIN"
FIRST_POST = (
    "Household Recycling Centre opening hours are changing from Monday: open 8am to 6pm, seven days a "
    "week. Find your nearest site on our website."
)


class SandboxError(Exception):
    """The sandbox could not be started or reached; ``str()`` is plain English."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sandbox_env() -> dict[str, str]:
    """The environment ``serve`` gives every process in demo mode: where the sandbox is (a free port)."""
    return {ORIGIN_ENV: os.environ.get(ORIGIN_ENV) or f"http://127.0.0.1:{free_port()}"}


def sandbox_add(commands: dict[str, list[str]], *, python: str, manage: str) -> dict[str, str]:
    """Add the sandbox to ``serve``'s processes; returns what every process's environment needs.

    The stream listener then looks for newly connected channels every few seconds, so the sandbox
    channel is heard from soon after it connects.
    """
    commands["sandbox"] = [python, manage, "run_sandbox"]
    if "streams" in commands:
        commands["streams"] = [*commands["streams"], "--refresh", "5"]
    return sandbox_env()


def sandbox_origin() -> str:
    """The sandbox's origin in demo mode; ``SandboxError`` outside it."""
    origin = str(getattr(settings, "SANDBOX_ORIGIN", "") or "")
    if not origin:
        raise SandboxError("The sandbox runs only in demo mode (TOWNSQUARE_DEMO=1), started by manage.py serve.")
    return origin.rstrip("/")


def config_text() -> str:
    """mastodon-mock's configuration: the council's account, the demo resident, who follows whom."""
    rows = ['url_scheme = "http"', "", "[database]", 'path = ":memory:"', ""]
    for username, name, token in (COUNCIL_ACCOUNT, RESIDENT_ACCOUNT):
        rows += [
            "[[seed.accounts]]",
            f'username = "{username}"',
            f'display_name = "{name}"',
            f'access_token = "{token}"',
            "",
        ]
    rows += ["[[seed.follows]]", f'follower = "{RESIDENT_ACCOUNT[0]}"', f'following = "{COUNCIL_ACCOUNT[0]}"', ""]
    return "\n".join(rows)


@dataclass
class Sandbox:
    """A running sandbox server; ``stop`` ends it."""

    origin: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def sandbox_start(*, origin: str, timeout: float = START_SECONDS) -> Sandbox:
    """Start mastodon-mock at ``origin`` (http://127.0.0.1:<port>) and wait until it answers."""
    port = origin.rsplit(":", 1)[-1]
    binary = Path(sys.executable).with_name("mastodon_mock")
    if not binary.exists():
        raise SandboxError("mastodon-mock is not installed: run scripts/setup.sh (it is in requirements.txt).")
    folder = Path(tempfile.mkdtemp(prefix="townsquare-sandbox-"))
    config = folder / "mastodon_mock.toml"
    config.write_text(config_text())
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(binary), "serve", "--config", str(config), "--host", "127.0.0.1", "--port", port, "--in-memory",
             "--domain", f"127.0.0.1:{port}", "--log-level", "warning"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    sandbox = Sandbox(origin=origin, process=process, log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxError(f"The sandbox server stopped while starting: {sandbox.output()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{origin}/api/v1/instance", timeout=2).ok:
                return sandbox
        time.sleep(0.2)
    sandbox.stop()
    raise SandboxError(f"The sandbox server did not answer within {timeout:.0f} seconds.")


def sandbox_channel() -> Channel:
    return Channel.objects.select_related("council").get(council__slug=COUNCIL, name=CHANNEL)


def sandbox_connect(*, origin: str) -> Connection:
    """Connect the demo's Mastodon channel to the sandbox through the connector, as staff would (audited).

    The address is the demo's own, so it is not put through ``address_check`` (which refuses loopback
    to anyone typing it); the connector's calls reach it through the fetch guard's sandbox allowance.
    """
    channel = sandbox_channel()
    connector = connector_new(platform=channel.platform, base_url=origin)
    credentials = connector.connect_with_secret(identifier=origin, secret=COUNCIL_ACCOUNT[2])
    connector.credentials = credentials
    account = connector.account()
    return connection_connect(
        actor=None, channel=channel, credentials=credentials, account=account, base_url=connector.base_url
    )


def sandbox_publish(*, text: str = FIRST_POST) -> Post:
    """A post for the sandbox channel, sent by the communications officer to go out at once: the
    scheduler's dispatch publishes it through the Mastodon connector."""
    channel = sandbox_channel()
    author = User.objects.get(email=PUBLISHER)
    service = Service.objects.filter(council=channel.council, name="Communications").first()
    with transaction.atomic():
        post = post_create_draft(
            author=author, council=channel.council, text=text, channels=[channel], scheduled_for=None, service=service
        )
        return post_submit(actor=author, post=post, acknowledge_warnings=True)


# --- the demo resident ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    kind: str  # complaint, question, praise, foi, abuse, safeguarding
    text: str
    reply: bool = False  # a reply to the council's latest post (else a mention)

    @property
    def described(self) -> str:
        """What was sent, in words for the console: "a complaint", "an FOI request"."""
        return KIND_WORDS.get(self.kind, f"a {self.kind} message")


KIND_WORDS = {
    "complaint": "a complaint",
    "question": "a question",
    "praise": "a thank-you",
    "foi": "an FOI request",
    "abuse": "an abusive reply",
    "safeguarding": "a safeguarding disclosure",
}


# Everything in the first few minutes, once: a mix, with the FOI request, the abusive reply and the
# safeguarding disclosure among the ordinary ones, as they come in real life.
OPENING = [
    Message("question", "@riverside When does the garden waste collection start again after Christmas?"),
    Message("complaint", "@riverside My black bin wasn't collected on Mill Lane again this week. Third time this "
                         "month, it's really not good enough."),
    Message("praise", "@riverside Thank you to the crew who cleared the fallen tree on Station Road so quickly "
                      "this morning. Brilliant work!", reply=True),
    Message("foi", "@riverside Under the Freedom of Information Act please tell me how much the council spent on "
                   "agency staff in 2025."),
    Message("question", "@riverside Is the recycling centre open on bank holidays?", reply=True),
    Message("abuse", "@riverside Absolute muppets, the lot of you. I hope whoever decided this rots in hell.",
            reply=True),
    Message("complaint", "@riverside There's a huge pothole on Church Street, nearly came off my bike. Reported "
                         "it twice already and nothing has happened."),
    Message("safeguarding", "@riverside I'm worried about the little boy next door on Brook Lane. He's left alone "
                            "for days at a time and I've seen bruises on his arms. Who should I tell?"),
]  # fmt: skip
# Afterwards, ordinary traffic for as long as the demo runs.
ROUTINE = [
    Message("complaint", "@riverside The streetlight outside number 12 {street} has been out for a fortnight."),
    Message("complaint", "@riverside Someone has fly-tipped a fridge in the lane behind {street}. Disgusting."),
    Message("question", "@riverside How do I book a bulky waste collection for an old sofa on {street}?"),
    Message("question", "@riverside Are the opening hours the same at weekends?", reply=True),
    Message("praise", "@riverside Lovely to see the new benches on {street}, thank you!"),
    Message("praise", "@riverside Great news, thanks for letting us know.", reply=True),
]
STREETS = ["Mill Lane", "Station Road", "Church Street", "Brook Lane", "Bridge Street", "High Street"]


def resident_messages(rng: random.Random) -> Iterator[Message]:
    """The opening messages in order, then routine ones without end, each with a street of the district."""
    yield from OPENING
    while True:
        message = rng.choice(ROUTINE)
        yield Message(message.kind, message.text.format(street=rng.choice(STREETS)), message.reply)


class Resident:
    """The demo resident, talking to the sandbox as any Mastodon client would."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["Authorization"] = f"Bearer {RESIDENT_ACCOUNT[2]}"

    def _council_latest(self) -> str:
        """The id of the council's newest post on the sandbox ("" when it has posted nothing yet)."""
        me = requests.get(
            f"{self.origin}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {COUNCIL_ACCOUNT[2]}"},
            timeout=10,
        )
        me.raise_for_status()
        statuses = self.session.get(f"{self.origin}/api/v1/accounts/{me.json()['id']}/statuses?limit=1", timeout=10)
        statuses.raise_for_status()
        found = statuses.json()
        return str(found[0]["id"]) if found else ""

    def send(self, message: Message) -> str:
        """Post the message (a reply when asked and the council has posted); returns the status id."""
        data = {"status": message.text}
        if message.reply and (latest := self._council_latest()):
            data["in_reply_to_id"] = latest
        answer = self.session.post(f"{self.origin}/api/v1/statuses", data=data, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["id"])
