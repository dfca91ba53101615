"""Bad input on every form is a message, never a server error, and a refusal changes nothing.

The forms are the ones Riverside's own people meet on the demo's pages (``crawl``): each is posted by
the first person whose page showed it, as the page filled it, then with every field emptied, with every
field and choice nonsense (too long, not a number or date, not one of the choices, an id that is not
there), and with a NUL character, which PostgreSQL cannot store in text. Every answer must be below
500; a refusal (400) must write no audit event.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.crawl import INSIDERS, Form, crawl, signed_in_clients
from townsquare.accounts.models import User
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council

LONG = "Ä<b>" + "x" * 10_000


def _variants(form: Form) -> list[dict[str, object]]:
    names = [*form.fields, *form.choices]
    return [
        {name: "" for name in names},
        {name: LONG for name in names},
        {name: "-1" for name in names},
        {name: "999999999999999999999" for name in names},
        {name: "2026-02-30" for name in names},
        {name: "9999-12-31" for name in names},  # a day with no day after it
        {name: "0001-01-01" for name in names},  # nor one before
        {name: "NaN" for name in names},
        {name: "1e309" for name in names},  # infinity, as a float reads it
        {name: "   " for name in names},
        {name: ["not one of the choices", "x"] for name in names},
        {**form.fields, **{name: (value or "x") + "\x00" for name, value in form.fields.items()}},
    ]


def _shown(data: dict[str, object]) -> dict[str, object]:
    return {k: (str(v)[:20] + "…" if len(str(v)) > 20 else v) for k, v in data.items()}


def _post_refused_cleanly(client: Client, action: str, data: dict[str, object], what: str) -> str | None:
    """What is wrong with how ``action`` answered ``data`` from ``client``'s person, or None: a server error,
    or a refusal (400) that audited a change."""
    events = AuditEvent.objects.count()
    status = client.post(action, data).status_code
    if status >= 500:
        return f"POST {action} {what}: {status}"
    if status == 400 and AuditEvent.objects.count() != events:
        return f"POST {action} {what}: refused (400) but audited a change"
    return None


def test_every_form_answers_nonsense_with_a_message(demo_councils: dict[str, Council]) -> None:
    found = crawl()
    assert len(found.forms) > 60, f"the crawl found only {len(found.forms)} forms"
    clients = signed_in_clients(INSIDERS, demo_councils["hillcrest"])
    wrong: list[str] = []
    for route, kept in sorted(found.forms.items()):
        email, form = kept[0]  # the same view answers each role's bad input alike
        for data in _variants(form):
            problem = _post_refused_cleanly(clients[email], form.action, data, f"as {email} ({route}) {_shown(data)}")
            wrong += [problem] if problem else []
    assert not wrong, "\n".join(wrong)


def test_every_search_and_filter_answers_nonsense_with_a_page(demo_councils: dict[str, Council]) -> None:
    """The forms that GET (filters, searches, periods), and the pages' own paging, with nonsense values."""
    found = crawl()
    assert len(found.searches) > 5, f"the crawl found only {len(found.searches)} search forms"
    clients = signed_in_clients(INSIDERS, demo_councils["hillcrest"])
    wrong: list[str] = []
    for route, kept in sorted(found.searches.items()):
        email, form = kept[0]
        for data in [*_variants(form)[:-1], {"page": "-1", "cursor": "not-a-cursor", "sort": "nonsense"}]:
            response = clients[email].get(form.action.split("?")[0], data)
            if response.status_code >= 500:
                wrong.append(f"{email} GET {form.action} ({route}) {_shown(data)}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_nul_character_in_a_form_or_an_address_is_a_message_and_changes_nothing(
    demo_councils: dict[str, Council],
) -> None:
    client = Client()
    client.force_login(User.objects.get(email="comms@riverside.example"))
    events = AuditEvent.objects.count()
    for response in (
        client.post("/c/riverside/inbox/saved-replies/", {"title": "Bins", "text": "Sorry\x00", "language": "en"}),
        client.get("/c/riverside/inbox/?q=bins%00"),
        client.get("/api/councils/riverside/archive/?q=bins%00"),
    ):
        assert response.status_code == 400
        assert "holds a NUL character" in response.content.decode()
    assert AuditEvent.objects.count() == events


DAMAGED_FILES = {
    "empty.csv": b"",
    "nul.csv": b"email,module,status,completed_on,date,followers,name,platform\r\n"
    b"someone\x00@riverside.example,Annual\x00,completed,2026-01-01,2026-01-01,12\x00,Bins\x00,facebook\r\n",
    "long.csv": b"name,platform\r\n" + b"x" * 300_000 + b",facebook\r\n",
    "latin1.csv": "name,platform\r\nCaf\u00e9,facebook\r\n".encode("latin-1"),
    "binary.png": bytes(range(256)) * 40,
    "fake.xlsx": b"PK\x03\x04" + b"\x00\xff" * 500,
    "calendar.ics": b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Cabinet\x00\r\n"
    b"DTSTART:20261301T250000\r\nEND:VEVENT\r\n",
}


def test_every_upload_answers_a_damaged_file_with_a_message(demo_councils: dict[str, Council]) -> None:
    """Each form with a file field (imports of channels, action plans, measures, meetings and training
    records; images) is sent each damaged file: empty, NUL bytes in its cells, a 300 KB cell, not UTF-8,
    binary, a broken workbook, a broken calendar."""
    found = crawl()
    uploads = [(route, kept[0]) for route, kept in sorted(found.forms.items()) if "file" in kept[0][1].types.values()]
    assert len(uploads) >= 4, f"the crawl found only {len(uploads)} upload forms"
    clients = signed_in_clients(INSIDERS, demo_councils["hillcrest"])
    wrong: list[str] = []
    for route, (email, form) in uploads:
        for name, content in DAMAGED_FILES.items():
            data: dict[str, object] = {**form.fields, **{k: v[0] for k, v in form.choices.items() if v}}
            for field_name, kind in form.types.items():
                if kind == "file":
                    data[field_name] = SimpleUploadedFile(name, content)
            problem = _post_refused_cleanly(clients[email], form.action, data, f"as {email} ({route}) with {name}")
            wrong += [problem] if problem else []
    assert not wrong, "\n".join(wrong)
