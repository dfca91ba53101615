"""Retention and disposal: what is past its period goes, held records stay, the chain still verifies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from tests.archive.factories import archived
from townsquare.archive.chain import verify
from townsquare.archive.disposal import (
    disposal_preview,
    disposal_run,
    disposal_run_all,
    retention_class_set,
    retention_defaults_apply,
)
from townsquare.archive.models import ArchiveDisposal, ArchiveRecord, LegalHold, RetentionClass
from townsquare.archive.search import ArchiveQuery
from townsquare.archive.selectors import archive_search
from townsquare.archive.services import (
    archive_edit_seen,
    legal_hold_place,
    legal_hold_release,
)
from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

pytestmark = pytest.mark.django_db


def old(channel: Channel, n: int, text: str, *, years: float, kind: str = "received") -> ArchiveRecord:
    return archived(channel, n, text, days_ago=365 * years, kind=kind)


def test_disposal_removes_what_is_past_retention_but_skips_held_records(
    riverside: Council, channel: Channel, people: SimpleNamespace
) -> None:
    retention_defaults_apply(actor=people.auditor, council=riverside)
    gone = old(channel, 1, "Bins were late on Elm Road", years=3)
    archive_edit_seen(record=gone, text="Bins were late on Elm Road again")
    held = old(channel, 2, "The leisure centre closure is a scandal", years=3)
    kept = old(channel, 3, "Bins were late on Oak Road", years=1)
    post = old(channel, 4, "Old post", years=3, kind="post")  # posts are kept 6 years
    legal_hold_place(
        actor=people.auditor,
        council=riverside,
        query=ArchiveQuery(q="leisure centre"),
        reason="FOI request",
        reference="FOI-1",
    )
    [line] = [x for x in disposal_preview(council=riverside) if x.rule.kind == "received"]
    assert (line.due, line.held, line.to_go) == (2, 1, 1)
    assert "Received mentions and comments" in line.reason and ArchiveRecord.objects.count() == 4
    [disposal] = disposal_run(actor=people.auditor, council=riverside)
    assert set(ArchiveRecord.objects.values_list("pk", flat=True)) == {held.pk, kept.pk, post.pk}
    assert (disposal.count, disposal.held_skipped, disposal.kind) == (1, 1, "received")
    event = AuditEvent.objects.get(action="archive.disposed")
    assert event.after["count"] == 1 and "Elm Road" not in str(event.after)
    assert archive_search(council=riverside, user=people.auditor, query=ArchiveQuery(q="Elm")).records == []
    assert verify() == (3, [])  # the removed versions' seals remain as tombstones
    # Released, the held record goes on the next run.
    legal_hold_release(actor=people.auditor, hold=LegalHold.objects.get(), reason="Answered")
    assert disposal_run_all() == 1
    assert not ArchiveRecord.objects.filter(pk=held.pk).exists()
    assert verify()[1] == []


def test_a_channel_rule_overrides_the_councils(riverside: Council, channel: Channel, people: SimpleNamespace) -> None:
    other = Channel.objects.create(council=riverside, platform="x", name="Main", handle="@Riverside")
    retention_class_set(
        actor=people.auditor,
        council=riverside,
        kind="received",
        name="Received",
        retain_days=365,
        legal_basis="Schedule 4.2",
    )
    retention_class_set(
        actor=people.auditor,
        council=riverside,
        kind="received",
        name="Waste received",
        retain_days=3650,
        legal_basis="Schedule 4.3",
        channel=channel,
    )
    old(channel, 1, "on the waste channel", years=2)
    [gone] = [old(other, 2, "on the main channel", years=2)]
    disposal_run(actor=people.auditor, council=riverside)
    assert not ArchiveRecord.objects.filter(pk=gone.pk).exists()
    assert ArchiveRecord.objects.filter(channel=channel).count() == 1
    assert ArchiveDisposal.objects.get().class_label == "Received"


def test_bad_retention_changes_nothing(riverside: Council, hillcrest_channel: Channel, people: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        retention_class_set(
            actor=people.auditor,
            council=riverside,
            kind="gossip",
            name="",
            retain_days=0,
            legal_basis="",
            channel=hillcrest_channel,
        )
    assert len(caught.value.messages) == 5
    assert not RetentionClass.objects.exists()
