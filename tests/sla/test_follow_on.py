"""The ingest queues what follows it (clocks, the request register, auto-replies, the archive) as one job
for the batch; the job's steps each run once however often the job runs, and a failing one flags."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.inbox.following import follow_on_done
from townsquare.archive.models import ArchiveRecord
from townsquare.disclosure.models import InformationRequest
from townsquare.inbox import follow_on
from townsquare.inbox.follow_on import FOLLOW_ON_JOB
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.service_level_models import ItemTarget
from townsquare.inbox.services import inbound_store
from townsquare.jobs.models import Job

FOI = "Under the Freedom of Information Act please send every email about the leisure centre closure"


def test_the_ingest_queues_one_follow_on_job_a_batch_and_its_steps_wait_for_it(accounts, inbound, targets) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("f1", FOI), inbound("f2", "Bins not collected")])
    [job] = Job.objects.filter(kind=FOLLOW_ON_JOB)
    assert job.council_id == accounts.toot.council_id
    assert sorted(job.payload["items"]) == sorted(r.pk for r in new)
    # In the inbox, classified and searchable at once; the follow-on steps not yet run.
    assert ReceivedItem.objects.filter(pk__in=[r.pk for r in new], enriched=True, indexed=True).count() == 2
    assert not ItemTarget.objects.exists()
    assert not InformationRequest.objects.exists()
    assert not ArchiveRecord.objects.filter(source__startswith="inbox.receiveditem:").exists()
    assert follow_on_done() == 1
    assert ItemTarget.objects.filter(item__in=new).count() == 4  # first response and resolution, each
    assert InformationRequest.objects.get().source_item.external_id == "f1"
    assert ArchiveRecord.objects.filter(source__startswith="inbox.receiveditem:").count() == 2
    # A clock starts when the item was received, not when the job ran.
    first = ItemTarget.objects.filter(item=new[1]).order_by("pk").first()
    assert first is not None and first.started_at == ReceivedItem.objects.get(pk=new[1].pk).received_at


def test_running_the_job_again_changes_nothing(accounts, inbound, targets) -> None:
    inbound_store(channel=accounts.toot, items=[inbound("f1", FOI)])
    job = Job.objects.get(kind=FOLLOW_ON_JOB)
    follow_on_done()
    counts = (ItemTarget.objects.count(), InformationRequest.objects.count(), ArchiveRecord.objects.count())
    follow_on.follow_on(job)  # a worker that died after the work and before marking the job done
    assert (ItemTarget.objects.count(), InformationRequest.objects.count(), ArchiveRecord.objects.count()) == counts


def test_a_failing_step_flags_the_items_and_the_others_still_run(accounts, inbound, targets, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the register is down")

    monkeypatch.setattr(follow_on, "open_requests", broken)
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("f1", FOI)])
    follow_on_done()
    item = ReceivedItem.objects.get(pk=new[0].pk)
    assert item.needs_attention and "Opening the information request failed" in item.processing_error
    assert ItemTarget.objects.filter(item=item).exists()
    assert ArchiveRecord.objects.filter(source=f"inbox.receiveditem:{item.pk}").exists()


def test_an_item_deleted_before_the_job_runs_is_left_out(accounts, inbound, targets) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("f1"), inbound("f2")])
    ReceivedItem.objects.filter(pk=new[0].pk).delete()
    assert follow_on_done() == 1
    assert set(ItemTarget.objects.values_list("item_id", flat=True)) == {new[1].pk}


@pytest.mark.parametrize("received", [dt.datetime(2026, 12, 24, 16, tzinfo=dt.UTC)])
def test_the_stored_rows_handed_on_are_the_rows_the_database_holds(accounts, inbound, received) -> None:
    new, _ = inbound_store(channel=accounts.toot, items=[inbound("s1", "Pothole", created_at=received)])
    stored = ReceivedItem.objects.get(pk=new[0].pk)
    for field in ReceivedItem._meta.concrete_fields:
        assert getattr(new[0], field.attname) == getattr(stored, field.attname), field.attname
