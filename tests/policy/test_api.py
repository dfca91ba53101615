"""``POST /api/councils/<slug>/policy/check/``, with a token or a session."""

from django.test import Client

from townsquare.api.services import token_issue

URL = "/api/councils/riverside/policy/check/"


def _bearer(user) -> Client:
    key = token_issue(user=user, name="test", actor=user)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_token_check_returns_findings(people) -> None:
    response = _bearer(people.officer).post(
        URL,
        {"text": "Call 07700 900123 #binday", "channels": ["x"], "images": [{"alt": "IMG_0001.jpg"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["blocked"] is True and body["forces_approval"] is False
    by_rule = {f["rule"]: f for f in body["findings"]}
    assert by_rule["DP-01"]["start"] == 5 and by_rule["DP-01"]["end"] == 17
    assert by_rule["AX-03"]["suggestion"] == "#BinDay"
    assert by_rule["AX-01"]["image"] == 1


def test_session_check(client_for, people) -> None:
    response = client_for(people.auditor).post(URL, {"text": "Bins as usual."}, content_type="application/json")
    assert response.status_code == 200 and response.json()["findings"] == []


def test_outsider_404_and_anonymous_401(people) -> None:
    response = _bearer(people.outsider).post(URL, {"text": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert Client().post(URL, {"text": "x"}, content_type="application/json").status_code in (401, 403)
    bad = Client(HTTP_AUTHORIZATION="Bearer tsq_nonsense").post(URL, {"text": "x"}, content_type="application/json")
    assert bad.status_code == 401


def test_bad_input_is_400(people) -> None:
    client = _bearer(people.comms)
    assert client.post(URL, {"channels": ["x"]}, content_type="application/json").status_code == 400
    response = client.post(URL, {"text": "x", "channels": ["@nobody"]}, content_type="application/json")
    assert response.status_code == 400 and "@nobody" in response.json()["channels"][0]
    response = client.post(URL, {"text": "x", "scheduled_for": "soon"}, content_type="application/json")
    assert response.status_code == 400


def test_get_not_allowed(people) -> None:
    assert _bearer(people.comms).get(URL).status_code == 405
