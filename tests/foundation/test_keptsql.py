"""Values querysets run by SQL compiled once (townsquare/keptsql.py): the rows the ORM gives, converted as it
converts them, read afresh each time; the queryset built only the first time a key is met."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from townsquare import keptsql
from townsquare.jobs.models import Job

pytestmark = pytest.mark.django_db


def _jobs(kind: str) -> QuerySet[Job]:
    return Job.objects.filter(kind=kind).values("pk", "kind", "payload", "run_after", "locked_at").order_by("-pk")[:5]


def test_the_rows_are_those_the_orm_gives_and_read_afresh() -> None:
    at = timezone.now().replace(microsecond=250000)
    Job.objects.create(kind="kept.test", payload={"items": [1, 2], "say": "é"}, run_after=at)
    Job.objects.create(kind="kept.test", payload={}, run_after=at - dt.timedelta(days=400))
    build = mock.Mock(side_effect=lambda: _jobs("kept.test"))
    first = keptsql.kept_values(Job, ("jobs", "kept.test"), build)
    assert first == list(_jobs("kept.test"))
    assert first[1]["payload"] == {"items": [1, 2], "say": "é"} and first[1]["run_after"] == at
    assert first[1]["run_after"].tzinfo is not None and first[0]["locked_at"] is None
    # The same key: the statement kept, the rows read again (a job added meanwhile is there).
    Job.objects.create(kind="kept.test", payload={"n": 3}, run_after=at)
    again = keptsql.kept_values(Job, ("jobs", "kept.test"), build)
    assert build.call_count == 1 and again == list(_jobs("kept.test")) and len(again) == 3


def test_a_query_that_can_match_nothing_is_not_run_and_the_oldest_statements_are_forgotten() -> None:
    empty = keptsql.kept_values(Job, ("none",), lambda: Job.objects.filter(pk__in=[]).values("pk"))
    assert empty == []
    with mock.patch.object(keptsql, "KEEP", 2):
        for kind in ("a", "b", "c"):
            keptsql.kept_values(Job, ("jobs", kind), lambda kind=kind: _jobs(kind))
        assert len(keptsql._kept) == 2 and all(key[-1][-1] in ("b", "c") for key in keptsql._kept)


def test_a_person_by_primary_key_is_the_one_the_orm_loads(people) -> None:
    """``User.objects.get(pk=…)`` (the session's person on every request) reads by a statement compiled once."""
    from townsquare.accounts.models import User

    comms = people.comms
    expected = User.objects.filter(pk=comms.pk).get()  # a copy of the queryset: the queryset's own get
    with mock.patch.object(keptsql, "_compile", wraps=keptsql._compile) as compiled:
        found = User.objects.get(pk=comms.pk)
        again = User.objects.get(pk=people.officer.pk)
    assert compiled.call_count <= 1  # once per process, at most
    assert type(found) is User and found == expected and not found._state.adding and found._state.db == "default"
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert found.date_joined.tzinfo is not None and found.is_active is True
    assert again.email == people.officer.email
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=10**9)
    with mock.patch("townsquare.accounts.models.kept_by_pk") as kept:  # anything else: the queryset's own get
        assert User.objects.get(email=comms.email) == comms
        assert User.objects.filter(is_active=True).get(pk=comms.pk) == comms
        assert User.objects.get(pk=str(comms.pk)) == comms
    assert not kept.called
    with mock.patch("townsquare.accounts.models.kept_by_pk", return_value=comms) as kept:
        assert User.objects.get(pk=comms.pk) is comms and kept.call_args.args == (User, comms.pk)
