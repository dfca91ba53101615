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
