"""The register's pages: who may see them, opening by hand and from the inbox, the request page with its
suggested reply, the search, review and release, and the home page's card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.disclosure import services
from townsquare.disclosure.models import InformationRequest, Redaction, Release
from townsquare.inbox.models import ReceivedItem

Clients = Callable[[User], Client]


@pytest.fixture
def foi(people: SimpleNamespace, riverside: Council) -> InformationRequest:
    return services.request_open(
        actor=people.comms,
        council=riverside,
        kind="foi",
        received_at=timezone.now() - dt.timedelta(days=40),
        summary="Leisure centre closure",
        requester_handle="@res",
    )


def test_outsiders_get_404_and_low_roles_403(
    people: SimpleNamespace, client_for: Clients, foi: InformationRequest, channel: Channel
) -> None:
    item = ReceivedItem.objects.create(council=foi.council, channel=channel, external_id="x1", text="FOI please")
    pages = [
        reverse("disclosure:register", args=["riverside"]),
        reverse("disclosure:open", args=["riverside"]),
        reverse("disclosure:request", args=["riverside", foi.pk]),
        reverse("disclosure:review", args=["riverside", foi.pk]),
    ]
    posts = [
        reverse("disclosure:close", args=["riverside", foi.pk]),
        reverse("disclosure:search", args=["riverside", foi.pk]),
        reverse("disclosure:open_from_item", args=["riverside", item.pk]),
    ]
    for url in pages:
        assert client_for(people.outsider).get(url).status_code == 404
        assert client_for(people.officer).get(url).status_code == 403
        assert client_for(people.councillor).get(url).status_code == 403
        assert client_for(people.auditor).get(url).status_code == 200
    for url in posts:
        assert (
            client_for(people.outsider).post(url, {"outcome": "released", "q": "x", "kind": "foi"}).status_code == 404
        )
        assert client_for(people.officer).post(url, {"outcome": "released", "q": "x", "kind": "foi"}).status_code == 403
    foi.refresh_from_db()
    assert foi.status == "open" and foi.query == {}
    assert not InformationRequest.objects.filter(source_item=item).exists()


def test_register_shows_days_left_and_overdue(
    people: SimpleNamespace, client_for: Clients, foi: InformationRequest
) -> None:
    page = client_for(people.comms).get(reverse("disclosure:register", args=["riverside"])).content.decode()
    assert foi.reference in page and "Overdue by" in page  # received 40 days ago
    home = client_for(people.comms).get(reverse("web:council_home", args=["riverside"])).content.decode()
    assert "requests under the law due within 5 working days" in home
    assert (
        "requests under the law"
        not in client_for(people.officer).get(reverse("web:council_home", args=["riverside"])).content.decode()
    )


def test_open_by_hand_and_bad_input(people: SimpleNamespace, client_for: Clients) -> None:
    url = reverse("disclosure:open", args=["riverside"])
    client = client_for(people.comms)
    bad = client.post(url, {"kind": "foi", "received_on": "2999-01-01", "summary": ""})
    assert bad.status_code == 200 and "cannot be in the future" in bad.content.decode()
    assert not InformationRequest.objects.exists()
    done = client.post(
        url,
        {
            "kind": "sar",
            "received_on": "2026-01-31",
            "summary": "My data",
            "requester_name": "Ann Jones",
            "requester_email": "ann@example.org",
        },
    )
    made = InformationRequest.objects.get()
    assert done.status_code == 302 and made.kind == "sar" and made.due_on == dt.date(2026, 3, 2)
    page = client.get(reverse("disclosure:request", args=["riverside", made.pk])).content.decode()
    assert "Suggested reply" not in page  # a name and an address were given


def test_request_page_suggests_a_reply_in_english_and_welsh(
    people: SimpleNamespace, client_for: Clients, foi: InformationRequest
) -> None:
    page = client_for(people.comms).get(reverse("disclosure:request", args=["riverside", foi.pk])).content.decode()
    assert "Suggested reply in English" in page and "Suggested reply in Welsh" in page
    assert "Freedom of Information Act 2000" in page and "Deddf Rhyddid Gwybodaeth 2000" in page
    assert foi.reference in page


def test_mark_from_the_inbox_item_page(people: SimpleNamespace, client_for: Clients, channel: Channel) -> None:
    item = ReceivedItem.objects.create(
        council=channel.council,
        channel=channel,
        external_id="m1",
        text="Send me my data",
        author_handle="@res",
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    client = client_for(people.comms)
    page = client.get(reverse("inbox:item", args=["riverside", item.pk])).content.decode()
    assert "Mark as subject access request" in page
    url = reverse("disclosure:open_from_item", args=["riverside", item.pk])
    assert client.post(url, {"kind": "nonsense"}).status_code == 302
    assert not InformationRequest.objects.exists()
    client.post(url, {"kind": "sar"})
    client.post(url, {"kind": "foi"})
    made = InformationRequest.objects.get()
    assert made.kind == "sar" and made.source_item == item
    assert made.reference in client.get(reverse("inbox:item", args=["riverside", item.pk])).content.decode()


def test_search_review_and_release_through_the_pages(
    people: SimpleNamespace, client_for: Clients, foi: InformationRequest, archived: SimpleNamespace
) -> None:
    client = client_for(people.auditor)
    one = ["riverside", foi.pk]
    bad = client.post(reverse("disclosure:search", args=one), {"q": "", "from": "yesterday"}, follow=True)
    assert "must be a date" in bad.content.decode()
    client.post(reverse("disclosure:search", args=one), {"q": "leisure centre"})
    foi.refresh_from_db()
    assert foi.legal_hold is not None and foi.legal_hold.active
    assert "The search finds 3 records" in client.get(reverse("disclosure:request", args=one)).content.decode()
    client.post(reverse("disclosure:propose", args=one))
    review = client.get(reverse("disclosure:review", args=one)).content.decode()
    assert "jane@example.com" in review and "Redact selected" in review
    first = Redaction.objects.filter(request=foi).first()
    assert first is not None
    client.post(reverse("disclosure:decide", args=one), {"action": "undo", "redaction": [first.pk]})
    client.post(reverse("disclosure:decide", args=one), {"action": "accept_all"})
    assert not Redaction.objects.filter(request=foi, decision="proposed").exists()
    client.post(reverse("disclosure:release", args=one), {"format": "csv"})
    release = Release.objects.get(request=foi)
    download = client.get(reverse("disclosure:download", args=[*one, release.pk]))
    assert download["Content-Type"].startswith("text/csv") and b"jane@example.com" not in download.content
    assert client_for(people.outsider).get(reverse("disclosure:download", args=[*one, release.pk])).status_code == 404
    client.post(reverse("disclosure:close", args=one), {"outcome": "released"})
    foi.refresh_from_db()
    assert foi.status == "closed" and foi.legal_hold is not None and not foi.legal_hold.active


def test_officer_is_chosen_from_those_who_keep_the_register(
    people: SimpleNamespace, client_for: Clients, foi: InformationRequest
) -> None:
    url = reverse("disclosure:officer", args=["riverside", foi.pk])
    client_for(people.comms).post(url, {"officer": people.officer.pk})  # a service officer may not keep it
    foi.refresh_from_db()
    assert foi.officer is None
    client_for(people.comms).post(url, {"officer": people.auditor.pk})
    foi.refresh_from_db()
    assert foi.officer == people.auditor
    assert client_for(people.outsider).post(url, {"officer": ""}).status_code == 404
