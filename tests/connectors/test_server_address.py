"""The server address a person types for Mastodon (or a Bluesky PDS): https on a public host only, so an
access token or app password never goes in clear text or to a host inside the council's network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from tests.net.test_fetch import Peer
from townsquare.channels.models import Channel
from townsquare.connectors.base import ConnectorError, Credentials, ErrorKind
from townsquare.connectors.mastodon.connector import MastodonConnector
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connection_connect_with_secret


@pytest.fixture
def toot(riverside, people) -> Channel:  # type: ignore[no-untyped-def]
    return Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside on Mastodon", handle="@riverside", owner=people.comms
    )


@pytest.fixture
def catcher(settings: Any) -> Iterator[Peer]:
    """A server on 127.0.0.1 that records every request it gets; the test setting stays off."""
    settings.FETCH_ALLOW_LOOPBACK = False
    server = Peer()
    yield server
    server.close()


@pytest.fixture
def internal_name(monkeypatch: pytest.MonkeyPatch) -> str:
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mastodon.internal.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", int(port or 443)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return "https://mastodon.internal.example"


def test_the_connect_form_refuses_http_and_internal_servers(
    toot,
    people,
    client_for,
    catcher,  # type: ignore[no-untyped-def]
    internal_name,
) -> None:
    url = reverse("connectors:connect", args=["riverside", toot.pk])
    client = client_for(people.comms)
    for address, message in [
        (catcher.url, "https://"),
        (f"https://127.0.0.1:{catcher.port}", "private or reserved"),
        ("https://[::ffff:127.0.0.1]", "private or reserved"),
        ("169.254.169.254", "private or reserved"),
        (internal_name, "private or reserved"),
    ]:
        answer = client.post(url, {"identifier": address, "secret": "s3cr3t-access-token"})
        page = answer.content.decode()
        assert answer.status_code == 200 and message in page, address
        assert "s3cr3t-access-token" not in page
    assert catcher.hits == [] and not Connection.objects.exists()


def test_the_service_refuses_them_too(toot, people, catcher, internal_name) -> None:  # type: ignore[no-untyped-def]
    for address in (catcher.url, internal_name):
        with pytest.raises(ConnectorError) as caught:
            connection_connect_with_secret(
                actor=people.comms, channel=toot, identifier=address, secret="s3cr3t-access-token", base_url=address
            )
        assert caught.value.kind == ErrorKind.REJECTED
    assert catcher.hits == [] and not Connection.objects.exists()


def test_a_stored_address_is_checked_on_every_call(catcher, internal_name) -> None:  # type: ignore[no-untyped-def]
    """A connection stored before addresses were checked (or a name moved since) never gets the token."""
    for address in (catcher.url, internal_name):
        connector = MastodonConnector(Credentials({"access_token": "s3cr3t-access-token"}), base_url=address)
        with pytest.raises(ConnectorError) as caught:
            connector.account()
        assert caught.value.kind == ErrorKind.REJECTED and caught.value.platform_code == "address_refused"
    assert catcher.hits == []


def test_a_bluesky_server_is_checked_like_mastodons(riverside, people, client_for, catcher) -> None:  # type: ignore[no-untyped-def]
    sky = Channel.objects.create(
        council=riverside,
        platform="bluesky",
        name="Riverside on Bluesky",
        handle="riverside.bsky.social",
        owner=people.comms,
    )
    answer = client_for(people.comms).post(
        reverse("connectors:connect", args=["riverside", sky.pk]),
        {"identifier": "riverside.bsky.social", "secret": "app-pass-word", "base_url": catcher.url},
    )
    assert answer.status_code == 200 and "https://" in answer.content.decode()
    with pytest.raises(ConnectorError):
        connection_connect_with_secret(
            actor=people.comms,
            channel=sky,
            identifier="riverside.bsky.social",
            secret="app-pass-word",
            base_url=f"https://127.0.0.1:{catcher.port}",
        )
    assert catcher.hits == [] and not Connection.objects.exists()
