"""The feed of every measure: the JSON API and the CSV download, their filters, bad filters
explained, and the same access rules as the dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client

from townsquare.api.services import token_issue

API = "/api/councils/riverside/measures/"
CSV = "/c/riverside/measures/feed.csv"


def _figures(accounts: SimpleNamespace, record: Callable[..., None]) -> None:
    record(accounts.x, "followers", {dt.date(2016, 3, 30): 6800, dt.date(2016, 3, 31): 6900})
    record(accounts.facebook, "page_likes", {dt.date(2016, 4, 1): 14600})


def test_api_lists_every_measure_with_filters(
    accounts: SimpleNamespace, record: Callable[..., None], people: SimpleNamespace
) -> None:
    _figures(accounts, record)
    _, raw = token_issue(user=people.councillor, name="performance system", actor=people.councillor)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    everything = client.get(API).json()
    assert everything["count"] == 3
    assert everything["results"][0] == {
        "date": "2016-03-30",
        "platform": "x",
        "channel": "@RiversideDC",
        "channel_id": accounts.x.pk,
        "metric": "followers",
        "value": 6800,
        "source": "platform",
    }
    assert client.get(API, {"metric": "page_likes"}).json()["count"] == 1
    assert client.get(API, {"platform": "x", "from": "2016-03-31"}).json()["count"] == 1
    assert client.get(API, {"channel": "@RiversideDC", "to": "2016-03-30"}).json()["count"] == 1
    assert client.get(API, {"channel": str(accounts.facebook.pk)}).json()["count"] == 1
    bad = client.get(API, {"metric": "likes", "from": "2016-13-01", "platform": "myspace"})
    assert bad.status_code == 400 and len(bad.json()["detail"]) == 3
    assert client.get(API, {"from": "2016-05-01", "to": "2016-04-01"}).status_code == 400


def test_api_outsider_404_low_role_403_anonymous_401(accounts: SimpleNamespace, people: SimpleNamespace) -> None:
    for person, expected in ((people.outsider, 404), (people.officer, 403), (people.auditor, 403)):
        _, raw = token_issue(user=person, name="t", actor=person)
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(API).status_code == expected
    assert Client().get(API).status_code in (401, 403)


def test_csv_download_of_every_measure(
    accounts: SimpleNamespace, record: Callable[..., None], people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    _figures(accounts, record)
    response = client_for(people.councillor).get(CSV, {"metric": "followers"})
    assert response.status_code == 200 and "riverside-measures.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["date"], r["value"]) for r in rows] == [("2016-03-30", "6800"), ("2016-03-31", "6900")]
    bad = client_for(people.councillor).get(CSV, {"to": "yesterday"})
    assert bad.status_code == 400 and "is not a date" in bad.content.decode()
    assert client_for(people.outsider).get(CSV).status_code == 404
    assert client_for(people.officer).get(CSV).status_code == 403
