"""The archive search's lean path (townsquare/api/lean.py) answers exactly as the full path does, and only
for a session the full path would accept: every other request is left to it and gets its answer."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import verified_client
from tests.archive.factories import capture
from tests.foundation.test_api import _api, _token
from tests.foundation.test_sign_in import _sign_in
from townsquare.archive.api import ArchiveListView
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import archive_capture, archive_deletion_seen, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db

URL = "/api/councils/riverside/archive/"
LEAN = "townsquare.api.lean.LeanApiMiddleware"
SEARCHES = [
    {},
    {"q": "closure"},
    {"q": "leisure centre", "page_size": "2"},
    {"kind": "post", "platform": "x"},
    {"only": "edited"},
    {"only": "deleted", "q": "leisure"},
    {"from": "2000-01-01", "to": "2100-01-01", "q": "notice"},
    {"channel": "999999"},
    {"author": "%"},
]


@pytest.fixture
def records(riverside: Council, channel: Channel, hillcrest_channel: Channel) -> list[ArchiveRecord]:
    other = Channel.objects.create(council=riverside, platform="x", name="Riverside Main", handle="@Riverside")
    made = archive_capture(
        captures=[
            capture([channel, other][n % 2], n, f"Leisure centre closure notice {n}", days_ago=n // 2) for n in range(9)
        ]
    )
    archive_capture(captures=[capture(hillcrest_channel, 50, "Leisure centre closure elsewhere")])
    archive_edit_seen(record=made[0], text="Leisure centre closure notice 0 (corrected)")
    archive_deletion_seen(record=made[1], how="Not on the account")
    return made


@pytest.fixture
def full_path_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Counts the searches the full path (DRF's view) answered."""
    calls: list[str] = []
    original = ArchiveListView.get

    def counted(self: ArchiveListView, request: Any, slug: str) -> Any:
        calls.append(request.get_full_path())
        return original(self, request, slug)

    monkeypatch.setattr(ArchiveListView, "get", counted)
    yield calls


def full_path_get(client: Client, params: dict[str, str], **extra: Any) -> Any:
    """The full path's answer to the same request (a client loads its middleware once: a new one, same cookies)."""
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != LEAN]):
        again = Client(**client.defaults)
        again.cookies = client.cookies
        return again.get(URL, params, **extra)


def answer(client: Client, params: dict[str, str], *, lean: bool = True) -> tuple[int, dict[str, str], bytes]:
    response = client.get(URL, params) if lean else full_path_get(client, params)
    headers = {k: v for k, v in response.headers.items() if k != "Content-Length"}
    return response.status_code, headers, response.content


def test_lean_answers_as_the_full_path_does(
    client_for: Any, people: SimpleNamespace, records: list[ArchiveRecord], full_path_calls: list[str]
) -> None:
    for person in (people.comms, people.auditor, people.officer):
        client = client_for(person)
        for params in SEARCHES:
            lean = answer(client, params)
            assert not full_path_calls, params
            full = answer(client, params, lean=False)
            assert full_path_calls, params
            full_path_calls.clear()
            assert lean == full, (person.email, params)
            assert lean[0] == 200


def test_a_service_officer_sees_only_their_channels(
    client_for: Any, people: SimpleNamespace, records: list[ArchiveRecord], channel: Channel, full_path_calls: list[str]
) -> None:
    found = client_for(people.officer).get(URL, {"q": "closure", "page_size": "200"}).json()["results"]
    assert not full_path_calls
    assert found and {r["channel"]["id"] for r in found} == {channel.pk}
    comms = client_for(people.comms).get(URL, {"q": "closure", "page_size": "200"}).json()["results"]
    assert len(comms) == 9 > len(found)  # Hillcrest's record is not Riverside's


def test_every_other_request_is_left_to_the_full_path(
    client_for: Any, people: SimpleNamespace, records: list[ArchiveRecord], full_path_calls: list[str]
) -> None:
    def left(client: Client, params: dict[str, str] | None = None, **extra: Any) -> int:
        """The status the full path gave, checking that the lean path answered nothing."""
        expected = full_path_get(client, params or {}, **extra)
        full_path_calls.clear()
        response = client.get(URL, params or {}, **extra)
        assert response.status_code == expected.status_code and response.content == expected.content
        assert response.status_code == 200 or "Leisure" not in response.content.decode()
        return response.status_code

    assert left(Client()) in (401, 403)
    assert left(client_for(people.outsider)) == 404
    assert left(client_for(people.councillor)) == 403
    comms = client_for(people.comms)
    assert left(comms, {"page_size": "0"}) == 400
    assert left(comms, {"kind": "gossip"}) == 400
    assert left(comms, {"cursor": "!!"}) == 400
    assert left(comms, HTTP_ACCEPT="text/html") == 200  # another format: DRF negotiates it
    assert left(comms, HTTP_HOST="elsewhere.example") == 400
    assert left(_api(_token("comms@riverside.example"))) == 200  # a token: the full path's authentication
    assert full_path_calls


def test_two_factor_is_honoured(
    people: SimpleNamespace, riverside: Council, records: list[ArchiveRecord], full_path_calls: list[str]
) -> None:
    device = TOTPDevice.objects.create(user=people.comms, name="Authenticator app", confirmed=True)
    password_only = Client()
    _sign_in(password_only, "comms@riverside.example")
    response = password_only.get(URL, {"q": "closure"})
    assert response.status_code == 401 and "/sign-in/code/" in response.json()["detail"]  # the full path's answer
    device.delete()
    verified, device = verified_client(people.comms)
    full_path_calls.clear()
    assert verified.get(URL, {"q": "closure"}).status_code == 200 and not full_path_calls
    device.confirmed = False  # the device that verified the session no longer counts, and another does
    device.save()
    TOTPDevice.objects.create(user=people.comms, name="New phone", confirmed=True)
    response = verified.get(URL, {"q": "closure"})
    assert response.status_code == 401
    riverside.require_two_factor = True
    riverside.save()
    auditor = Client()
    _sign_in(auditor, "auditor@riverside.example")
    response = auditor.get(URL)
    assert response.status_code == 401 and "/account/two-factor/" in response.json()["detail"]


def test_a_session_ended_by_a_password_change_expiry_or_deactivation_gets_nothing(
    client_for: Any, people: SimpleNamespace, records: list[ArchiveRecord]
) -> None:
    client = client_for(people.comms)
    assert client.get(URL).status_code == 200
    people.comms.set_password("another long passphrase")
    people.comms.save()
    assert client.get(URL).status_code in (401, 403)
    client = client_for(people.auditor)
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(URL).status_code in (401, 403)
    client = client_for(people.officer)
    people.officer.is_active = False
    people.officer.save()
    assert client.get(URL).status_code in (401, 403)
