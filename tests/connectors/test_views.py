"""Connection pages and the API: permissions, the channel page's panel, and secrets never echoed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, ConnectorError, Credentials, ErrorKind, RateHeadroom
from townsquare.connectors.models import Connection
from townsquare.connectors.services import connection_connect, connection_record_error, connection_record_success
from townsquare.connectors.views import OAUTH_SESSION_KEY


@pytest.fixture
def toot(riverside, people) -> Channel:
    made = Channel.objects.create(
        council=riverside, platform="mastodon", name="Riverside on Mastodon", handle="@riverside", owner=people.comms
    )
    made.assignees.add(people.officer)
    return made


def _pages(channel: Channel) -> list[str]:
    return [
        reverse("connectors:connect", args=["riverside", channel.pk]),
        reverse("connectors:disconnect", args=["riverside", channel.pk]),
    ]


def test_outsiders_get_not_found_and_low_roles_forbidden(toot, people, client_for) -> None:
    for url in _pages(toot):
        assert client_for(people.outsider).get(url).status_code == 404
        for role in ("officer", "councillor", "auditor"):
            assert client_for(getattr(people, role)).get(url).status_code == 403
            assert client_for(getattr(people, role)).post(url, {"identifier": "x", "secret": "y"}).status_code == 403
        assert client_for(people.comms).get(url).status_code == 200
        assert client_for(people.admin).get(url).status_code == 200
    assert not Connection.objects.exists()


def test_api_permissions(toot, people, client_for) -> None:
    url = reverse("connectors:api_connection", args=["riverside", toot.pk])
    assert client_for(people.outsider).get(url).status_code == 404
    assert client_for(people.councillor).get(url).status_code == 403
    assert client_for(people.officer).get(url).json()["state"] == "not_connected"  # assigned to them
    assert client_for(people.officer).delete(url).status_code == 403
    assert client_for(people.outsider).delete(url).status_code == 404
    assert client_for(people.comms).delete(url).status_code == 200
    assert AuditEvent.objects.filter(action="connection.disconnected").count() == 1


def test_api_shows_health_but_never_credentials(toot, people, client_for) -> None:
    connection_connect(
        actor=people.comms,
        channel=toot,
        credentials=Credentials({"access_token": "s3cr3t-tok"}),
        account=AccountInfo(external_id="1", handle="@riverside"),
        base_url="https://social.example",
    )
    connection_record_success(toot, RateHeadroom(remaining=250, limit=300, resets_at=None))
    answer = client_for(people.comms).get(reverse("connectors:api_connection", args=["riverside", toot.pk]))
    body = answer.json()
    assert body["state"] == "connected" and body["rate_remaining"] == 250 and body["account_handle"] == "@riverside"
    assert "s3cr3t-tok" not in answer.content.decode()


def test_channel_page_shows_health_last_error_and_headroom(toot, people, client_for) -> None:
    connection_connect(
        actor=people.comms,
        channel=toot,
        credentials=Credentials({"access_token": "s3cr3t-tok"}),
        account=AccountInfo(external_id="1", handle="@riverside"),
        base_url="https://social.example",
    )
    connection_record_success(toot, RateHeadroom(remaining=12, limit=300, resets_at=None))
    connection_record_error(toot, ConnectorError(ErrorKind.REAUTHORISE, "Mastodon no longer accepts this token."))
    page = client_for(people.comms).get(reverse("channels:detail", args=["riverside", toot.pk])).content.decode()
    assert "Needs reconnecting" in page and "Mastodon no longer accepts this token." in page
    assert "12 of 300 calls" in page and "Reconnect" in page and "s3cr3t-tok" not in page
    officer_page = (
        client_for(people.officer).get(reverse("channels:detail", args=["riverside", toot.pk])).content.decode()
    )
    assert "Needs reconnecting" in officer_page and "Disconnect" not in officer_page


def test_connect_with_a_token_against_the_server(mastodon, toot, people, client_for) -> None:
    url = reverse("connectors:connect", args=["riverside", toot.pk])
    answer = client_for(people.comms).post(url, {"identifier": mastodon.url, "secret": "riverside_token"})
    assert answer.status_code == 302
    toot.refresh_from_db()
    assert toot.connection_state == "connected"


def test_a_refused_token_is_explained_and_not_echoed(mastodon, toot, people, client_for) -> None:
    url = reverse("connectors:connect", args=["riverside", toot.pk])
    answer = client_for(people.comms).post(url, {"identifier": mastodon.url, "secret": "wrong-s3cr3t-token"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "no longer accepts" in page
    assert "wrong-s3cr3t-token" not in page
    assert not Connection.objects.exists()


def test_bad_input_changes_nothing(toot, people, client_for) -> None:
    url = reverse("connectors:connect", args=["riverside", toot.pk])
    answer = client_for(people.comms).post(url, {"identifier": "not a server", "secret": ""})
    assert answer.status_code == 200 and "govuk-error-summary" in answer.content.decode()
    assert not Connection.objects.exists()


def test_disconnect_forgets_credentials(toot, people, client_for) -> None:
    connection_connect(
        actor=people.comms,
        channel=toot,
        credentials=Credentials({"access_token": "t"}),
        account=AccountInfo(external_id="1", handle="@riverside"),
    )
    answer = client_for(people.comms).post(
        reverse("connectors:disconnect", args=["riverside", toot.pk]), {"reason": "Account closed"}
    )
    assert answer.status_code == 302
    connection = Connection.objects.get(channel=toot)
    assert connection.state == "not_connected" and connection.credentials_encrypted == ""
    assert AuditEvent.objects.get(action="connection.disconnected").reason == "Account closed"


@pytest.fixture
def x_channel(riverside, monkeypatch) -> Channel:
    monkeypatch.setenv("TOWNSQUARE_X_CLIENT_ID", "townsquare-app")
    return Channel.objects.create(council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC")


def test_oauth_start_sends_state_and_pkce(x_channel, people, client_for) -> None:
    client = client_for(people.comms)
    answer = client.post(reverse("connectors:connect", args=["riverside", x_channel.pk]))
    assert answer.status_code == 302
    query = parse_qs(urlparse(answer["Location"]).query)
    state = query["state"][0]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["redirect_uri"][0].endswith(reverse("connectors:oauth_callback"))
    assert client.session[OAUTH_SESSION_KEY][state]["channel"] == x_channel.pk


def test_oauth_callback_checks_state(x_channel, people, client_for) -> None:
    client = client_for(people.comms)
    client.post(reverse("connectors:connect", args=["riverside", x_channel.pk]))
    callback = reverse("connectors:oauth_callback")
    assert client.get(callback, {"state": "forged", "code": "abc"}).status_code == 400
    (state,) = client.session[OAUTH_SESSION_KEY]
    refused = client.get(callback, {"state": state, "error": "access_denied"})
    assert refused.status_code == 400 and "did not grant access" in refused.content.decode()
    assert client.get(callback, {"state": state, "code": "abc"}).status_code == 400  # a state is used once
    assert not Connection.objects.exists()


def test_oauth_callback_refuses_people_without_the_role(x_channel, people, client_for) -> None:
    for person, status in ((people.outsider, 404), (people.officer, 403)):
        client = client_for(person)
        session = client.session
        session[OAUTH_SESSION_KEY] = {"s": {"council": "riverside", "channel": x_channel.pk, "verifier": "v"}}
        session.save()
        assert client.get(reverse("connectors:oauth_callback"), {"state": "s", "code": "abc"}).status_code == status
