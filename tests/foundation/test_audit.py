"""The audit trail: written with each change, append-only, and its hash chain detects tampering."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from townsquare.audit.models import AuditEvent
from townsquare.audit.services import audit_record, audit_verify_chain
from townsquare.councils.models import Council
from townsquare.councils.services import council_update, membership_grant


def _drop_guard() -> None:
    """What an intruder with database access would do first: remove the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent")


def test_changes_write_events_with_before_and_after(people: SimpleNamespace, riverside: Council) -> None:
    council_update(actor=people.admin, council=riverside, changes={"dormant_after_days": 30})
    event = AuditEvent.objects.filter(action="council.updated").get()
    assert event.actor == people.admin and event.council == riverside
    assert event.before["dormant_after_days"] == 90 and event.after["dormant_after_days"] == 30


def test_event_rolls_back_with_the_change(people: SimpleNamespace, riverside: Council) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        membership_grant(actor=people.admin, council=riverside, user=people.outsider, role="comms")
        raise RuntimeError("the change fails after its audit event was written")
    assert AuditEvent.objects.count() == before
    assert audit_verify_chain()[1] == []


def test_chain_verifies_and_command_reports_intact(people: SimpleNamespace) -> None:
    checked, problems = audit_verify_chain()
    assert checked == AuditEvent.objects.count() > 0
    assert problems == []
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "intact" in out.getvalue()


def test_model_and_database_refuse_edits(people: SimpleNamespace) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "nothing.happened"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_verification_detects_an_edited_event(people: SimpleNamespace, riverside: Council) -> None:
    audit_record(actor=people.admin, council=riverside, action="test.marker", object_type="test", after={"n": 1})
    _drop_guard()
    target = AuditEvent.objects.filter(council=riverside).order_by("seq")[2]
    AuditEvent.objects.filter(pk=target.pk).update(after={"user": "someone-else@example.org", "role": "admin"})
    _, problems = audit_verify_chain()
    assert [(p.chain, p.seq, "edited" in p.message) for p in problems] == [(riverside.pk, target.seq, True)]
    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=StringIO())


def test_verification_detects_a_removed_event(people: SimpleNamespace, riverside: Council) -> None:
    _drop_guard()
    target = AuditEvent.objects.filter(council=riverside).order_by("seq")[1]
    AuditEvent.objects.filter(pk=target.pk).delete()
    _, problems = audit_verify_chain()
    assert any("missing" in p.message for p in problems)
    assert any("chain broken" in p.message for p in problems)


def test_verification_detects_the_newest_event_removed(people: SimpleNamespace) -> None:
    _drop_guard()
    newest = AuditEvent.objects.order_by("-seq").values_list("pk", flat=True)[0]
    AuditEvent.objects.filter(pk=newest).delete()
    _, problems = audit_verify_chain()
    assert any("newest events are missing" in p.message for p in problems)


def test_auditor_filters_and_exports(people: SimpleNamespace, riverside: Council, client_for) -> None:  # type: ignore[no-untyped-def]
    council_update(actor=people.admin, council=riverside, changes={"in_wales": True})
    auditor = client_for(people.auditor)
    page = auditor.get("/c/riverside/audit/?action=council.updated").content.decode()
    assert "council.updated" in page and "role.granted</td>" not in page
    response = auditor.get("/c/riverside/audit/?action=council.updated&format=csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("seq,when_utc,actor,action")
    assert len(lines) == 2 and "admin@riverside.example" in lines[1]
    # bad filter values are ignored, not a crash
    assert auditor.get("/c/riverside/audit/?since=yesterday&until=31/31/2026").status_code == 200
    api = auditor.get("/api/councils/riverside/audit-events/?action=council").json()
    assert api["count"] == 1 and api["results"][0]["hash"]


def test_auditor_sees_only_their_councils_events(people: SimpleNamespace, hillcrest: Council, client_for) -> None:  # type: ignore[no-untyped-def]
    council_update(actor=people.outsider, council=hillcrest, changes={"dormant_after_days": 10})
    body = client_for(people.auditor).get("/c/riverside/audit/?format=csv").content.decode()
    assert "officer@hillcrest.example" not in body
