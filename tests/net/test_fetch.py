"""Fetching an address a person typed: https only, public addresses only (after DNS, on every hop),
connected to the address checked, bounded, and never echoing what the server sent."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from townsquare.net import fetch
from townsquare.net.fetch import AddressRefused, FetchFailed, address_check, ip_is_public

SECRET_PAGE = b"root:x:0:0:secret-internal-body"


class Peer:
    """An http server on 127.0.0.1 answering each path from ``routes``: (status, headers, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[str] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                peer.hits.append(self.path)
                status, headers, body = peer.answer(self.path)
                if self.path.startswith("/slow"):
                    time.sleep(1.5)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if self.path == "/drip":  # says 100,000 bytes, sends 10 every 0.1 s
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    for _ in range(40):
                        self.wfile.write(b"x" * 10)
                        self.wfile.flush()
                        time.sleep(0.1)
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.routes.get(path, (404, {}, SECRET_PAGE))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    yield server
    server.close()


@pytest.fixture
def loopback(settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "fec0::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
    ],
)
def test_special_addresses_are_not_public(address: str) -> None:
    assert not ip_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101"]
)
def test_public_addresses_are_public(address: str) -> None:
    assert ip_is_public(ipaddress.ip_address(address))


def _resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Make getaddrinfo answer from ``answers`` (each name's list read in turn, the last repeated)."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        queue = answers[host]
        ip = queue.pop(0) if len(queue) > 1 else queue[0]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [
            (
                family,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, int(port or 443)) if family == socket.AF_INET else (ip, int(port or 443), 0, 0),
            )
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


@pytest.mark.parametrize(
    "url",
    [
        "http://feeds.example.org/c.ics",
        "ftp://feeds.example.org/c.ics",
        "file:///etc/passwd",
        "https://user:pw@feeds.example.org/",
        "https:///nohost",
        "not an address",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
def test_only_https_addresses_are_accepted(url: str) -> None:
    with pytest.raises(AddressRefused):
        address_check(url)


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.0.0.8", "169.254.169.254", "::1", "::ffff:192.168.0.1", "fd00::5"])
def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch, ip: str) -> None:
    _resolving(monkeypatch, {"calendar.example.org": [ip]})
    with pytest.raises(AddressRefused, match="private or reserved"):
        address_check("https://calendar.example.org/meetings.ics")
    with pytest.raises(AddressRefused, match="private or reserved"):
        fetch.fetch("https://calendar.example.org/meetings.ics")


def test_one_private_answer_among_public_ones_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def mixed(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "mixed.example.org":
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    with pytest.raises(AddressRefused):
        address_check("https://mixed.example.org/")


def test_literal_addresses_and_loopback_are_refused_without_the_test_setting(peer: Peer, settings: Any) -> None:
    settings.FETCH_ALLOW_LOOPBACK = False
    for url in (
        f"{peer.url}/x",
        f"https://127.0.0.1:{peer.port}/x",
        f"https://[::1]:{peer.port}/x",
        f"https://[::ffff:127.0.0.1]:{peer.port}/x",
        "https://localhost/x",
        "https://169.254.169.254/latest",
    ):
        with pytest.raises(AddressRefused):
            fetch.fetch(url)
    assert peer.hits == []


def test_the_test_setting_is_off_by_default() -> None:
    from django.conf import settings

    assert settings.FETCH_ALLOW_LOOPBACK is False


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch, peer: Peer, loopback: None
) -> None:
    """DNS rebinding: the first answer passes the check; a second lookup would give a private address."""
    peer.routes["/feed.ics"] = (200, {}, b"BEGIN:VCALENDAR")
    asked = _resolving(monkeypatch, {"rebind.example.org": ["127.0.0.1", "10.0.0.99"]})
    got = fetch.fetch(f"http://rebind.example.org:{peer.port}/feed.ics")
    assert got.content == b"BEGIN:VCALENDAR"
    assert asked == ["rebind.example.org"]  # resolved once; the socket went to the address checked


def test_each_redirect_is_checked_and_never_followed_to_a_private_address(
    monkeypatch: pytest.MonkeyPatch, peer: Peer, loopback: None
) -> None:
    _resolving(monkeypatch, {"internal.example.org": ["10.0.0.7"]})
    peer.routes["/go"] = (302, {"Location": "https://internal.example.org/admin"}, b"")
    peer.routes["/metadata"] = (301, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    with pytest.raises(AddressRefused, match="private or reserved"):
        fetch.fetch(f"{peer.url}/go")
    with pytest.raises(AddressRefused):
        fetch.fetch(f"{peer.url}/metadata")
    peer.routes["/plain"] = (302, {"Location": "ftp://files.example.org/x"}, b"")
    with pytest.raises(AddressRefused, match="https"):
        fetch.fetch(f"{peer.url}/plain")


def test_redirects_are_followed_up_to_the_hop_limit(peer: Peer, loopback: None) -> None:
    for n in range(10):
        peer.routes[f"/hop{n}"] = (307, {"Location": f"/hop{n + 1}"}, b"")
    peer.routes["/hop3"] = (200, {}, b"arrived")
    got = fetch.fetch(f"{peer.url}/hop0")
    assert got.content == b"arrived" and got.url.endswith("/hop3")
    peer.routes["/hop3"] = (307, {"Location": "/hop4"}, b"")
    with pytest.raises(FetchFailed, match="redirected more than 5 times"):
        fetch.fetch(f"{peer.url}/hop0")
    assert len([h for h in peer.hits if h.startswith("/hop")]) == 4 + 6


def test_errors_never_echo_the_body(peer: Peer, loopback: None) -> None:
    peer.routes["/err"] = (500, {}, SECRET_PAGE)
    with pytest.raises(FetchFailed) as caught:
        fetch.fetch(f"{peer.url}/err", what="The feed")
    assert caught.value.message == "The feed answered HTTP 500 Internal Server Error."
    with pytest.raises(FetchFailed) as caught:
        fetch.fetch(f"{peer.url}/missing")
    assert "secret" not in caught.value.message and "HTTP 404" in caught.value.message


def test_size_and_time_limits(peer: Peer, loopback: None, monkeypatch: pytest.MonkeyPatch) -> None:
    peer.routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(FetchFailed, match="larger than"):
        fetch.fetch(f"{peer.url}/big", max_bytes=4000)
    monkeypatch.setattr(fetch, "TIMEOUT", (2.0, 0.5))
    peer.routes["/slow"] = (200, {}, b"late")
    with pytest.raises(FetchFailed, match="did not answer within"):
        fetch.fetch(f"{peer.url}/slow")
    peer.routes["/drip"] = (200, {}, b"")
    with pytest.raises(FetchFailed, match="took longer than 1 seconds"):
        fetch.fetch(f"{peer.url}/drip", total_seconds=1.0)


def test_the_test_setting_allows_plain_http_to_loopback_only(monkeypatch: pytest.MonkeyPatch, loopback: None) -> None:
    _resolving(monkeypatch, {"public.example.org": ["93.184.216.34"]})
    with pytest.raises(AddressRefused, match="https"):
        address_check("http://public.example.org/feed.ics")
    with pytest.raises(AddressRefused, match="private or reserved"):
        address_check("https://10.0.0.1/feed.ics")
