"""Listening pages: who may do what, a bad query explained beside its field, and Try it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.inbox.models import ReceivedItem
from townsquare.listening.models import ListeningMatch, ListeningQuery
from townsquare.listening.services import listening_query_save

URL = "/c/riverside/listening/"


def a_query(council: Council, actor, name: str = "Bins", text: str = "bin") -> ListeningQuery:
    return listening_query_save(actor=actor, council=council, name=name, text=text, owner=actor)


def test_comms_adds_a_query_and_it_is_audited(
    people: SimpleNamespace, channel: Channel, client_for: Callable[..., Client]
) -> None:
    client = client_for(people.comms)
    assert client.get(URL + "add/").status_code == 200
    page = client.post(
        URL + "add/",
        {
            "name": "Missed bins",
            "query": 'bin* NEAR/3 missed OR "bin day"',
            "platforms": ["facebook"],
            "channels": [channel.pk],
            "active": "on",
            "save": "1",
        },
    )
    assert page.status_code == 302
    saved = ListeningQuery.objects.get()
    assert (saved.owner, saved.platforms, list(saved.channels.all())) == (people.comms, ["facebook"], [channel])
    assert AuditEvent.objects.filter(action="listening.query_created", actor=people.comms).exists()
    body = client.get(URL).content.decode()
    assert "Missed bins" in body and "Riverside Waste" in body


def test_a_query_that_cannot_be_parsed_is_explained_and_not_saved(
    people: SimpleNamespace, client_for: Callable[..., Client]
) -> None:
    page = client_for(people.admin).post(URL + "add/", {"name": "Bins", "query": "bin AND (missed", "save": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and not ListeningQuery.objects.exists()
    assert 'id="id_query-error"' in body and "This bracket is never closed (at character 9)" in body
    assert 'href="#id_query"' in body  # the error summary links to the field


def test_try_it_shows_what_it_would_have_caught_and_saves_nothing(
    people: SimpleNamespace, receive, client_for: Callable[..., Client]
) -> None:
    receive("My bin was missed again")
    receive("A binding agreement")
    page = client_for(people.comms).post(URL + "add/", {"name": "Bins", "query": "bin", "try": "1"})
    body = page.content.decode()
    assert "1 of 2 messages received in the last 30 days" in body and "My bin was missed again" in body
    assert "A binding agreement" not in body and not ListeningQuery.objects.exists()


def test_edit_and_delete(people: SimpleNamespace, riverside: Council, client_for: Callable[..., Client]) -> None:
    query = a_query(riverside, people.admin)
    client = client_for(people.comms)
    assert 'value="Bins"' in client.get(f"{URL}{query.pk}/").content.decode()
    client.post(f"{URL}{query.pk}/", {"name": "Bins", "query": "bins OR bin", "save": "1"})
    query.refresh_from_db()
    assert query.query == "bins OR bin" and not query.active and query.owner == people.admin
    assert client.get(f"{URL}{query.pk}/delete/").status_code == 200
    assert client.post(f"{URL}{query.pk}/delete/").status_code == 302
    assert not ListeningQuery.objects.exists()
    assert AuditEvent.objects.filter(action="listening.query_deleted").exists()


def test_a_duplicate_name_is_refused(
    people: SimpleNamespace, riverside: Council, client_for: Callable[..., Client]
) -> None:
    a_query(riverside, people.admin)
    page = client_for(people.comms).post(URL + "add/", {"name": "Bins", "query": "bin", "save": "1"})
    assert "Another listening query already has this name" in page.content.decode()
    assert ListeningQuery.objects.count() == 1


def test_outsider_gets_not_found_and_a_lower_role_forbidden(
    people: SimpleNamespace, riverside: Council, hillcrest: Council, client_for: Callable[..., Client]
) -> None:
    query = a_query(riverside, people.admin)
    theirs = a_query(hillcrest, None, "Theirs")
    their_comms = User.objects.create_user("comms@hillcrest.example", "x-Long-pass-9", full_name="Hillcrest Comms")
    membership_grant(actor=None, council=hillcrest, user=their_comms, role="comms")
    for url in (URL, URL + "add/", f"{URL}{query.pk}/", f"{URL}{query.pk}/delete/"):
        assert client_for(people.outsider).get(url).status_code == 404
        assert client_for(their_comms).get(url).status_code == 404
        assert client_for(their_comms).post(url, {"name": "x", "query": "x", "save": "1"}).status_code == 404
        for person in (people.officer, people.councillor, people.auditor):
            assert client_for(person).get(url).status_code == 403
            assert client_for(person).post(url, {"name": "x", "query": "x", "save": "1"}).status_code == 403
    comms = client_for(people.comms)
    assert comms.get(f"{URL}{theirs.pk}/").status_code == 404
    assert comms.post(f"{URL}{theirs.pk}/delete/").status_code == 404
    assert ListeningQuery.objects.count() == 2


def test_the_list_counts_what_each_query_caught_this_week_and_links_to_it(
    people: SimpleNamespace, riverside: Council, hillcrest: Council, channel: Channel, client_for: Callable[..., Client]
) -> None:
    bins, parks = a_query(riverside, people.comms, "Bins", "bin*"), a_query(riverside, people.comms, "Parks", "park")
    theirs = a_query(hillcrest, None, "Their bins", "bin*")
    now = timezone.now()
    for number, (query, council, days_ago) in enumerate(
        [(bins, riverside, 0), (bins, riverside, 3), (bins, riverside, 30), (theirs, hillcrest, 0)]
    ):
        item = ReceivedItem.objects.create(
            council=riverside, channel=channel, external_id=f"c{number}", kind="mention", text="My bin"
        )
        ListeningMatch.objects.create(
            council=council, query=query, item=item, channel=channel, at=now - dt.timedelta(days=days_ago)
        )
    body = client_for(people.comms).get(URL).content.decode()
    assert "Caught in the last 7 days" in body
    since = (timezone.localdate() - dt.timedelta(days=6)).isoformat()
    link = f'href="/c/riverside/inbox/?listening={bins.pk}&amp;since={since}">2<'
    assert link in body  # the month-old match and the other council's are not counted
    assert f"?listening={parks.pk}" not in body and "None</td>" in body
