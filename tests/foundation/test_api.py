"""The JSON API: hashed, revocable tokens; the OpenAPI schema; the register with the pages' rules."""

from __future__ import annotations

import hashlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from townsquare.api.models import ApiToken
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council


def _token(email: str) -> str:
    out = StringIO()
    call_command("issue_token", "--email", email, stdout=out)
    return out.getvalue().strip()


def _api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_issue_token_prints_a_token_stored_only_as_a_hash(people: SimpleNamespace) -> None:
    key = _token("comms@riverside.example")
    assert key.startswith("tsq_") and len(key) > 40
    stored = ApiToken.objects.get(user=people.comms)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiToken.objects.values()))
    assert AuditEvent.objects.filter(action="api_token.issued").exists()
    with pytest.raises(CommandError, match="No person"):
        call_command("issue_token", "--email", "nobody@example.org")


def test_token_authenticates_and_revocation_stops_it(people: SimpleNamespace, channel: Channel, client_for) -> None:  # type: ignore[no-untyped-def]
    key = _token("comms@riverside.example")
    response = _api(key).get("/api/councils/riverside/channels/")
    assert response.status_code == 200 and response.json()["results"][0]["handle"] == "RiversideBins"
    assert _api(key).get("/api/me/").json()["councils"][0]["roles"] == ["comms"]
    token = ApiToken.objects.get(user=people.comms)
    client_for(people.comms).post("/account/", {"revoke": token.pk})
    assert _api(key).get("/api/councils/riverside/channels/").status_code == 401
    assert _api("tsq_not-a-real-token").get("/api/me/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer").get("/api/me/").status_code == 401


def test_nobody_revokes_anothers_token(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    key = _token("comms@riverside.example")
    token = ApiToken.objects.get(user=people.comms)
    client_for(people.outsider).post("/account/", {"revoke": token.pk})
    client_for(people.admin).post("/account/", {"revoke": token.pk})
    assert _api(key).get("/api/me/").status_code == 200


def test_a_revoke_that_is_not_an_id_changes_nothing(people: SimpleNamespace, client_for) -> None:  # type: ignore[no-untyped-def]
    key = _token("comms@riverside.example")
    for bad in ("²", "99999999999999999999", "abc", "-1"):
        assert client_for(people.comms).post("/account/", {"revoke": bad}).status_code < 500
    assert _api(key).get("/api/me/").status_code == 200


def test_account_page_shows_a_new_token_once(people: SimpleNamespace) -> None:
    from tests.accounts.helpers import verified_client

    client, _ = verified_client(people.officer)  # a token is made only from a two-factor session
    page = client.post("/account/", {"name": "Reporting script"}).content.decode()
    assert "Copy it now" in page and "tsq_" in page
    again = client.get("/account/").content.decode()
    assert "Reporting script" in again and "Copy it now" not in again


def test_openapi_schema_describes_the_register(db: None) -> None:
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.")
    assert "/api/councils/{slug}/channels/" in body["paths"]
    assert "bearerAuth" in body["components"]["securitySchemes"]


def test_api_creates_and_changes_channels_with_validation(people: SimpleNamespace, riverside: Council) -> None:
    api = _api(_token("comms@riverside.example"))
    created = api.post(
        "/api/councils/riverside/channels/",
        {
            "platform": "bluesky",
            "name": "Riverside Parks",
            "handle": "parks.riverside.example",
            "owner": "comms@riverside.example",
            "platform_two_factor": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["owner"] == "comms@riverside.example"
    pk = created.json()["id"]
    changed = api.patch(
        f"/api/councils/riverside/channels/{pk}/",
        {"status": "dormant", "deputy": "admin@riverside.example"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["status"] == "dormant"
    assert changed.json()["name"] == "Riverside Parks", "a partial update keeps unsent fields"
    bad = api.patch(
        f"/api/councils/riverside/channels/{pk}/",
        {"owner": "officer@hillcrest.example"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "owner" in bad.json()
    bad = api.post(
        "/api/councils/riverside/channels/",
        {"platform": "myspace", "name": "x", "handle": "y"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "platform" in bad.json()
    duplicate = api.post(
        "/api/councils/riverside/channels/",
        {"platform": "bluesky", "name": "Again", "handle": "parks.riverside.example"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400 and "handle" in duplicate.json()
    assert Channel.objects.filter(council=riverside).count() == 1
    assert AuditEvent.objects.filter(action__in=["channel.created", "channel.updated"], object_id=str(pk)).count() == 2
