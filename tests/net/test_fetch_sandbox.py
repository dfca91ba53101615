"""The demo sandbox's allowance in the fetch guard: a connector's session may reach exactly the configured
sandbox origin on 127.0.0.1 in demo mode; an address a person types, and every other loopback address, is
still refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.net.test_fetch import Peer
from townsquare.net import fetch
from townsquare.net.fetch import AddressRefused, address_check, checked_mount


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    server.routes["/api/v1/instance"] = (200, {"Content-Type": "application/json"}, b'{"title": "sandbox"}')
    yield server
    server.httpd.shutdown()


@pytest.fixture
def sandbox(peer: Peer, settings: object) -> Peer:
    """The peer configured as the demo's sandbox; loopback is not otherwise allowed."""
    settings.FETCH_ALLOW_LOOPBACK = False  # type: ignore[attr-defined]
    settings.SANDBOX_ORIGIN = peer.url  # type: ignore[attr-defined]
    return peer


def _connector_get(url: str) -> requests.Response:
    """A GET as the Mastodon connector makes it: the SDK's session, mounted through the guard."""
    session = requests.Session()
    session.trust_env = False
    checked_mount(session, url)
    return session.get(url, timeout=5, allow_redirects=False)


def test_a_connector_reaches_the_configured_sandbox(sandbox: Peer) -> None:
    assert _connector_get(f"{sandbox.url}/api/v1/instance").json() == {"title": "sandbox"}
    assert sandbox.hits == ["/api/v1/instance"]


def test_a_person_typing_the_sandbox_address_or_any_loopback_address_is_refused(sandbox: Peer) -> None:
    for typed in (sandbox.url, f"{sandbox.url}/", "http://127.0.0.1:9/", "http://localhost/", "https://127.0.0.1/"):
        with pytest.raises(AddressRefused):
            address_check(typed)
    with pytest.raises(AddressRefused):
        fetch.fetch(f"{sandbox.url}/api/v1/instance")  # a meeting feed, say: never the sandbox
    assert sandbox.hits == []


def test_only_the_exact_origin_is_let_through(sandbox: Peer, peer: Peer) -> None:
    other = Peer()
    try:
        for url in (f"{other.url}/", f"http://localhost:{sandbox.port}/", f"http://[::1]:{sandbox.port}/"):
            with pytest.raises((AddressRefused, requests.ConnectionError)):
                _connector_get(url)
        assert other.hits == []
    finally:
        other.httpd.shutdown()
    assert sandbox.hits == []


def test_outside_demo_mode_the_sandbox_is_refused_too(peer: Peer, settings: object) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False  # type: ignore[attr-defined]
    settings.SANDBOX_ORIGIN = ""  # type: ignore[attr-defined]  # production: never set
    with pytest.raises(AddressRefused):
        _connector_get(f"{peer.url}/api/v1/instance")
    assert peer.hits == []


@pytest.mark.parametrize(
    "origin",
    [
        "http://10.0.0.8:8000",  # not loopback
        "http://localhost:8000",  # a name, which could resolve anywhere
        "https://127.0.0.1:8000",
        "http://127.0.0.1",  # no port
        "http://127.0.0.1:8000/api",
        "http://user@127.0.0.1:8000",
        "http://127.0.0.1:notaport",
    ],
)
def test_a_sandbox_origin_other_than_http_127_0_0_1_port_is_ignored(origin: str, settings: object) -> None:
    settings.SANDBOX_ORIGIN = origin  # type: ignore[attr-defined]
    assert fetch.sandbox_port() is None
