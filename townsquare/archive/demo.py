"""Demo archive for Riverside: what the demo already holds, archived, plus the leisure centre closure
posts an FOI request would ask for — one edited on the platform after it went out, one deleted — and
residents' replies to them. Retention classes are the defaults; nothing is held yet."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.archive.capture import archive_backfill
from townsquare.archive.disposal import retention_defaults_apply
from townsquare.archive.models import ArchiveRecord
from townsquare.archive.services import Capture, archive_capture, archive_deletion_seen, archive_edit_seen
from townsquare.channels.models import Channel
from townsquare.councils.models import Council

ANNOUNCEMENT = (
    "Riverside Leisure Centre will close on 31 January for six months while the pool roof is replaced. "
    "Swimming lessons move to Hillcrest pool. Details: https://riverside.example/leisure-centre"
)
CORRECTED = ANNOUNCEMENT.replace("six months", "nine months")
WITHDRAWN = "The leisure centre closure is postponed until the consultation ends. More soon."
REPLIES = [
    ("@swimmum", "Nine months without a pool in Riverside? Where are the kids meant to learn to swim?"),
    ("@jdavies", "Will the leisure centre gym stay open during the closure?"),
    ("@riverside_resident", "Postponed or cancelled? Please be clear about the leisure centre."),
]


def archive_demo_load(council: Council, actor: User | None) -> None:
    retention_defaults_apply(actor=actor, council=council)
    archive_backfill(council=council)
    channel = Channel.objects.filter(council=council, platform="facebook").order_by("pk").first()
    if channel is None or ArchiveRecord.objects.filter(council=council, source="demo:leisure-closure-1").exists():
        return
    start = timezone.now() - dt.timedelta(days=21)

    def post(n: int, text: str, at: dt.datetime) -> Capture:
        return Capture(
            council_id=council.pk,
            source=f"demo:leisure-closure-{n}",
            kind="post",
            channel_id=channel.pk,
            platform=channel.platform,
            external_id=f"demo-leisure-{n}",
            author=channel.handle,
            url=f"https://www.facebook.com/{channel.handle}/posts/demo-leisure-{n}",
            thread_key=f"demo-leisure-{n}",
            occurred_at=at,
            text=text,
            metadata={"drafted_by": "comms@riverside.example"},
        )

    announced, withdrawn = archive_capture(
        captures=[post(1, ANNOUNCEMENT, start), post(2, WITHDRAWN, start + dt.timedelta(days=2))]
    )
    archive_capture(
        captures=[
            Capture(
                council_id=council.pk,
                source=f"demo:leisure-reply-{n}",
                kind="received",
                channel_id=channel.pk,
                platform=channel.platform,
                external_id=f"demo-leisure-reply-{n}",
                author=handle,
                thread_key=f"demo-leisure-{1 if n < 2 else 2}",
                text=text,
                occurred_at=start + dt.timedelta(hours=3 + 20 * n),
                metadata={"kind": "comment"},
            )
            for n, (handle, text) in enumerate(REPLIES)
        ]
    )
    archive_edit_seen(
        record=announced, text=CORRECTED, metadata={"seen_on_platform": True}, at=start + dt.timedelta(hours=2)
    )
    archive_deletion_seen(
        record=withdrawn,
        how="Not on the account when its recent posts were read again.",
        at=start + dt.timedelta(days=3),
    )
