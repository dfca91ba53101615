"""The archive's chain: it verifies, and any change made behind the services' back is found."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.archive.factories import capture
from townsquare.archive.chain import verify
from townsquare.archive.models import ArchiveChainHead, ArchiveRecord, ArchiveVersion
from townsquare.archive.services import archive_capture, archive_edit_seen
from townsquare.channels.models import Channel

pytestmark = pytest.mark.django_db


def archived_three(channel: Channel) -> list[ArchiveRecord]:
    records = archive_capture(captures=[capture(channel, n, f"Post {n}") for n in range(3)])
    archive_edit_seen(record=records[0], text="Post 0, corrected")
    return records


def test_an_untouched_archive_verifies(channel: Channel) -> None:
    archived_three(channel)
    assert verify() == (4, [])
    call_command("archive_verify", "--council", "riverside")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: ArchiveVersion.objects.filter(record=r[1]).update(text="Something else"),
        lambda r: ArchiveRecord.objects.filter(pk=r[2].pk).update(author="Someone else"),
        lambda r: ArchiveVersion.objects.filter(record=r[1]).delete(),
        lambda r: (
            ArchiveVersion.objects.filter(record=r[0], n=2).delete(),
            ArchiveChainHead.objects.update(seq=3, hash=ArchiveVersion.objects.get(seq=3).hash),
        ),
    ],
    ids=["text changed", "author changed", "version removed", "newest removed with the head rewound"],
)
def test_tampering_is_found(channel: Channel, tamper) -> None:  # type: ignore[no-untyped-def]
    records = archived_three(channel)
    tamper(records)
    _checked, problems = verify()
    assert problems
    with pytest.raises(CommandError, match="does not verify"):
        call_command("archive_verify")
