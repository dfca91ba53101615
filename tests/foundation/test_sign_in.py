"""Signing in: passwords, lockout, TOTP two-factor (optional and mandatory), single sign-on."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council


def _sign_in(client: Client, email: str, password: str = PASSWORD, next_url: str = "/"):  # type: ignore[no-untyped-def]
    return client.post("/sign-in/", {"username": email, "password": password, "next": next_url})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_sign_in_and_out(people: SimpleNamespace) -> None:
    client = Client()
    response = _sign_in(client, "Comms@Riverside.example", next_url="/c/riverside/")
    assert response.status_code == 302 and response["Location"] == "/c/riverside/"
    assert client.get("/c/riverside/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/c/riverside/").status_code == 302


def test_wrong_password_says_so_plainly(people: SimpleNamespace) -> None:
    response = _sign_in(Client(), "comms@riverside.example", "wrong-password")
    assert response.status_code == 200
    assert "Enter a correct email address and password." in response.content.decode()


def test_open_redirects_are_refused(people: SimpleNamespace) -> None:
    response = _sign_in(Client(), "comms@riverside.example", next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_lockout_after_repeated_failures(people: SimpleNamespace) -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, "comms@riverside.example", "wrong-password")
    response = _sign_in(client, "comms@riverside.example")  # even the right password, for now
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert client.get("/c/riverside/").status_code == 302
    # another person at the same address is not locked out
    assert _sign_in(Client(), "admin@riverside.example").status_code == 302


def test_totp_code_is_asked_after_the_password(people: SimpleNamespace) -> None:
    device = TOTPDevice.objects.create(user=people.comms, name="phone", confirmed=True)
    client = Client()
    response = _sign_in(client, "comms@riverside.example", next_url="/c/riverside/")
    assert response["Location"].startswith("/sign-in/code/")
    assert client.get("/c/riverside/")["Location"].startswith("/sign-in/code/")
    wrong = client.post("/sign-in/code/", {"code": "000000", "next": "/c/riverside/"})
    assert "wrong or has expired" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/sign-in/code/", {"code": _code(device), "next": "/c/riverside/"})
    assert ok.status_code == 302 and ok["Location"] == "/c/riverside/"
    assert client.get("/c/riverside/").status_code == 200


def test_mandatory_two_factor_forces_set_up(people: SimpleNamespace, riverside: Council) -> None:
    riverside.require_two_factor = True
    riverside.save()
    client = Client()
    _sign_in(client, "officer@riverside.example")
    assert client.get("/c/riverside/")["Location"] == "/account/two-factor/"
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "Turn on two-factor sign-in" in page
    device = TOTPDevice.objects.get(user=people.officer, confirmed=False)
    assert "There is a problem" in client.post("/account/two-factor/", {"code": "12ab"}).content.decode()
    done = client.post("/account/two-factor/", {"code": _code(device)})
    assert "Two-factor sign-in is on" in done.content.decode()
    assert client.get("/c/riverside/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.enabled", actor=people.officer).exists()
    # the outsider's council does not require it
    other = Client()
    _sign_in(other, "officer@hillcrest.example")
    assert other.get("/c/hillcrest/").status_code == 200


@pytest.fixture
def oidc(settings, people: SimpleNamespace):  # type: ignore[no-untyped-def]
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "townsquare"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret-for-hs256-signing-0123456789"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/keys"
    return settings


def _provider_signs_in(client: Client, settings, email: str) -> object:  # type: ignore[no-untyped-def]
    """Walk the real redirect and callback views; the identity provider's endpoints are mocked."""
    import urllib.parse

    import jwt
    import responses

    start = client.get("/oidc/authenticate/?next=/c/riverside/")
    assert start.status_code == 302 and start["Location"].startswith("https://login.example/authorize?")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(start["Location"]).query)
    assert query["client_id"] == ["townsquare"] and "openid" in query["scope"][0]
    id_token = jwt.encode(
        {
            "iss": "https://login.example",
            "aud": "townsquare",
            "sub": "user-1",
            "email": email,
            "nonce": query["nonce"][0],
            "exp": int(time.time()) + 300,
        },
        settings.OIDC_RP_CLIENT_SECRET,
        algorithm="HS256",
    )
    with responses.RequestsMock() as provider:
        provider.post("https://login.example/token", json={"id_token": id_token, "access_token": "at"})
        provider.get("https://login.example/userinfo", json={"sub": "user-1", "email": email})
        return client.get(f"/oidc/callback/?code=the-code&state={query['state'][0]}")


def test_single_sign_on_signs_in_a_known_person(oidc, people: SimpleNamespace) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _provider_signs_in(client, oidc, "COMMS@riverside.example")
    assert response.status_code == 302 and response["Location"] == "/c/riverside/"  # type: ignore[attr-defined]
    assert client.get("/c/riverside/").status_code == 200


def test_single_sign_on_refuses_unknown_people(oidc, people: SimpleNamespace) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _provider_signs_in(client, oidc, "stranger@elsewhere.example")
    assert response["Location"].startswith("/sign-in/?sso=failed")  # type: ignore[index]
    assert client.get("/c/riverside/").status_code == 302


def test_single_sign_on_pages_do_not_exist_unless_configured(people: SimpleNamespace) -> None:
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404
    from townsquare.accounts.oidc import CouncilOIDCBackend

    backend = CouncilOIDCBackend()
    assert list(backend.filter_users_by_claims({"preferred_username": "COMMS@riverside.example"})) == [people.comms]
    assert not backend.verify_claims({"sub": "no-email"})
    assert backend.create_user({"email": "stranger@elsewhere.example"}) is None
