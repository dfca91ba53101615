"""The audit chain under an intruder with write access to the database: keyed seals over every field,
a chain per council, and a head exported earlier that finds the newest events removed."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from townsquare.audit.chain import GENESIS, audit_keys, chain_of, head_value, key_id, seal, sealed_fields
from townsquare.audit.models import AuditChainHead, AuditEvent
from townsquare.audit.services import audit_chain_heads, audit_record, audit_verify_chain
from townsquare.councils.models import Council
from townsquare.councils.services import council_update

INTRUDER_KEY = b"the intruder does not have the server's audit key"


def _drop_guard() -> None:
    importlib.import_module("townsquare.audit.reseal")._guard(connection, on=False)


def _rewrite(chain: int, key: bytes, change: dict[str, Any] | None = None, *, target: int = 0) -> None:
    """What an intruder does: change an event, then seal the chain again from the start with ``key``."""
    _drop_guard()
    prev = GENESIS
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
        if event.seq == target and change:
            for name, value in change.items():
                setattr(event, name, value)
        event.prev_hash, event.key_id = prev, key_id(key)
        event.hash = seal(key, sealed_fields(event))
        AuditEvent.objects.filter(pk=event.pk).update(
            prev_hash=event.prev_hash,
            hash=event.hash,
            key_id=event.key_id,
            **(change if event.seq == target and change else {}),
        )
        prev = event.hash
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").first()
    AuditChainHead.objects.filter(id=chain).update(seq=last.seq if last else 0, hash=prev)


def test_rewriting_the_chain_without_the_key_is_found(people: SimpleNamespace, riverside: Council) -> None:
    target = AuditEvent.objects.filter(council=riverside, action="role.granted").order_by("seq").last()
    assert target is not None
    _rewrite(
        chain_of(riverside.pk),
        INTRUDER_KEY,
        {"after": {"user": "intruder@example.org", "role": "admin"}},
        target=target.seq,
    )
    _, problems = audit_verify_chain()
    assert problems and all("not configured" in p.message for p in problems)
    # Claiming the server's key id does not help either: the seals do not match.
    real_id = next(iter(audit_keys()))
    _drop_guard()
    AuditEvent.objects.filter(chain=chain_of(riverside.pk)).update(key_id=real_id)
    problems = audit_verify_chain()[1]
    assert problems and all("edited" in p.message for p in problems)


def test_the_acting_person_is_sealed_too(people: SimpleNamespace, riverside: Council) -> None:
    council_update(actor=people.admin, council=riverside, changes={"dormant_after_days": 30})
    event = AuditEvent.objects.get(action="council.updated")
    _drop_guard()
    AuditEvent.objects.filter(pk=event.pk).update(actor_id=people.comms.pk)
    _, problems = audit_verify_chain()
    assert [(p.seq, "edited" in p.message) for p in problems] == [(event.seq, True)]


def test_moving_an_event_to_another_council_is_found(
    people: SimpleNamespace, riverside: Council, hillcrest: Council
) -> None:
    event = AuditEvent.objects.filter(council=riverside).order_by("seq").last()
    assert event is not None
    _drop_guard()
    AuditEvent.objects.filter(pk=event.pk).update(council=hillcrest)
    assert any("edited" in p.message for p in audit_verify_chain()[1])


def test_each_council_has_a_chain_of_its_own(people: SimpleNamespace, riverside: Council, hillcrest: Council) -> None:
    audit_record(actor=None, council=None, action="system.checked", object_type="system")
    for council in (riverside, hillcrest):
        numbers = list(AuditEvent.objects.filter(council=council).order_by("seq").values_list("seq", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    assert AuditEvent.objects.get(action="system.checked").chain == 0
    assert set(audit_chain_heads()) == {0, riverside.pk, hillcrest.pk}
    # Hillcrest's chain broken: Riverside's verifies on its own.
    _drop_guard()
    AuditEvent.objects.filter(council=hillcrest).update(reason="changed")
    assert audit_verify_chain(chains=[riverside.pk])[1] == []
    assert audit_verify_chain(chains=[hillcrest.pk])[1]
    out = StringIO()
    call_command("verify_audit_chain", "--council", "riverside", stdout=out)
    assert "intact" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_audit_chain", "--council", "hillcrest", stdout=StringIO(), stderr=StringIO())


def test_removing_the_newest_events_is_found_against_an_exported_head(
    people: SimpleNamespace, riverside: Council, tmp_path: Path
) -> None:
    for n in range(3):
        council_update(actor=people.admin, council=riverside, changes={"dormant_after_days": 40 + n})
    head_file = tmp_path / "head.txt"
    call_command("export_audit_head", "--output", str(head_file), stderr=StringIO())
    exported = head_file.read_text().strip()
    out = StringIO()
    call_command("verify_audit_chain", "--head", str(head_file), stdout=out)
    assert "matching the head exported earlier" in out.getvalue()
    # More events since the export are fine.
    council_update(actor=people.admin, council=riverside, changes={"dormant_after_days": 50})
    call_command("verify_audit_chain", "--head", exported, stdout=StringIO())
    # The intruder removes the newest events and moves the head row back: the chain alone looks whole ...
    newest = AuditEvent.objects.filter(council=riverside).order_by("-seq")[3].seq
    _drop_guard()
    AuditEvent.objects.filter(chain=riverside.pk, seq__gt=newest).delete()
    kept = AuditEvent.objects.get(chain=riverside.pk, seq=newest)
    AuditChainHead.objects.filter(id=riverside.pk).update(seq=kept.seq, hash=kept.hash)
    assert audit_verify_chain()[1] == []
    # ... but not against the head kept outside.
    for given in (str(head_file), exported):
        err = StringIO()
        with pytest.raises(CommandError, match="Audit chain broken"):
            call_command("verify_audit_chain", "--head", given, stdout=StringIO(), stderr=err)
        assert "newest events are missing" in err.getvalue()
    with pytest.raises(CommandError, match="--head"):
        call_command("verify_audit_chain", "--head", "not a head", stdout=StringIO())


def test_a_replaced_event_at_the_exported_head_is_found(
    people: SimpleNamespace, riverside: Council, settings: Any
) -> None:
    """Even someone holding the key cannot rewrite what an exported head already fixed."""
    exported = head_value(audit_chain_heads())
    settings.TOWNSQUARE_AUDIT_KEYS = [INTRUDER_KEY.decode()]
    head_seq = audit_chain_heads()[riverside.pk][0]
    _rewrite(riverside.pk, INTRUDER_KEY, {"reason": "nothing to see"}, target=head_seq)
    for chain in audit_chain_heads():
        if chain != riverside.pk:
            _rewrite(chain, INTRUDER_KEY)
    assert audit_verify_chain()[1] == []  # with the key, the chain alone can be forged ...
    with pytest.raises(CommandError):  # ... but not the head kept outside
        call_command("verify_audit_chain", "--head", exported, stdout=StringIO(), stderr=StringIO())


def test_keys_rotate_without_breaking_the_chain(people: SimpleNamespace, riverside: Council, settings: Any) -> None:
    first, second = "first-audit-key-0123456789abcdef", "second-audit-key-0123456789abcdef"

    def ids() -> set[str]:
        return set(AuditEvent.objects.values_list("key_id", flat=True))

    settings.TOWNSQUARE_AUDIT_KEYS = [first]  # a configured key in front of the derived one
    audit_record(actor=None, council=riverside, action="test.after_rotation", object_type="test")
    assert AuditEvent.objects.get(action="test.after_rotation").key_id == key_id(first.encode())
    assert len(ids()) == 2 and audit_verify_chain()[1] == []
    call_command("audit_reseal", stdout=StringIO())
    assert ids() == {key_id(first.encode())} and audit_verify_chain()[1] == []
    settings.TOWNSQUARE_AUDIT_KEYS = [second, first]
    assert audit_verify_chain()[1] == []
    call_command("audit_reseal", stdout=StringIO())
    assert ids() == {key_id(second.encode())}
    settings.TOWNSQUARE_AUDIT_KEYS = [second]  # the old key removed once nothing needs it
    assert audit_verify_chain()[1] == []
    settings.TOWNSQUARE_AUDIT_KEYS = ["an-unrelated-key-0123456789abcdef"]
    assert any("not configured" in p.message for p in audit_verify_chain()[1])
    with pytest.raises(CommandError, match="nothing was sealed again"):
        call_command("audit_reseal", stdout=StringIO())


def test_the_auditor_sees_and_downloads_the_councils_chain_head(
    people: SimpleNamespace, riverside: Council, client_for: Any
) -> None:
    seq, digest = audit_chain_heads()[riverside.pk]
    auditor = client_for(people.auditor)
    page = auditor.get("/c/riverside/audit/").content.decode()
    assert f"number {seq}" in page and digest[:16] in page and "Download the chain head" in page
    download = auditor.get("/c/riverside/audit/?format=head")
    assert download.content.decode().strip() == f"{riverside.pk}:{seq}:{digest}"
    assert client_for(people.outsider).get("/c/riverside/audit/?format=head").status_code == 404
    assert client_for(people.officer).get("/c/riverside/audit/?format=head").status_code == 403


def _old_events(apps: Any, councils: list[Council | None]) -> None:
    """Events as the unkeyed chain of migration 0001 stored them (one global chain, SHA-256)."""
    old = importlib.import_module("townsquare.audit.migrations.0003_keyed_council_chains")
    event_model, head_model = apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditChainHead")
    prev = GENESIS
    for seq, council in enumerate(councils, start=1):
        event = event_model(
            seq=seq,
            created_at=timezone.now(),
            council_id=council.pk if council else None,
            actor_label="admin@riverside.example",
            action="council.updated",
            object_type="councils.council",
            object_id=str(seq),
            after={"n": seq},
            prev_hash=prev,
        )
        event.hash = old._old_digest(event, prev)
        event.save()
        prev = event.hash
    head_model.objects.update_or_create(id=1, defaults={"seq": len(councils), "hash": prev})


def test_the_migration_seals_existing_events_again(transactional_db: None) -> None:
    riverside = Council.objects.create(slug="riverside", name="Riverside")
    hillcrest = Council.objects.create(slug="hillcrest", name="Hillcrest")
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_append_only")])
    try:
        apps = executor.loader.project_state([("audit", "0002_append_only")]).apps
        _old_events(apps, [riverside, None, hillcrest, riverside, riverside])
        executor.loader.build_graph()
        executor.migrate([("audit", "0004_chain_seq_unique")])
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    checked, problems = audit_verify_chain()
    assert checked == 5 and problems == []
    assert list(AuditEvent.objects.filter(council=riverside).order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
    assert audit_chain_heads() == {
        chain: (seq, digest)
        for chain, seq, digest in [
            (0, 1, AuditEvent.objects.get(chain=0).hash),
            (hillcrest.pk, 1, AuditEvent.objects.get(chain=hillcrest.pk).hash),
            (riverside.pk, 3, AuditEvent.objects.get(chain=riverside.pk, seq=3).hash),
        ]
    }
    with pytest.raises(DatabaseError):  # append-only again
        AuditEvent.objects.filter(chain=0).update(reason="x")


def test_the_migration_refuses_to_seal_a_tampered_chain(transactional_db: None) -> None:
    riverside = Council.objects.create(slug="riverside", name="Riverside")
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_append_only")])
    try:
        apps = executor.loader.project_state([("audit", "0002_append_only")]).apps
        _old_events(apps, [riverside, riverside, riverside])
        _drop_guard()
        apps.get_model("audit", "AuditEvent").objects.filter(seq=2).update(reason="edited")
        executor.loader.build_graph()
        with pytest.raises(RuntimeError, match="Audit event 2 does not match its hash"):
            executor.migrate([("audit", "0004_chain_seq_unique")])
        assert apps.get_model("audit", "AuditEvent").objects.get(seq=2).reason == "edited"  # nothing laundered
        _drop_guard()
        apps.get_model("audit", "AuditEvent").objects.all().delete()
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
