"""The listening API, with a token or a session: role and council enforced, bad input a 400."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client

from townsquare.api.services import token_issue
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.listening.services import listening_query_save

QUERIES = "/api/councils/riverside/listening/queries/"
MATCH = "/api/councils/riverside/listening/match/"


def _bearer(user) -> Client:
    key = token_issue(user=user, name="test", actor=user)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_list_and_match(riverside: Council, people: SimpleNamespace, channel: Channel) -> None:
    bins = listening_query_save(
        actor=people.comms, council=riverside, name="Bins", text="bin*", owner=people.comms, platforms=["x"]
    )
    client = _bearer(people.comms)
    listed = client.get(QUERIES).json()
    assert [(q["id"], q["name"], q["query"], q["owner"], q["platforms"]) for q in listed] == [
        (bins.pk, "Bins", "bin*", "comms@riverside.example", ["x"])
    ]
    answer = client.post(MATCH, {"texts": ["my bins", "binding", "roads"]}, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"matches": [[bins.pk], [bins.pk], []]}
    on_facebook = client.post(MATCH, {"texts": ["my bins"], "channels": [channel.pk]}, content_type="application/json")
    assert on_facebook.json() == {"matches": [[]]}


def test_bad_input_is_400(people: SimpleNamespace) -> None:
    client = _bearer(people.admin)
    assert client.post(MATCH, {"texts": "bin"}, content_type="application/json").status_code == 400
    mismatched = client.post(MATCH, {"texts": ["a", "b"], "channels": [1]}, content_type="application/json")
    assert mismatched.status_code == 400 and "one account for each text" in mismatched.content.decode()
    assert client.post(MATCH, {"texts": ["x"] * 1001}, content_type="application/json").status_code == 400


def test_outsider_404_lower_role_403_anonymous_refused(people: SimpleNamespace) -> None:
    for url, method in ((QUERIES, "get"), (MATCH, "post")):
        call = getattr(_bearer(people.outsider), method)
        assert call(url, {"texts": ["x"]}, content_type="application/json").status_code == 404
        call = getattr(_bearer(people.councillor), method)
        assert call(url, {"texts": ["x"]}, content_type="application/json").status_code == 403
        assert getattr(Client(), method)(url, {"texts": ["x"]}, content_type="application/json").status_code in (
            401,
            403,
        )
