"""The API honours two-factor for session cookies; tokens come only from a verified session (issue 9, item 2)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import verified_client
from tests.foundation.test_api import _api, _token
from tests.foundation.test_sign_in import _sign_in
from townsquare.api.models import ApiToken
from townsquare.channels.models import Channel
from townsquare.councils.models import Council


def test_password_only_session_gets_nothing_from_the_api(people: SimpleNamespace, channel: Channel) -> None:
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "comms@riverside.example")
    for path in ("/api/me/", "/api/councils/riverside/channels/", "/api/councils/riverside/posts/"):
        response = client.get(path)
        assert response.status_code == 401, (path, response.status_code)
        assert "/sign-in/code/" in response.json()["detail"]
        assert "RiversideBins" not in response.content.decode()


def test_password_only_session_cannot_change_anything_through_the_api(
    people: SimpleNamespace, channel: Channel
) -> None:
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "comms@riverside.example")
    response = client.patch(
        f"/api/councils/riverside/channels/{channel.pk}/",
        json.dumps({"status": "dormant"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    channel.refresh_from_db()
    assert channel.status == Channel.Status.ACTIVE


def test_mandatory_two_factor_applies_to_api_sessions(people: SimpleNamespace, riverside: Council) -> None:
    riverside.require_two_factor = True
    riverside.save()
    client = Client()
    _sign_in(client, "officer@riverside.example")
    response = client.get("/api/me/")
    assert response.status_code == 401 and "/account/two-factor/" in response.json()["detail"]


def test_verified_session_and_bearer_tokens_use_the_api(people: SimpleNamespace, channel: Channel) -> None:
    client, _ = verified_client(people.comms)
    assert client.get("/api/councils/riverside/channels/").json()["results"][0]["handle"] == "RiversideBins"
    # a bearer token is unchanged, whatever the session beside it
    key = _token("comms@riverside.example")
    assert _api(key).get("/api/me/").status_code == 200
    no_device = Client()
    _sign_in(no_device, "auditor@riverside.example")  # no device and no mandate: as for the pages
    assert no_device.get("/api/me/").status_code == 200


def test_a_token_is_made_only_from_a_verified_session(people: SimpleNamespace) -> None:
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    password_only = Client()
    _sign_in(password_only, "comms@riverside.example")
    password_only.post("/account/", {"name": "stolen"})  # redirected to the code page, nothing made
    no_device = Client()
    _sign_in(no_device, "auditor@riverside.example")
    page = no_device.post("/account/", {"name": "script"}, follow=True).content.decode()
    assert "Sign in with two-factor before creating an API token" in page and "tsq_" not in page
    assert not ApiToken.objects.exists()
    client, _ = verified_client(people.officer)
    made = client.post("/account/", {"name": "Reporting script"}).content.decode()
    assert "Copy it now" in made and "tsq_" in made
    assert list(ApiToken.objects.values_list("user__email", flat=True)) == ["officer@riverside.example"]


def test_only_a_single_sign_on_backend_session_counts_as_verified(people: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    """Single sign-on is recognised by the backend Django recorded at sign-in, not by data a session carries."""
    settings.OIDC_ENABLED = True
    TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    client = Client()
    _sign_in(client, "comms@riverside.example")
    session = client.session
    session["townsquare_sso"] = True  # what used to mark a single sign-on session
    session.save()
    assert client.get("/c/riverside/")["Location"].startswith("/sign-in/code/")
    assert client.get("/api/me/").status_code == 401
    session["_auth_user_backend"] = "townsquare.accounts.oidc.CouncilOIDCBackend"
    session.save()
    assert client.get("/c/riverside/").status_code == 200
    settings.OIDC_ENABLED = False  # single sign-on switched off: its sessions no longer count
    assert client.get("/c/riverside/").status_code == 302
