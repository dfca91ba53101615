"""Working the inbox together: the reply page and API, saved replies, bulk actions, round robin, saved views,
presence; each with who may and may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.inbox import bulk, page_reads, presence, rows
from townsquare.inbox.models import InboxReply, ItemPresence, ItemTag, ReceivedItem, SavedReply
from townsquare.inbox.services import inbound_store
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.publishing.models import Post

from .test_api import _api

URL = "/c/riverside/inbox/"
API = "/api/councils/riverside/inbox/"


@pytest.fixture
def items(accounts, inbound, people):
    accounts.toot.assignees.add(people.officer)
    inbound_store(channel=accounts.toot, items=[inbound(f"t{n}", f"My bin {n} was not collected") for n in range(3)])
    inbound_store(channel=accounts.other, items=[inbound("h1", "Hillcrest bins")])
    return {i.external_id: i for i in ReceivedItem.objects.all()}


def test_the_reply_box_sends_for_approval_and_the_thread_shows_it(items, people, client_for) -> None:
    item = items["t0"]
    client = client_for(people.officer)
    page = client.post(f"{URL}{item.pk}/reply/", {"text": "Sorry, a crew is on its way", "language": "en"})
    assert page.status_code == 302
    reply = InboxReply.objects.get(item=item)
    assert reply.post.status == Post.Status.AWAITING_APPROVAL and reply.post.reply_to_external_id == "t0"
    body = client.get(f"{URL}{item.pk}/").content.decode()
    assert "Sorry, a crew is on its way" in body and "Waiting for approval" in body


def test_a_blocked_reply_keeps_the_words_and_says_why(items, people, client_for) -> None:
    item = items["t0"]
    client = client_for(people.comms)
    page = client.post(f"{URL}{item.pk}/reply/", {"text": "We will visit 14 Mill Lane today"}, follow=True)
    body = page.content.decode()
    assert "This reply cannot be sent" in body and "14 Mill Lane today</textarea>" in body
    assert not InboxReply.objects.exists() and not Post.objects.exists()


def test_replying_is_refused_to_roles_that_may_not_and_hidden_from_outsiders(items, people, client_for) -> None:
    item = items["t0"]
    assert client_for(people.outsider).post(f"{URL}{item.pk}/reply/", {"text": "Hi"}).status_code == 404
    assert client_for(people.auditor).post(f"{URL}{item.pk}/reply/", {"text": "Hi"}).status_code == 403
    assert client_for(people.councillor).post(f"{URL}{item.pk}/reply/", {"text": "Hi"}).status_code == 403
    assert not InboxReply.objects.exists()


def test_saved_replies_are_kept_by_the_comms_team_and_put_in_the_reply_box(items, people, client_for) -> None:
    comms = client_for(people.comms)
    made = comms.post(f"{URL}saved-replies/", {"title": "Bins", "language": "cy", "text": "Diolch, rydym yn edrych"})
    assert made.status_code == 302
    kept = SavedReply.objects.get()
    assert kept.language == "cy" and AuditEvent.objects.filter(action="inbox.saved_reply_added").exists()
    clash = comms.post(f"{URL}saved-replies/", {"title": "bins", "language": "cy", "text": "Again"})
    assert clash.status_code == 400 and SavedReply.objects.count() == 1
    assert client_for(people.officer).post(f"{URL}saved-replies/", {"title": "X", "text": "Y"}).status_code == 403
    assert client_for(people.outsider).get(f"{URL}saved-replies/").status_code == 404
    body = client_for(people.officer).get(f"{URL}{items['t0'].pk}/", {"saved": kept.pk}).content.decode()
    assert "@Resident Diolch, rydym yn edrych</textarea>" in body


def test_bulk_actions_are_all_or_nothing(items, people, client_for) -> None:
    client = client_for(people.officer)
    ids = [items["t0"].pk, items["t1"].pk]
    client.post(f"{URL}bulk/", {"items": ids, "action": "status", "status": "resolved"})
    assert set(ReceivedItem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"resolved"}
    client.post(f"{URL}bulk/", {"items": ids, "action": "tag", "tag": "Bins"})
    assert ItemTag.objects.filter(item_id__in=ids, name="bins").count() == 2
    # Another council's item among them: nothing changes, and the message says why.
    page = client.post(
        f"{URL}bulk/", {"items": [*ids, items["h1"].pk], "action": "status", "status": "new"}, follow=True
    )
    assert "1 of the chosen items is not in your inbox" in page.content.decode()
    assert set(ReceivedItem.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"resolved"}
    assert (
        client_for(people.auditor).post(f"{URL}bulk/", {"items": ids, "action": "tag", "tag": "x"}).status_code == 403
    )


def test_a_refusal_part_way_rolls_back_the_whole_bulk_action(items, people, riverside) -> None:
    visible = ReceivedItem.objects.filter(council=riverside)
    ids = [str(items["t0"].pk), str(items["t1"].pk)]
    with pytest.raises(ValidationError, match="Nothing was changed"):
        bulk.items_bulk(actor=people.comms, council=riverside, items=visible, ids=ids, action="tag", value="x" * 60)
    assert not ItemTag.objects.exists()


def test_round_robin_takes_the_team_in_turn(items, people, accounts, services, riverside) -> None:
    from tests.conftest import PASSWORD  # noqa: F401
    from townsquare.accounts.models import User
    from townsquare.councils.services import membership_grant

    second = User.objects.create_user("officer2@riverside.example", "x" * 20, full_name="Second Officer")
    membership_grant(actor=None, council=riverside, user=second, role="officer")
    accounts.toot.assignees.add(second)
    taken = [
        bulk.item_assign_round_robin(actor=people.comms, item=items[k], service=services.waste).pk
        for k in ("t0", "t1", "t2")
    ]
    assert taken == [people.officer.pk, second.pk, people.officer.pk]
    with pytest.raises(ValidationError, match="Nobody works Highways"):
        bulk.item_assign_round_robin(actor=people.comms, item=items["t0"], service=services.highways)


def test_saved_views_are_a_persons_own(items, people, client_for, riverside) -> None:
    client = client_for(people.officer)
    page = client.post(f"{URL}views/", {"name": "My bins", "q": "bin", "status": "new", "junk": "x"})
    assert page.status_code == 302 and page["Location"].endswith("?q=bin&status=new")
    [view] = page_reads.saved_views_of(people.officer.pk, riverside.pk)
    assert "My bins" in client.get(URL).content.decode()
    assert "My bins" not in client_for(people.comms).get(URL).content.decode()
    assert client_for(people.comms).post(f"{URL}views/{view['pk']}/delete/").status_code == 404
    assert client.post(f"{URL}views/", {"name": "Nothing"}).status_code == 302
    assert len(page_reads.saved_views_of(people.officer.pk, riverside.pk)) == 1


def test_presence_shows_who_else_is_looking(items, people, client_for) -> None:
    item = items["t0"]
    client_for(people.comms).post(f"{URL}{item.pk}/presence/")
    beat = client_for(people.officer).post(f"{URL}{item.pk}/presence/").content.decode()
    assert "Comms Person is looking at this item now" in beat
    assert "Comms Person looking now" in client_for(people.officer).get(URL).content.decode()
    later = timezone.now() + presence.GONE_AFTER + dt.timedelta(seconds=1)
    assert presence.looking_at(item, besides=people.officer, now=later) == []
    assert client_for(people.outsider).post(f"{URL}{item.pk}/presence/").status_code == 404
    # The auditor may read the item and sees who is answering it, but is not shown to them as answering it.
    assert (
        "Comms Person, Officer Person are looking"
        in client_for(people.auditor).post(f"{URL}{item.pk}/presence/").content.decode()
    )
    assert "Auditor Person" not in client_for(people.officer).post(f"{URL}{item.pk}/presence/").content.decode()


def test_the_list_names_each_rows_listening_queries_latest_first_and_who_is_looking_earliest_first(
    items, people, riverside, accounts
) -> None:
    item, other = items["t0"], items["t1"]
    now = timezone.now()
    for n, name in enumerate(("Bins", "Missed collections", "Streets")):
        query = ListeningQuery.objects.create(council=riverside, name=name, query="bin")
        at = now - dt.timedelta(hours=n) if name != "Streets" else now - dt.timedelta(days=1)
        target = other if name == "Streets" else item
        ListeningMatch.objects.create(council=riverside, query=query, item=target, channel=accounts.toot, at=at)
    for person, ago in ((people.officer, 30), (people.comms, 10), (people.admin, 5 * 60)):
        ItemPresence.objects.create(item=item, user=person, seen_at=now - dt.timedelta(seconds=ago))
    values = list(ReceivedItem.objects.filter(pk__in=[item.pk, other.pk]).values(*rows.FIELDS))
    names = page_reads.row_names(values, besides=people.comms.pk, since=now - presence.GONE_AFTER)
    assert names.listening == {item.pk: ["Bins", "Missed collections"], other.pk: ["Streets"]}
    assert names.looking == {item.pk: [people.officer.full_name or people.officer.email]}
    assert names.channels == {accounts.toot.pk: accounts.toot.name}


def test_api_assign_status_and_reply(items, people, services) -> None:
    item = items["t0"]
    api = _api(people.officer.email)
    body = api.post(f"{API}{item.pk}/assign/", {"person": people.officer.pk}, content_type="application/json").json()
    assert body["assignee"] == people.officer.email and body["status"] == "assigned"
    answer = api.post(
        f"{API}{item.pk}/assign/", {"service": services.waste.pk, "round_robin": True}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["assignee"] == people.officer.email
    bad = api.post(f"{API}{item.pk}/status/", {"status": "lost"}, content_type="application/json")
    assert bad.status_code == 400
    assert (
        api.post(f"{API}{item.pk}/status/", {"status": "awaiting_reply"}, content_type="application/json").json()[
            "status"
        ]
        == "awaiting_reply"
    )
    made = api.post(f"{API}{item.pk}/reply/", {"text": "We are on it"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == "Waiting for approval"
    blocked = api.post(f"{API}{item.pk}/reply/", {"text": "Come to 3 Mill Lane"}, content_type="application/json")
    assert blocked.status_code == 400 and "home address" in str(blocked.json())
    assert InboxReply.objects.count() == 1


@pytest.mark.parametrize("endpoint", ["assign", "status", "reply"])
def test_api_outsiders_get_404_and_low_roles_403(items, people, endpoint) -> None:
    item = items["t0"]
    body = {"status": "resolved", "text": "Hi", "person": people.comms.pk}
    assert (
        _api(people.outsider.email)
        .post(f"{API}{item.pk}/{endpoint}/", body, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        _api(people.auditor.email)
        .post(f"{API}{item.pk}/{endpoint}/", body, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        _api(people.councillor.email)
        .post(f"{API}{item.pk}/{endpoint}/", body, content_type="application/json")
        .status_code
        == 403
    )
    item.refresh_from_db()
    assert item.status == "new" and not InboxReply.objects.exists()


def test_hiding_says_plainly_when_the_platform_cannot(items, people, client_for) -> None:
    item = items["t0"]  # on Mastodon, which has no hiding of replies
    page = client_for(people.comms).post(f"{URL}{item.pk}/hide/", {"reason": "Abusive"}, follow=True)
    assert "Mastodon does not let an account hide replies" in page.content.decode()
    assert not ItemTag.objects.filter(item=item).exists()
    assert client_for(people.officer).post(f"{URL}{item.pk}/hide/", {"reason": "Abusive"}).status_code == 403
    assert client_for(people.outsider).post(f"{URL}{item.pk}/hide/", {"reason": "Abusive"}).status_code == 404
