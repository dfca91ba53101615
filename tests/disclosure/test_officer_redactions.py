"""Redactions an officer adds in review, for what the recogniser missed: every place the words stand in
the record's versions, decided at once and audited; bad input refused with nothing changed; outsiders
and roles that may not keep the register kept out."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.disclosure.test_redactions import _request
from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.disclosure.models import Redaction
from townsquare.disclosure.officer_redactions import redaction_add
from townsquare.disclosure.services import request_close

pytestmark = pytest.mark.django_db
Clients = Callable[[User], Client]


def test_the_words_are_redacted_in_every_version(
    people: SimpleNamespace, riverside: Council, archived: SimpleNamespace
) -> None:
    foi = _request(people, riverside)
    # "31 March" stands in both versions of the edited post: one mark in each.
    added = redaction_add(
        actor=people.comms, request=foi, record_id=archived.post.pk, words="31 March", category="name"
    )
    assert added == 2
    marks = list(Redaction.objects.filter(request=foi).select_related("version"))
    assert {m.version.n for m in marks} == {1, 2}
    assert all(m.decision == "accepted" and m.reviewed_by == people.comms for m in marks)
    assert all(m.version.text[m.start : m.end] == "31 March" for m in marks)
    # Marked again: nothing new.
    assert (
        redaction_add(actor=people.comms, request=foi, record_id=archived.post.pk, words="31 March", category="name")
        == 0
    )
    assert AuditEvent.objects.filter(action="request.redaction_added").count() == 2


def test_bad_input_is_refused_and_nothing_changes(
    people: SimpleNamespace, riverside: Council, archived: SimpleNamespace
) -> None:
    foi = _request(people, riverside)
    cases = [
        (archived.post.pk, "", "name", "Enter the words"),
        (archived.post.pk, "31 March", "shoe size", "Choose what kind"),
        (archived.post.pk, "not in it at all", "name", "is not in record"),
        (archived.other.pk, "Tuesday", "name", "not among this request's records"),  # bins, not the leisure centre
    ]
    for record_id, words, category, message in cases:
        with pytest.raises(ValidationError, match=message):
            redaction_add(actor=people.comms, request=foi, record_id=record_id, words=words, category=category)
    request_close(actor=people.comms, request=foi, outcome="released", reason="done")
    foi.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        redaction_add(actor=people.comms, request=foi, record_id=archived.post.pk, words="31 March", category="name")
    assert not Redaction.objects.exists()
    assert not AuditEvent.objects.filter(action="request.redaction_added").exists()


def test_the_review_page_form(
    people: SimpleNamespace, riverside: Council, archived: SimpleNamespace, client_for: Clients
) -> None:
    foi = _request(people, riverside)
    url = reverse("disclosure:add", args=["riverside", foi.pk])
    form = {"record": str(archived.reply.pk), "words": "Mill Lane", "category": "address"}
    assert client_for(people.outsider).post(url, form).status_code == 404
    assert client_for(people.officer).post(url, form).status_code == 403
    assert client_for(people.councillor).post(url, form).status_code == 403
    assert not Redaction.objects.exists()
    client = client_for(people.auditor)
    page = client.get(reverse("disclosure:review", args=["riverside", foi.pk]))
    assert b"Redact something the recogniser missed" in page.content
    bad = client.post(url, {**form, "record": "twelve"})
    assert bad.status_code == 302 and not Redaction.objects.exists()
    assert any("record's number" in str(m) for m in get_messages(bad.wsgi_request))
    done = client.post(url, form)
    assert done.status_code == 302 and done["Location"].endswith("?show=accepted")
    [mark] = Redaction.objects.filter(request=foi)
    assert (mark.found, mark.category, mark.decision) == ("Mill Lane", "address", "accepted")
