"""``sqlrows.create`` writes what ``bulk_create`` writes, with the ids in the order given, and
``sqlrows.instance`` makes what ``Model(...)`` makes."""

from __future__ import annotations

from townsquare import sqlrows
from townsquare.alerts.models import Alert
from townsquare.jobs.models import Job


def test_rows_written_as_bulk_create_writes_them(riverside) -> None:
    made = sqlrows.create(
        [sqlrows.instance(Alert, {"council_id": riverside.pk, "kind": "k", "title": f"T{n}"}) for n in range(3)]
    )
    plain = Alert.objects.bulk_create([Alert(council_id=riverside.pk, kind="k", title=f"T{n}") for n in range(3)])
    assert [a.title for a in Alert.objects.filter(pk__in=[a.pk for a in made]).order_by("pk")] == ["T0", "T1", "T2"]
    for ours, theirs in zip(made, plain, strict=True):
        stored, expected = Alert.objects.get(pk=ours.pk), Alert.objects.get(pk=theirs.pk)
        assert not ours._state.adding and ours._state.db == "default"
        assert stored.facts == expected.facts == [] and stored.summary == expected.summary == ""
        assert stored.created_at is not None and ours.created_at == stored.created_at


def test_an_instance_holds_the_defaults_and_its_own_lists() -> None:
    one, two = (sqlrows.instance(Job, {"kind": "heartbeat"}) for _ in range(2))
    made = Job(kind="heartbeat")
    for field in Job._meta.concrete_fields:
        if field.attname not in ("id", "created_at", "run_after"):
            assert getattr(one, field.attname) == getattr(made, field.attname), field.attname
    assert one.payload is not two.payload  # a fresh dict each
    assert one._state.adding and one.pk is None
