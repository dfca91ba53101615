"""Redaction: proposed from the records (text and author), reviewed by a person, then a copy released
and kept with its hash; for subject access the requester's own data is kept."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from townsquare.archive.search import ArchiveQuery
from townsquare.audit.models import AuditEvent
from townsquare.councils.models import Council
from townsquare.disclosure import services
from townsquare.disclosure.models import InformationRequest, Redaction
from townsquare.disclosure.recogniser import keep_terms, personal_data_find
from townsquare.disclosure.redactions import redactions_propose, redactions_review, release_make


def _request(people: SimpleNamespace, council: Council, kind: str = "foi", **kwargs: str) -> InformationRequest:
    made = services.request_open(
        actor=people.comms,
        council=council,
        kind=kind,
        received_at=timezone.now() - dt.timedelta(days=1),
        summary="Leisure centre",
        **kwargs,
    )
    return services.request_search_set(actor=people.comms, request=made, query=ArchiveQuery(q="leisure centre"))


def test_recogniser_finds_each_kind_of_personal_data() -> None:
    text = (
        "Mrs Jane Hughes of 12 Mill Lane, RV1 2AB (NI number AB 12 34 56 C) emailed jane@example.com, "
        "called 07700 900123 and tagged @bob_smith and @ann@mastodon.example"
    )
    found = {(f.category, f.text) for f in personal_data_find([text])[0]}
    assert {
        ("address", "12 Mill Lane"),
        ("postcode", "RV1 2AB"),
        ("ni_number", "AB 12 34 56 C"),
        ("email", "jane@example.com"),
        ("phone", "07700 900123"),
        ("handle", "@bob_smith"),
        ("handle", "@ann@mastodon.example"),
    } <= found
    assert any(c == "name" and "Jane Hughes" in t for c, t in found)
    kept = personal_data_find(["Jane Hughes wrote to @riversidedc"], keep=keep_terms(["Jane Hughes", "@RiversideDC"]))
    assert kept == [[]]
    # A text given twice (read once) is found the same both times, in its place among the others.
    twice = personal_data_find([text, "Nothing personal here.", text])
    assert twice[0] == twice[2] and {(f.category, f.text) for f in twice[0]} == found and twice[1] == []


def test_propose_review_release(people: SimpleNamespace, riverside: Council, archived: SimpleNamespace) -> None:
    foi = _request(people, riverside)
    with pytest.raises(ValidationError, match="Propose redactions"):
        release_make(actor=people.comms, request=foi, fmt="csv")
    added = redactions_propose(actor=people.comms, request=foi)
    found = {(r.category, r.found) for r in Redaction.objects.filter(request=foi)}
    assert ("phone", "07700 900123") in found and ("email", "jane@example.com") in found
    assert ("postcode", "RV1 2AB") in found and ("handle", "@janeh") in found  # the resident as author
    assert not any(f == "RiversideBins" for _, f in found)  # the council's own account is not a third party
    assert redactions_propose(actor=people.comms, request=foi) == 0  # proposing again adds nothing
    with pytest.raises(ValidationError, match="still to review"):
        release_make(actor=people.comms, request=foi, fmt="json")
    phone = Redaction.objects.get(request=foi, category="phone")
    assert redactions_review(actor=people.auditor, request=foi, decision="undone", ids=[phone.pk]) == 1
    assert redactions_review(actor=people.auditor, request=foi, decision="accepted") == added - 1
    with pytest.raises(ValidationError):
        redactions_review(actor=people.auditor, request=foi, decision="accepted", ids=[999999])
    release = release_make(actor=people.auditor, request=foi, fmt="json")
    content = bytes(release.content)
    assert hashlib.sha256(content).hexdigest() == release.sha256
    data = json.loads(content)
    texts = " ".join(v["text"] for r in data["records"] for v in r["versions"])
    assert "07700 900123" in texts  # undone: kept
    assert "jane@example.com" not in texts and "[redacted: email address]" in texts
    assert "RV1 2AB" not in texts
    authors = {r["author"] for r in data["records"]}
    assert "@janeh" not in authors and "RiversideBins" in authors
    assert sorted(release.record_ids) == sorted([archived.post.pk, archived.reply.pk, archived.deleted.pk])
    deleted = next(r for r in data["records"] if r["record"] == archived.deleted.pk)
    assert deleted["deleted_at"] and [v["event"] for v in deleted["versions"]] == ["Captured", "Deleted"]
    event = AuditEvent.objects.get(action="request.released")
    assert event.after["sha256"] == release.sha256 and event.actor == people.auditor


def test_subject_access_keeps_the_requesters_own_data(
    people: SimpleNamespace, riverside: Council, archived: SimpleNamespace
) -> None:
    sar = _request(
        people,
        riverside,
        "sar",
        requester_name="Jane Hughes",
        requester_handle="@janeh",
        requester_email="jane@example.com",
    )
    redactions_propose(actor=people.comms, request=sar)
    found = {r.found for r in Redaction.objects.filter(request=sar)}
    assert "jane@example.com" not in found and "@janeh" not in found
    assert not any("Jane Hughes" in f for f in found)
    assert "07700 900123" in found  # a phone number is not matched to the requester: a person decides


def test_exports_open_and_the_pdf_has_real_text(
    people: SimpleNamespace, riverside: Council, archived: SimpleNamespace, tmp_path: Path
) -> None:
    foi = _request(people, riverside)
    redactions_propose(actor=people.comms, request=foi)
    redactions_review(actor=people.comms, request=foi, decision="accepted")
    rows = list(
        csv.DictReader(
            io.StringIO(bytes(release_make(actor=people.comms, request=foi, fmt="csv").content).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 5  # the edited post's two versions, the reply, the deleted post's two
    assert {r["platform"] for r in rows} == {"facebook"} and all(r["url"].startswith("https://") for r in rows)
    pdf = tmp_path / "reply.pdf"
    pdf.write_bytes(bytes(release_make(actor=people.comms, request=foi, fmt="pdf").content))
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian poppler-utils) is needed to read the PDF back: run scripts/setup.sh --test")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "roof repairs" in text and foi.reference in text and "Version" in text
    assert "jane@example.com" not in text and "[redacted: email address]" in text
