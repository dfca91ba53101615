"""The request register in the JSON API: the list with its filters and the detail, for those who keep the
register; outsiders get 404, roles that may not keep it 403, bad filters a clear 400."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.councils.models import Council
from townsquare.disclosure import services
from townsquare.disclosure.models import InformationRequest

pytestmark = pytest.mark.django_db
Clients = Callable[[User], Client]
LIST = "/api/councils/riverside/requests/"


@pytest.fixture
def requests(people: SimpleNamespace, riverside: Council, hillcrest: Council) -> SimpleNamespace:
    def opened(council: Council, kind: str, summary: str, days_ago: int) -> InformationRequest:
        return services.request_open(
            actor=people.comms if council == riverside else None,
            council=council,
            kind=kind,
            received_at=timezone.now() - dt.timedelta(days=days_ago),
            summary=summary,
            requester_name="Jane Hughes",
            requester_email="jane@example.com",
        )

    foi = opened(riverside, "foi", "Leisure centre closure", 40)
    sar = opened(riverside, "sar", "My messages to the council", 2)
    theirs = opened(hillcrest, "foi", "Hillcrest's own request", 1)
    return SimpleNamespace(foi=foi, sar=sar, theirs=theirs)


def test_the_register_lists_and_filters_newest_first(
    people: SimpleNamespace, client_for: Clients, requests: SimpleNamespace
) -> None:
    client = client_for(people.auditor)
    page = client.get(LIST).json()
    assert page["count"] == 2
    assert [r["reference"] for r in page["results"]] == [requests.sar.reference, requests.foi.reference]
    foi = page["results"][1]
    assert foi["kind"] == "foi" and foi["status"] == "open" and foi["clock"]["days_left"] < 0
    assert foi["clock"]["label"].startswith("Overdue by")
    assert "requester_email" not in foi  # personal details only in the detail
    only = client.get(LIST, {"kind": "sar"}).json()
    assert [r["id"] for r in only["results"]] == [requests.sar.pk]
    assert client.get(LIST, {"status": "closed"}).json()["count"] == 0
    bad = client.get(LIST, {"status": "maybe", "kind": "fio"})
    assert bad.status_code == 400
    assert "status must be one of" in bad.json()["detail"] and "kind must be one of" in bad.json()["detail"]


def test_one_request_in_detail(people: SimpleNamespace, client_for: Clients, requests: SimpleNamespace) -> None:
    detail = client_for(people.comms).get(f"{LIST}{requests.foi.pk}/").json()
    assert detail["reference"] == requests.foi.reference
    assert (detail["requester_name"], detail["requester_email"]) == ("Jane Hughes", "jane@example.com")
    assert detail["redactions"] == {"proposed": 0, "accepted": 0, "undone": 0}
    assert detail["releases"] == []
    # Another council's request is not found through this council.
    assert client_for(people.comms).get(f"{LIST}{requests.theirs.pk}/").status_code == 404


def test_outsiders_get_404_and_low_roles_403(
    people: SimpleNamespace, client_for: Clients, requests: SimpleNamespace
) -> None:
    for url in (LIST, f"{LIST}{requests.foi.pk}/"):
        assert client_for(people.outsider).get(url).status_code == 404
        assert client_for(people.officer).get(url).status_code == 403
        assert client_for(people.councillor).get(url).status_code == 403
        assert Client().get(url).status_code in (401, 403)
        assert client_for(people.admin).get(url).status_code == 200
