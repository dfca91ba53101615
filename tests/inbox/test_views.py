"""The inbox pages: filters, the thread, working an item (audited), and who may see and do what."""

from __future__ import annotations

import pytest

from townsquare.audit.models import AuditEvent
from townsquare.inbox.models import ItemNote, ReceivedItem
from townsquare.inbox.services import inbound_store

URL = "/c/riverside/inbox/"


@pytest.fixture
def items(accounts, inbound, people):
    accounts.toot.assignees.add(people.officer)
    inbound_store(
        channel=accounts.toot,
        items=[
            inbound("t1", "My bin wasn't collected on Mill Lane"),
            inbound("t2", "Still no bin collection", in_reply_to_external_id="t1", kind="reply"),
        ],
    )
    inbound_store(channel=accounts.x, items=[inbound("x1", "Pothole on Station Road, please fix")])
    inbound_store(channel=accounts.other, items=[inbound("h1", "Hillcrest bins")])
    return {i.external_id: i for i in ReceivedItem.objects.all()}


def test_the_inbox_lists_and_filters_items(items, people, client_for, services) -> None:
    client = client_for(people.comms)
    body = client.get(URL).content.decode()
    assert "Mill Lane" in body and "Station Road" in body and "Hillcrest bins" not in body
    body = client.get(URL, {"q": "pothole"}).content.decode()
    assert "Station Road" in body and "Mill Lane" not in body
    body = client.get(URL, {"service": services.waste.pk}).content.decode()
    assert "Mill Lane" in body and "Station Road" not in body
    body = client.get(URL, {"platform": "x", "status": "new"}).content.decode()
    assert "Station Road" in body and "Mill Lane" not in body


def test_a_filter_that_cannot_be_read_is_explained_not_an_error(items, people, client_for) -> None:
    page = client_for(people.comms).get(URL, {"status": "lost", "since": "yesterday", "channel": "x'; drop"})
    body = page.content.decode()
    assert page.status_code == 200 and "is not one the inbox knows" in body and "Station Road" in body


def test_the_item_page_shows_the_whole_thread(items, people, client_for) -> None:
    body = client_for(people.comms).get(f"{URL}{items['t2'].pk}/").content.decode()
    assert "My bin wasn" in body and "Still no bin collection" in body


def test_assign_status_note_and_tag_are_audited(items, people, client_for, services) -> None:
    client = client_for(people.officer)
    item = items["t1"]
    client.post(f"{URL}{item.pk}/assign/", {"to": f"person:{people.officer.pk}"})
    item.refresh_from_db()
    assert item.assignee == people.officer and item.status == ReceivedItem.Status.ASSIGNED
    client.post(f"{URL}{item.pk}/assign/", {"to": f"service:{services.waste.pk}"})
    item.refresh_from_db()
    assert item.assignee is None and item.assigned_service == services.waste
    client.post(f"{URL}{item.pk}/status/", {"status": "awaiting_resident"})
    client.post(f"{URL}{item.pk}/notes/", {"text": "Asked the crew to return"})
    client.post(f"{URL}{item.pk}/tags/", {"name": "Missed bin"})
    item.refresh_from_db()
    assert item.status == "awaiting_resident"
    assert [t.name for t in item.tags.all()] == ["missed bin"]
    assert ItemNote.objects.get(item=item).text == "Asked the crew to return"
    actions = list(
        AuditEvent.objects.filter(object_id=str(item.pk), action__startswith="inbox.").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["inbox.assigned", "inbox.assigned", "inbox.status_changed", "inbox.note_added", "inbox.tag_added"]
    )
    client.post(f"{URL}{item.pk}/tags/", {"name": "missed bin", "remove": "1"})
    assert not item.tags.exists()


def test_bad_input_is_explained_and_changes_nothing(items, people, client_for) -> None:
    client = client_for(people.comms)
    item = items["x1"]
    before = AuditEvent.objects.count()
    page = client.post(f"{URL}{item.pk}/status/", {"status": "closed"}, follow=True)
    assert "Status must be one of" in page.content.decode()
    page = client.post(f"{URL}{item.pk}/assign/", {"to": f"person:{people.councillor.pk}"}, follow=True)
    assert "does not work this council" in page.content.decode()
    page = client.post(f"{URL}{item.pk}/assign/", {"to": f"person:{people.outsider.pk}"}, follow=True)
    page = client.post(f"{URL}{item.pk}/notes/", {"text": "   "}, follow=True)
    assert "Write the note" in page.content.decode()
    item.refresh_from_db()
    assert item.status == "new" and item.assignee is None and AuditEvent.objects.count() == before


def test_a_service_officer_sees_only_their_channels(items, people, client_for) -> None:
    client = client_for(people.officer)
    body = client.get(URL).content.decode()
    assert "Mill Lane" in body and "Station Road" not in body
    assert client.get(f"{URL}{items['x1'].pk}/").status_code == 404
    assert client.post(f"{URL}{items['x1'].pk}/status/", {"status": "resolved"}).status_code == 404


def test_outsiders_get_not_found_and_low_roles_forbidden(items, people, client_for) -> None:
    outsider = client_for(people.outsider)
    assert outsider.get(URL).status_code == 404
    assert outsider.get(f"{URL}{items['t1'].pk}/").status_code == 404
    assert outsider.post(f"{URL}{items['t1'].pk}/status/", {"status": "resolved"}).status_code == 404
    assert client_for(people.comms).get(f"/c/riverside/inbox/{items['h1'].pk}/").status_code == 404
    assert client_for(people.councillor).get(URL).status_code == 403
    auditor = client_for(people.auditor)
    assert auditor.get(URL).status_code == 200
    assert auditor.post(f"{URL}{items['t1'].pk}/status/", {"status": "resolved"}).status_code == 403
    assert ReceivedItem.objects.get(pk=items["t1"].pk).status == "new"


def test_a_page_asked_again_shows_what_changed_and_only_what_each_person_may_see(items, people, client_for) -> None:
    """The list's statement is compiled once per council, person, accounts, filters and page (``keptsql``): the
    same page asked again reads the items afresh, and each person's statement keeps to their own accounts."""
    comms, officer = client_for(people.comms), client_for(people.officer)
    for _ in range(2):
        assert "Station Road" in comms.get(URL, {"status": "new"}).content.decode()
        body = officer.get(URL, {"status": "new"}).content.decode()
        assert "Mill Lane" in body and "Station Road" not in body
    ReceivedItem.objects.filter(pk=items["x1"].pk).update(status="resolved")
    ReceivedItem.objects.filter(pk=items["t1"].pk).update(text="Bins on Kings Road")
    body = comms.get(URL, {"status": "new"}).content.decode()
    assert "Station Road" not in body and "Kings Road" in body
    assert "Station Road" not in officer.get(URL, {"status": "resolved"}).content.decode()
    assert "Station Road" in comms.get(URL, {"status": "resolved"}).content.decode()
