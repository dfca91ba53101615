"""The inbox in the API: filters, cursor pagination, item detail, and the pages' access rules."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store, item_assign

URL = "/api/councils/riverside/inbox/"


def _api(email: str) -> Client:
    out = StringIO()
    call_command("issue_token", "--email", email, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")


@pytest.fixture
def items(accounts, inbound, people):
    accounts.toot.assignees.add(people.officer)
    inbound_store(channel=accounts.toot, items=[inbound(f"t{n}", f"My bin {n} was not collected") for n in range(5)])
    inbound_store(channel=accounts.x, items=[inbound("x1", "Pothole on Station Road, please fix")])
    inbound_store(channel=accounts.other, items=[inbound("h1", "Hillcrest bins")])
    return {i.external_id: i for i in ReceivedItem.objects.all()}


def test_list_filters_and_pages_by_cursor(items, people, services) -> None:
    api = _api(people.comms.email)
    body = api.get(URL, {"page_size": 4}).json()
    assert len(body["results"]) == 4 and body["next"]
    rest = api.get(body["next"]).json()
    ids = [r["id"] for r in body["results"] + rest["results"]]
    assert len(ids) == len(set(ids)) == 6 and rest["next"] is None
    assert [r["external_id"] for r in api.get(URL, {"q": "pothole"}).json()["results"]] == ["x1"]
    assert {r["service"] for r in api.get(URL, {"service": services.waste.pk}).json()["results"]} == {
        "Waste and Recycling"
    }
    item_assign(actor=people.comms, item=items["x1"], person=people.officer)
    assigned = api.get(URL, {"assignee": people.officer.pk, "status": "assigned"}).json()["results"]
    assert [(r["external_id"], r["assignee"]) for r in assigned] == [("x1", people.officer.email)]


def test_a_bad_filter_is_a_clear_400(items, people) -> None:
    response = _api(people.comms.email).get(URL, {"status": "lost"})
    assert response.status_code == 400 and "status filter" in response.json()["detail"]


def test_item_detail_has_its_thread(items, people, accounts, inbound) -> None:
    inbound_store(channel=accounts.x, items=[inbound("x2", "Any news?", in_reply_to_external_id="x1")])
    reply = ReceivedItem.objects.get(external_id="x2")
    body = _api(people.comms.email).get(f"{URL}{reply.pk}/").json()
    assert [e["text"] for e in body["thread"]] == ["Pothole on Station Road, please fix", "Any news?"]
    assert body["channel"]["platform"] == "x" and body["thread_key"] == "x1"


def test_outsiders_get_404_and_low_roles_403(items, people) -> None:
    assert _api(people.outsider.email).get(URL).status_code == 404
    assert _api(people.outsider.email).get(f"{URL}{items['t1'].pk}/").status_code == 404
    assert _api(people.comms.email).get(f"{URL}{items['h1'].pk}/").status_code == 404
    assert _api(people.councillor.email).get(URL).status_code == 403
    officer = _api(people.officer.email)
    assert {r["channel"]["platform"] for r in officer.get(URL).json()["results"]} == {"mastodon"}
    assert officer.get(f"{URL}{items['x1'].pk}/").status_code == 404
    assert Client().get(URL).status_code in (401, 403)
