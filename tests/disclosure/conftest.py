"""Archived records about the leisure centre for the register's tests: a post (later edited), a
resident's reply naming people, and a deleted post; plus one record about something else."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import Capture, archive_capture, archive_deletion_seen, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.councils.models import Council


@pytest.fixture
def archived(riverside: Council, channel: Channel) -> SimpleNamespace:
    when = timezone.now() - dt.timedelta(days=3)

    def capture(source: str, kind: str, text: str, author: str) -> ArchiveRecord:
        made = archive_capture(
            captures=[
                Capture(
                    council_id=riverside.pk,
                    source=source,
                    kind=kind,
                    occurred_at=when,
                    text=text,
                    channel_id=channel.pk,
                    platform="facebook",
                    external_id=source,
                    author=author,
                    url=f"https://facebook.example/{source}",
                )
            ]
        )
        return made[0]

    post = capture("post:1", "post", "The leisure centre closes on 31 March for repairs.", "RiversideBins")
    archive_edit_seen(record=post, text="The leisure centre closes on 31 March for roof repairs.")
    reply = capture(
        "item:1",
        "received",
        "Jane Hughes told me the leisure centre pool is shut. Call me on 07700 900123 or email jane@example.com, "
        "I live at 12 Mill Lane, RV1 2AB.",
        "@janeh",
    )
    deleted = capture("post:2", "post", "Leisure centre consultation: tell us what you think.", "RiversideBins")
    archive_deletion_seen(record=deleted, how="seen missing on the platform")
    other = capture("post:3", "post", "Bins are collected on Tuesday this week.", "RiversideBins")
    return SimpleNamespace(post=post, reply=reply, deleted=deleted, other=other)
