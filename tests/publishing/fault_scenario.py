"""The fault test's data, made and read inside ``manage.py shell`` against the test's own database file.

The worker under test is a separate process (``manage.py run_worker``), so the data must live in a
database it can open: a SQLite file of the test's own, not pytest-django's in-memory database.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.connectors.base import AccountInfo, Credentials
from townsquare.connectors.services import connection_connect
from townsquare.councils.models import Council
from townsquare.councils.services import membership_grant
from townsquare.jobs.models import Job
from townsquare.publishing.models import PostTarget, PublishAttempt
from townsquare.publishing.services import post_approve, post_create_draft, post_submit


def setup(*, posts: int, accounts: int, server: str, run: str) -> None:
    council = Council.objects.create(slug="faults", name="Fault Test Council")
    author = User.objects.create_user("author@faults.example", None, full_name="Author")
    approver = User.objects.create_user("approver@faults.example", None, full_name="Approver")
    membership_grant(actor=None, council=council, user=author, role="officer")
    membership_grant(actor=None, council=council, user=approver, role="comms")
    channels = []
    for n in range(accounts):
        channel = Channel.objects.create(
            council=council, platform="mastodon", name=f"Account {n}", handle=f"@council{n}"
        )
        channel.assignees.add(author)
        connection_connect(
            actor=None,
            channel=channel,
            credentials=Credentials({"access_token": f"token{n}"}),
            account=AccountInfo(external_id=str(n), handle=f"@council{n}"),
            base_url=server,
        )
        channels.append(channel)
    slot = timezone.now() + dt.timedelta(minutes=5)
    for i in range(posts):
        post = post_create_draft(
            author=author,
            council=council,
            text=f"Fault test post {i:03d} {run}",
            channels=[channels[i % accounts]],
            scheduled_for=slot,
        )
        post_submit(actor=author, post=post)
        post_approve(actor=approver, post=post)
    # Time passes: everything is due now.
    now = timezone.now()
    PostTarget.objects.update(due_at=now)
    Job.objects.filter(kind="publishing.dispatch").update(run_after=now)


def report() -> None:
    """One JSON line: each target's status, error and attempts, keyed by its post's text."""
    rows = {}
    for target in PostTarget.objects.select_related("post", "channel"):
        rows[target.post.text] = {
            "status": target.status,
            "error": target.last_error,
            "account": target.channel.handle.lstrip("@"),
            "attempts": list(PublishAttempt.objects.filter(target=target).values_list("outcome", flat=True)),
        }
    print("REPORT " + json.dumps(rows))
