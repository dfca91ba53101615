"""Publishing fixtures: a second communications officer, channels, posts, a real Mastodon mock server, and the
Bluesky PDS of the connector tests."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.utils import timezone
from PIL import Image

from tests.conftest import PASSWORD
from tests.connectors.conftest import X_ME, bluesky_pds  # noqa: F401
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, Credentials
from townsquare.connectors.services import connection_connect
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.publishing.dispatch import send
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_create_draft

HERE = Path(__file__).resolve().parent
MASTODON_MOCK = Path(sys.executable).parent / "mastodon_mock"


def _png() -> bytes:
    """A real 1 x 1 PNG (uploads are decoded in full, so a made-up one is refused)."""
    out = io.BytesIO()
    Image.new("RGBA", (1, 1), (0, 94, 165, 255)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def comms2(riverside: Council) -> User:
    user = User.objects.create_user("comms2@riverside.example", PASSWORD, full_name="Second Comms")
    membership_grant(actor=None, council=riverside, user=user, role="comms")
    return user


@pytest.fixture
def bluesky(riverside: Council, people: SimpleNamespace) -> Channel:
    """A second channel, not assigned to the service officer."""
    return Channel.objects.create(
        council=riverside,
        platform="bluesky",
        name="Riverside Council",
        handle="riverside.bsky.social",
        owner=people.comms,
    )


@pytest.fixture
def later() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=2)


@pytest.fixture
def make_post(people: SimpleNamespace, riverside: Council, channel: Channel, later: dt.datetime) -> Callable[..., Post]:
    def make(
        text: str = "Bins are collected on Friday this week. Put them out by 7am.",
        author: User | None = None,
        channels: list[Channel] | None = None,
        scheduled_for: dt.datetime | None = None,
        **extra: object,
    ) -> Post:
        return post_create_draft(
            author=author or people.officer,
            council=riverside,
            text=text,
            channels=channels or [channel],
            scheduled_for=scheduled_for or later,
            **extra,
        )  # type: ignore[arg-type]

    return make


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mastodon_config(path: Path, port: int, accounts: int, *, rate_limit: int | None = None) -> Path:
    """Our own mastodon-mock configuration: ``accounts`` seeded users with tokens ``token<n>``."""
    lines = ["[server]", 'host = "127.0.0.1"', f"port = {port}", "", "[database]", 'path = ":memory:"', ""]
    if rate_limit:
        lines += ["[ratelimit]", "enabled = true", f"limit = {rate_limit}", "window_seconds = 3600", ""]
    for n in range(accounts):
        lines += [
            "[[seed.accounts]]",
            f'username = "council{n}"',
            f'display_name = "Council {n}"',
            f'access_token = "token{n}"',
            "",
        ]
    path.write_text("\n".join(lines))
    return path


class MastodonServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = process

    def statuses(self, account: int = 0) -> list[dict[str, object]]:
        """Every status of seeded account ``account``, newest first (follows Link pagination)."""
        headers = {"Authorization": f"Bearer token{account}"}
        me = requests.get(f"{self.url}/api/v1/accounts/verify_credentials", headers=headers, timeout=10).json()
        found: list[dict[str, object]] = []
        url: str | None = f"{self.url}/api/v1/accounts/{me['id']}/statuses?limit=40"
        while url:
            response = requests.get(url, headers=headers, timeout=10)
            response.raise_for_status()
            batch = response.json()
            found += batch
            url = response.links.get("next", {}).get("url") if batch else None
        return found


def start_mastodon(tmp: Path, *, accounts: int = 2, rate_limit: int | None = None) -> MastodonServer:
    port = free_port()
    config = mastodon_config(tmp / "mastodon_mock.toml", port, accounts, rate_limit=rate_limit)
    log = open(tmp / "mastodon_mock.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [str(MASTODON_MOCK), "serve", "--config", str(config), "--log-level", "warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/v1/instance", timeout=1).status_code == 200:
                return MastodonServer(url, process)
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine answers slowly at first
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"mastodon-mock did not start: {(tmp / 'mastodon_mock.log').read_text()[-2000:]}")


@pytest.fixture(scope="session")
def mastodon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MastodonServer]:
    server = start_mastodon(tmp_path_factory.mktemp("mastodon"), accounts=4)
    yield server
    server.process.terminate()
    server.process.wait(10)


def mastodon_fault(
    server: MastodonServer,
    *,
    path: str,
    effect: dict[str, object],
    methods: list[str] | None = None,
    count: int | None = None,
) -> None:
    body: dict[str, object] = {"match": {"path": path, **({"methods": methods} if methods else {})}, "effect": effect}
    if count is not None:
        body["count"] = count
    requests.post(f"{server.url}/api/v1/_mock/faults", json=body, timeout=10).raise_for_status()


def connect_mastodon(channel: Channel, server: MastodonServer, token: str) -> Channel:
    """Connect ``channel`` to the server with ``token`` (not checked, so a bad token can be stored on purpose)."""
    connection_connect(
        actor=None,
        channel=channel,
        credentials=Credentials({"access_token": token}),
        account=AccountInfo(external_id=token, handle=f"@{token}"),
        base_url=server.url,
    )
    channel.refresh_from_db()
    return channel


@pytest.fixture
def toot_channel(riverside: Council, people: SimpleNamespace, mastodon: MastodonServer) -> Channel:
    made = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside on Mastodon", handle="@council0", owner=people.comms
    )
    made.assignees.add(people.officer)
    return connect_mastodon(made, mastodon, "token0")


@pytest.fixture
def x_channel(riverside: Council, people: SimpleNamespace) -> Channel:
    """An X channel connected with the credentials the recorded exchanges carry (tests/connectors/fixtures/x)."""
    channel = Channel.objects.create(
        council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC", owner=people.comms
    )
    channel.assignees.add(people.officer)
    tokens = {"access_token": "x-access-1", "refresh_token": "x-refresh-1", "user_id": X_ME, "username": "RiversideDC"}
    account = AccountInfo(external_id=X_ME, handle="@RiversideDC")
    connection_connect(actor=None, channel=channel, credentials=Credentials(tokens), account=account)
    channel.refresh_from_db()
    return channel


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    """Uploaded images go to a temporary folder, never the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def published(
    mastodon: MastodonServer, toot_channel: Channel, make_post: Callable[..., Post], people: SimpleNamespace
) -> PostTarget:
    """A post published on the Mastodon channel (through dispatch, as approval makes it due)."""
    from .test_dispatch import approved

    text = f"The library opens at 9am on Saturday {uuid.uuid4().hex[:8]}"
    post = approved(make_post, people, [toot_channel], text)
    assert send.due_dispatch(worker="test:1") == {"published": 1}
    target = post.targets.get()
    assert target.status == PostTarget.Status.PUBLISHED and target.external_id
    return target
