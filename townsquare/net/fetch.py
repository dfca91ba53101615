"""Fetching an address a person typed, without letting it reach the server's own network.

Every address a person gives (a meeting calendar feed, a Mastodon or Bluesky server) is:

- **https only**, with the certificate checked for the name typed;
- **resolved here and checked**: every address the name resolves to must be a public one, never
  loopback, private, link-local, shared (carrier NAT), multicast, reserved or unspecified, in IPv4
  or IPv6, IPv4-mapped, NAT64 and 6to4 IPv6 included; a name with any such address is refused;
- **connected to at the address that was checked** (the connection is made to that IP, so a second,
  different DNS answer cannot slip in between the check and the connection);
- **followed across redirects by hand**, each hop checked the same way, at most ``MAX_HOPS``;
- **bounded** in size and in time, and its errors never repeat what the server sent.

Tests talk to servers on 127.0.0.1 (mastodon-mock, a local PDS, a feed server) by switching on
``settings.FETCH_ALLOW_LOOPBACK``; it is off by default and honoured only under ``TESTING``. With
it on, loopback addresses, and plain http to them, are allowed; nothing else changes.

The demo (``make run``) runs a sandbox Mastodon server on 127.0.0.1 and connects one channel to it
itself (townsquare/demo/sandbox.py). ``settings.SANDBOX_ORIGIN``, set only in demo mode, names that
one origin (``http://127.0.0.1:<port>``); only a connector's session to exactly that origin
(``checked_mount``) may reach it. Addresses a person types (``address_check``, ``fetch``) never
may, so typing it, or any other loopback address, is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

MAX_HOPS = 5
TIMEOUT = (5.0, 20.0)  # connect, each read
TOTAL_SECONDS = 30.0
MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = "Townsquare/1.0"
REDIRECTS = {301, 302, 303, 307, 308}

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """The address may not be fetched; ``message`` is plain English, safe to show to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FetchFailed(Exception):
    """The fetch went wrong; ``message`` is plain English and never holds what the server sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def loopback_allowed() -> bool:
    return bool(getattr(settings, "FETCH_ALLOW_LOOPBACK", False))


SANDBOX_HOST = "127.0.0.1"


def sandbox_port() -> int | None:
    """The demo sandbox's port, when ``settings.SANDBOX_ORIGIN`` is exactly ``http://127.0.0.1:<port>``."""
    origin = str(getattr(settings, "SANDBOX_ORIGIN", "") or "")
    if not origin:
        return None
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme != "http"
        or parts.hostname != SANDBOX_HOST
        or parts.netloc != f"{SANDBOX_HOST}:{port}"
        or parts.path not in ("", "/")
        or parts.query
        or not port
    ):
        return None
    return port


def _is_sandbox(scheme: str, host: str, port: int) -> bool:
    return scheme == "http" and host == SANDBOX_HOST and port == sandbox_port()


