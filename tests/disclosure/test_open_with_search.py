"""Opening a request from an archive search: the archive page links to the register's form with the search
in the address, and the request is saved with that search and a legal hold on what it finds."""

from __future__ import annotations

import html
from collections.abc import Callable
from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from townsquare.accounts.models import User
from townsquare.archive.models import LegalHold
from townsquare.archive.selectors import held_record_ids
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.disclosure.models import InformationRequest
from townsquare.disclosure.selectors import request_records

Clients = Callable[[User], Client]
FORM = {"kind": "foi", "received_on": "2026-01-31", "summary": "Everything about the leisure centre closure"}


def _link(page: str) -> str:
    start = page.index('href="/c/riverside/requests/new/?')
    href = page[start + len('href="') : page.index('"', start + len('href="'))]
    assert "Open a request with this search" in page[start : start + 400]
    return html.unescape(href)


def test_archive_search_opens_a_request_with_its_search_and_hold(
    people: SimpleNamespace, client_for: Clients, archived: SimpleNamespace, riverside: Council
) -> None:
    client = client_for(people.auditor)
    search = client.get(reverse("archive:search", args=["riverside"]), {"q": "leisure centre", "kind": "post"})
    url = _link(search.content.decode())
    assert "q=leisure+centre" in url and "kind=post" in url

    form = client.get(url).content.decode()
    assert "Words: leisure centre" in form and "Kinds of record: post" in form

    done = client.post(url, FORM)
    made = InformationRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("disclosure:request", args=["riverside", made.pk])
    assert made.query["q"] == "leisure centre" and made.query["kinds"] == ["post"]
    assert made.legal_hold is not None and made.legal_hold.active and made.legal_hold.reference == made.reference
    assert {r.pk for r in request_records(made)} == {archived.post.pk, archived.deleted.pk}
    held = held_record_ids(council=riverside)
    assert {archived.post.pk, archived.deleted.pk} <= held and archived.other.pk not in held
    assert archived.reply.pk not in held  # a received item, and the search asked for posts
    actions = set(AuditEvent.objects.filter(object_id=str(made.pk)).values_list("action", flat=True))
    assert {"request.open", "request.search"} <= actions


def test_bad_or_refused_input_stores_nothing(
    people: SimpleNamespace, client_for: Clients, archived: SimpleNamespace
) -> None:
    base = reverse("disclosure:open", args=["riverside"])
    client = client_for(people.auditor)
    bad = client.post(f"{base}?q=leisure&from=31-03-2026", FORM)
    assert bad.status_code == 200 and "The from date must be a date like 2026-03-31." in bad.content.decode()
    missing = client.post(f"{base}?q=leisure", {**FORM, "summary": ""})
    assert missing.status_code == 200
    assert not InformationRequest.objects.exists() and not LegalHold.objects.exists()
    # An officer may search the archive but does not keep the register: no link, and the form is refused.
    officer = client_for(people.officer)
    page = officer.get(reverse("archive:search", args=["riverside"]), {"q": "leisure"}).content.decode()
    assert "Open a request with this search" not in page
    assert officer.post(f"{base}?q=leisure", FORM).status_code == 403
    assert client_for(people.outsider).post(f"{base}?q=leisure", FORM).status_code == 404
    assert not InformationRequest.objects.exists() and not LegalHold.objects.exists()


def test_without_a_carried_search_the_form_opens_a_request_without_a_hold(
    people: SimpleNamespace, client_for: Clients
) -> None:
    done = client_for(people.comms).post(reverse("disclosure:open", args=["riverside"]), FORM)
    made = InformationRequest.objects.get()
    assert done.status_code == 302 and made.query == {} and made.legal_hold is None
