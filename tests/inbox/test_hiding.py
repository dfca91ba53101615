"""Hiding a resident's reply from the inbox on X (and, alike, Facebook and Instagram): offered on the item
page, sent to the platform (the recorded exchange of tests/connectors), tagged and audited; refused plainly
for a private message; only the communications team may, and only on items they may see."""

from __future__ import annotations

import pytest

from tests.connectors.replay import replay
from townsquare.audit.models import AuditEvent
from townsquare.connectors.base import AccountInfo, Credentials
from townsquare.connectors.services import connection_connect
from townsquare.inbox.models import ItemTag, ReceivedItem
from townsquare.inbox.moderation import HIDDEN_TAG
from townsquare.inbox.services import inbound_store

URL = "/c/riverside/inbox/"
ME = "1500000000000000001"
REPLY = {
    "id": "1890000000000000201",
    "text": "@RiversideDC you are all useless",
    "conversation_id": "1890000000000000100",
    "referenced_tweets": [{"type": "replied_to", "id": "1890000000000000100"}],
}


@pytest.fixture
def on_x(accounts, inbound, people) -> dict[str, ReceivedItem]:
    connection_connect(
        actor=people.admin,
        channel=accounts.x,
        credentials=Credentials({"access_token": "x-access-1", "user_id": ME, "username": "RiversideDC"}),
        account=AccountInfo(external_id=ME, handle="RiversideDC"),
    )
    inbound_store(
        channel=accounts.x,
        items=[
            inbound(REPLY["id"], REPLY["text"], kind="reply", raw=REPLY, in_reply_to_external_id="1890000000000000100"),
            inbound("dm-1", "Please call me", kind="direct_message", raw={"id": "dm-1", "event_type": "MessageCreate"}),
        ],
    )
    return {i.external_id: i for i in ReceivedItem.objects.filter(channel=accounts.x)}


def test_the_item_page_offers_hiding_a_reply_on_x_and_hides_it(on_x, people, client_for, monkeypatch) -> None:
    item = on_x[REPLY["id"]]
    client = client_for(people.comms)
    body = client.get(f"{URL}{item.pk}/").content.decode()
    assert "Hide comment" in body and f"{URL}{item.pk}/hide/" in body
    with replay(monkeypatch, "x", "hide_reply"):
        page = client.post(f"{URL}{item.pk}/hide/", {"reason": "Abusive"}, follow=True)
    assert "The comment is hidden on the platform." in page.content.decode()
    assert ItemTag.objects.filter(item=item, name=HIDDEN_TAG).exists()
    event = AuditEvent.objects.get(action="inbox.hidden", object_id=str(item.pk))
    assert event.reason == "Abusive"


def test_a_private_message_is_not_offered_and_nothing_is_sent(on_x, people, client_for, monkeypatch) -> None:
    item = on_x["dm-1"]
    client = client_for(people.comms)
    assert "A private message cannot be hidden" in client.get(f"{URL}{item.pk}/").content.decode()
    with replay(monkeypatch, "x"):  # no exchange may be made
        page = client.post(f"{URL}{item.pk}/hide/", {"reason": "Abusive"}, follow=True)
    assert "A private message cannot be hidden" in page.content.decode()
    assert not ItemTag.objects.filter(item=item).exists()


def test_only_the_communications_team_hides_and_outsiders_see_nothing(on_x, people, client_for, monkeypatch) -> None:
    item = on_x[REPLY["id"]]
    accounts_officer = client_for(people.officer)
    with replay(monkeypatch, "x"):
        assert accounts_officer.post(f"{URL}{item.pk}/hide/", {"reason": "x"}).status_code == 404  # not their account
        item.channel.assignees.add(people.officer)
        assert accounts_officer.post(f"{URL}{item.pk}/hide/", {"reason": "x"}).status_code == 403  # not comms
        assert client_for(people.outsider).post(f"{URL}{item.pk}/hide/", {"reason": "x"}).status_code == 404
        page = client_for(people.comms).post(f"{URL}{item.pk}/hide/", {"reason": " "}, follow=True)
    assert "Say why the comment is hidden" in page.content.decode()
    assert not ItemTag.objects.exists() and not AuditEvent.objects.filter(action="inbox.hidden").exists()