def _embedded(ip: IP) -> IP:
    """The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address (else the address itself)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def ip_is_public(ip: IP) -> bool:
    """True for an address on the public internet; false for every special-purpose range."""
    candidate = _embedded(ip)  # an embedded IPv4 address is judged by itself
    if (
        candidate.is_loopback
        or candidate.is_private
        or candidate.is_link_local
        or candidate.is_multicast
        or candidate.is_reserved
        or candidate.is_unspecified
        or not candidate.is_global
    ):
        return False
    return not (
        isinstance(candidate, ipaddress.IPv6Address)
        and (candidate.is_site_local or candidate in NAT64_LOCAL or candidate.teredo is not None)
    )


def ip_allowed(ip: IP) -> bool:
    return ip_is_public(ip) or (loopback_allowed() and _embedded(ip).is_loopback)


def _host_of(url: str, *, sandbox: bool = False) -> tuple[str, str, int]:
    """Scheme, host and port of an address, refusing anything but https (and http to loopback in tests,
    or, when ``sandbox``, to the demo's sandbox origin)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise AddressRefused("That is not a web address.") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = port or (443 if scheme == "https" else 80)
    if scheme != "https" and not (
        scheme == "http" and (loopback_allowed() or (sandbox and _is_sandbox(scheme, host, port)))
    ):
        raise AddressRefused("The address must start with https:// (a secure connection).")
    if not host:
        raise AddressRefused("That is not a web address.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("Give the address without a user name or password in it.")
    return scheme, host, port


def resolve_checked(host: str, port: int, *, plain_http: bool = False, sandbox: bool = False) -> list[tuple[Any, ...]]:
    """Every address ``host`` resolves to, if all of them may be reached; else ``AddressRefused``.

    ``sandbox``: a connector's own session, which may also reach the demo's sandbox origin itself.
    """
    sandbox = sandbox and host == SANDBOX_HOST and port == sandbox_port()
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"The server {host} could not be found.") from exc
    if not answers:
        raise AddressRefused(f"The server {host} could not be found.")
    for *_, sockaddr in answers:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not ip_allowed(ip) and not (sandbox and ip == ipaddress.IPv4Address(SANDBOX_HOST)):
            raise AddressRefused(
                f"The server {host} is on a private or reserved network address, which Townsquare does not connect to."
            )
        if plain_http and not _embedded(ip).is_loopback:
            raise AddressRefused("The address must start with https:// (a secure connection).")
    return answers


def address_check(url: str) -> str:
    """Check an address a person typed before it is stored: https, and a host on public addresses only.

    Returns the address as given (stripped). Connections made later are checked again (DNS may change).
    """
    scheme, host, port = _host_of(url)
    resolve_checked(host, port, plain_http=scheme == "http")
    return url.strip()


# --- connections to the checked address ---------------------------------------------------------


def _checked_connection(conn: HTTPConnection, plain_http: bool, sandbox: bool = False) -> socket.socket:
    """Resolve once, check every answer, then connect to those very addresses (no second lookup)."""
    answers = resolve_checked(conn._dns_host, conn.port or 0, plain_http=plain_http, sandbox=sandbox)  # type: ignore[attr-defined]
    last: OSError | None = None
    for *_, sockaddr in answers:
        try:
            sock = urllib3_connection.create_connection(
                (str(sockaddr[0]), int(sockaddr[1])),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as exc:
            last = exc
            continue
        return sock
    raise last or OSError("no address could be reached")


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _wrap_errors(self, lambda: _checked_connection(self, plain_http=True))


class _SandboxHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _wrap_errors(self, lambda: _checked_connection(self, plain_http=True, sandbox=True))


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _wrap_errors(self, lambda: _checked_connection(self, plain_http=False))


def _wrap_errors(conn: HTTPConnection, make: Any) -> socket.socket:
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    try:
        sock: socket.socket = make()
        return sock
    except AddressRefused:
        raise
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _SandboxHTTPPool(HTTPConnectionPool):
    ConnectionCls = _SandboxHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """A requests transport whose every connection goes only to a checked, public address
    (or, with ``sandbox``, also to the demo's sandbox origin)."""

    def __init__(self, *args: Any, sandbox: bool = False, **kwargs: Any) -> None:
        self.sandbox = sandbox
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool = _SandboxHTTPPool if self.sandbox else _CheckedHTTPPool
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": _CheckedHTTPSPool}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        _host_of(request.url or "", sandbox=self.sandbox)
        kwargs["proxies"] = {}  # a proxy would make the connection on our behalf, unchecked
        return super().send(request, *args, **kwargs)


def checked_mount(session: requests.Session, url: str) -> None:
    """Route ``session``'s calls to ``url``'s server through ``CheckedAdapter`` (an SDK's shared session).

    A connector's server address was checked with ``address_check`` when a person gave it; the one
    address it may hold that a person could not give is the demo's sandbox origin, which the demo
    connects itself, and only that exact origin is let through here.
    """
    scheme, host, port = _host_of(url, sandbox=True)
    sandbox = _is_sandbox(scheme, host, port)
    parts = urlsplit(url.strip())
    origin = f"{scheme}://{parts.netloc.lower()}/"
    adapter = session.get_adapter(origin)
    if not isinstance(adapter, CheckedAdapter) or adapter.sandbox != sandbox:
        session.mount(origin, CheckedAdapter(sandbox=sandbox))


def checked_session() -> requests.Session:
    """A session whose connections all go through ``CheckedAdapter`` (no proxies from the environment)."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = MAX_HOPS
    adapter = CheckedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --- fetching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    content: bytes
    url: str  # after redirects
    content_type: str


def _status_text(code: int) -> str:
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    accept: str = "*/*",
    total_seconds: float = TOTAL_SECONDS,
    max_hops: int = MAX_HOPS,
    what: str = "The address",
) -> Fetched:
    """GET an address a person typed: the body, or ``AddressRefused`` / ``FetchFailed`` in plain English.

    ``what`` names the thing in messages ("The feed"). Redirects are followed here, each hop checked.
    """
    deadline = time.monotonic() + total_seconds
    session = checked_session()
    current = url.strip()
    try:
        for _hop in range(max_hops + 1):
            _host_of(current)
            with session.get(
                current,
                timeout=TIMEOUT,
                stream=True,
                allow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept": accept},
            ) as response:
                if response.status_code in REDIRECTS and response.headers.get("Location"):
                    current = urljoin(current, response.headers["Location"])
                    continue
                if response.status_code != 200:
                    raise FetchFailed(f"{what} answered {_status_text(response.status_code)}.")
                return Fetched(
                    _read(response, max_bytes=max_bytes, deadline=deadline, total=total_seconds, what=what),
                    current,
                    response.headers.get("Content-Type", ""),
                )
        raise FetchFailed(f"{what} redirected more than {max_hops} times.")
    except requests.Timeout as exc:
        raise FetchFailed(f"{what} did not answer within {int(TIMEOUT[1])} seconds.") from exc
    except requests.exceptions.SSLError as exc:
        raise FetchFailed(f"{what} did not offer a valid secure (https) certificate.") from exc
    except requests.RequestException as exc:
        raise FetchFailed(f"{what} could not be reached.") from exc
    finally:
        session.close()


def _read(response: requests.Response, *, max_bytes: int, deadline: float, total: float, what: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"{what} is larger than {max_bytes // (1024 * 1024)} MB.")
    body = bytearray()
    while True:
        # read1 returns what has arrived (each wait bounded by the read timeout), so the deadline holds
        # against a server that sends a byte at a time; decoded, so a compressed bomb counts at full size.
        try:
            chunk = response.raw.read1(65536, decode_content=True)
        except Exception as exc:  # urllib3's read errors: a dropped or timed-out connection
            raise FetchFailed(f"{what} stopped sending before the end.") from exc
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchFailed(f"{what} is larger than {max_bytes // (1024 * 1024)} MB.")
        if time.monotonic() > deadline:
            raise FetchFailed(f"{what} took longer than {int(total)} seconds to send.")
