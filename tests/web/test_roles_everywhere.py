"""Every form a council's officers can send, sent as they would fill it by a councillor, an auditor or another
council's administrator, changes nothing but what the sender's own role allows.

A councillor may see the council's home page and its reports, and acknowledge a policy or take a
training module of their own; nothing else. ``crawl`` finds every form Riverside's administrator,
communications officer, auditor, information governance officer and service officer meet on the demo.
Each is filled as its owner would (the page's own values, the first choice where none is chosen, and
plain text, a date, a time or a number in what is empty), once with each of its named buttons; then:

1. its owner sends it, in a savepoint rolled back after: if that changed nothing (no audit event, no
   row added or removed), the request proves nothing and is left out;
2. the councillor sends the same request, and so do Hillcrest's administrator (no role at Riverside) and
   Riverside's auditor and information governance officer (outside the archive and the request register,
   which they keep); none may change anything.

A view that checked the role when showing a page but not when taking its form fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from tests.web.crawl import OUTSIDER, Form, changes_made, crawl, signed_in_clients
from townsquare.councils.models import Council

pytestmark = pytest.mark.sqlite_only  # permissions do not depend on the database; the crawl is costly

COUNCILLOR = "councillor@riverside.example"
AUDITOR = "auditor@riverside.example"
GOVERNANCE = "governance@riverside.example"
# The councillor's own pages post here, and may: each changes only the councillor's own record.
THEIR_OWN = ("/learning/", "/acknowledge/", "/account/", "/notifications/")
# Who sends the officers' requests again, and where their own role lets them change things: the auditor keeps
# the archive's retention and holds and the request register, and reads everything else, and so does the
# information governance officer.
RECORDS = (*THEIR_OWN, "/archive/", "/requests/")
SENDERS = {COUNCILLOR: THEIR_OWN, OUTSIDER: (), AUDITOR: RECORDS, GOVERNANCE: RECORDS}


def _filled(form: Form) -> dict[str, object]:
    day = timezone.localdate() + dt.timedelta(days=14)
    typed = {
        "date": day.isoformat(),
        "datetime-local": f"{day.isoformat()}T09:30",
        "time": "09:30",
        "number": "2",
        "email": "someone@riverside.example",
        "url": "https://www.riverside.example/news",
        "tel": "01632 960123",
    }
    data: dict[str, object] = {}
    for name, value in form.fields.items():
        kind = form.types.get(name, "text")
        if value or kind in ("hidden", "password", "file"):
            data[name] = value
        elif kind == "select":
            data[name] = next((v for v in form.choices.get(name, []) if v), "")
        else:
            data[name] = typed.get(kind, "Sent by the role test, with nothing personal in it.")
    data.update(form.checked)
    return data


def _requests(form: Form) -> list[dict[str, object]]:
    data = _filled(form)
    buttons = [(name, value) for name, kind in form.types.items() if kind == "button" for value in form.choices[name]]
    return [data, *({**data, name: value} for name, value in buttons[:3])]


def test_a_councillor_or_an_outsider_sending_any_officers_form_changes_nothing(
    demo_councils: dict[str, Council],
) -> None:
    found = crawl()
    senders = {email for kept in found.forms.values() for email, _ in kept} | set(SENDERS)
    clients = signed_in_clients(senders, demo_councils["hillcrest"])
    proven, wrong = 0, []
    for route, kept in sorted(found.forms.items()):
        for email, form in kept:
            if email == COUNCILLOR or any(part in form.action for part in THEIR_OWN):
                continue
            for data in _requests(form):
                with transaction.atomic():
                    _, changed, audited = changes_made(clients[email], "post", form.action, data)
                    transaction.set_rollback(True)
                if not (changed or audited):
                    continue
                proven += 1
                for sender, theirs in SENDERS.items():
                    if sender == email or any(part in form.action for part in theirs):
                        continue
                    status, changed, audited = changes_made(clients[sender], "post", form.action, data)
                    if status >= 500 or changed or audited:
                        wrong.append(f"{sender} sent {email}'s {form.action} ({route}) {data}: {status}, {changed}")
    assert not wrong, "\n".join(wrong)
    assert proven > 40, f"only {proven} of the officers' requests changed anything for them"
