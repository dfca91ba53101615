"""Set-based writes (townsquare/sqlrows.py): rows as the ORM would store them, ids read back, conflicts skipped."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from townsquare import sqlrows
from townsquare.jobs.models import Heartbeat, Job
from townsquare.sqlrows import json_text

pytestmark = pytest.mark.django_db


def test_instances_are_inserted_with_their_ids_and_read_back_as_the_orm_stores_them() -> None:
    seen = timezone.now().replace(microsecond=123456)
    beats = [
        Heartbeat(name="w1", kind="worker", last_seen=seen, jobs_done=3),
        Heartbeat(name="w2", kind="worker", last_seen=seen - dt.timedelta(hours=1)),
        Heartbeat(name="s1", kind="scheduler", last_seen=seen),
    ]
    sqlrows.insert_instances(beats, key="name", scope="kind")
    assert all(b.pk and not b._state.adding for b in beats)
    stored = {b.name: b for b in Heartbeat.objects.all()}
    assert {n: b.pk for n, b in stored.items()} == {b.name: b.pk for b in beats}
    assert stored["w1"].last_seen == seen and stored["w1"].jobs_done == 3
    assert stored["w2"].last_seen == seen - dt.timedelta(hours=1)
    # A row already stored is skipped, not an error, and keeps what it held.
    sqlrows.insert(
        Heartbeat, ["name", "kind", "last_seen", "jobs_done"], [("w1", "worker", seen, 99)], skip_conflicts_on="name"
    )
    assert Heartbeat.objects.count() == 3 and Heartbeat.objects.get(name="w1").jobs_done == 3
    beats[0].jobs_done, beats[2].jobs_done = 7, 8
    sqlrows.update(Heartbeat, ["jobs_done"], [beats[0], beats[2]])
    assert dict(Heartbeat.objects.values_list("name", "jobs_done")) == {"w1": 7, "w2": 0, "s1": 8}
    assert sqlrows.ids_by(Heartbeat, "name", ["w1", "s1", "nobody"]) == {"w1": beats[0].pk, "s1": beats[2].pk}


def test_json_values_are_stored_as_json() -> None:
    now = timezone.now()
    payload = {"delivery": 5, "to": ["a", "b"], "nested": {"é": None}}
    names = ["kind", "payload", "status", "run_after", "attempts", "max_attempts", "locked_by", "last_error"]
    sqlrows.insert(Job, [*names, "created_at"], [("k", payload, "queued", now, 0, 3, "", "", now)])
    assert Job.objects.get().payload == payload


@pytest.mark.parametrize(
    "value",
    [{"a": 1, "b": [True, None, 1.5, "é", {"c": ""}]}, {1: "one", None: "none"}, [2**70, -(2**70)], "text", []],
)
def test_json_text_writes_what_json_would(value) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [{"at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}, {"d": dt.date(2026, 1, 1)}, {1, 2}])
def test_json_text_refuses_what_json_refuses(value) -> None:
    with pytest.raises(TypeError):
        json_text(value)
