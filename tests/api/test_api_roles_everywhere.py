"""Every API request that changes something for the communications officer changes nothing when a councillor,
the auditor or another council's administrator sends it.

The operations are read from the API's own schema (``/api/openapi.json``), so a new one is covered the
day it is documented. Each gets a body a communications officer would send (``BODIES``) at a real
Riverside record of the demo in the state it needs (a draft to submit, a post awaiting approval to
approve, a published one to edit). Sent by the communications officer in a savepoint rolled back after,
it must change something (an audit event, or a row added or removed): otherwise it proves nothing and
is left out, and too few proven fails the test. Then each other person sends it and must change
nothing, and get no server error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.web.crawl import OUTSIDER, changes_made, signed_in_clients
from townsquare.accounts.models import User
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.inbox.models import ReceivedItem
from townsquare.publishing.models import Post, PostTarget

pytestmark = pytest.mark.sqlite_only  # permissions do not depend on the database

COMMS = "comms@riverside.example"
OTHERS = ("councillor@riverside.example", "auditor@riverside.example", OUTSIDER)
# A councillor acknowledging a policy addressed to councillors is their own business.
THEIR_OWN = ("/acknowledge/",)


def _ids(riverside: Council) -> dict[str, dict[str, int]]:
    """Real records for each operation's path, by the path's template."""
    channel = Channel.objects.filter(council=riverside).order_by("pk").first()
    item = ReceivedItem.objects.filter(council=riverside).order_by("pk").first()
    assert channel is not None and item is not None

    def post_in(*statuses: str) -> int:
        found = Post.objects.filter(council=riverside, status__in=statuses).order_by("pk").first()
        assert found is not None, statuses
        return found.pk

    published = (
        PostTarget.objects.filter(post__council=riverside, status=PostTarget.Status.PUBLISHED)
        .exclude(external_id="")
        .order_by("pk")
        .first()
    )
    waiting = post_in(Post.Status.AWAITING_APPROVAL)
    found = {
        "channels/{id}/": {"id": channel.pk},
        "channels/{id}/connection/": {"id": channel.pk},
        "inbox/{id}/": {"id": item.pk},
        "posts/{id}/submit/": {"id": post_in(Post.Status.DRAFT)},
        "posts/{id}/approve/": {"id": waiting},
        "posts/{id}/reject/": {"id": waiting},
    }
    if published is not None:  # one the platform holds, so it can be changed there
        found["posts/{id}/channels/{target_pk}/"] = {"id": published.post_id, "target_pk": published.pk}
    return found


def _body(path: str, riverside: Council) -> dict[str, Any]:
    channel = Channel.objects.filter(council=riverside).order_by("pk").first()
    comms = User.objects.get(email=COMMS)
    bodies: dict[str, dict[str, Any]] = {
        "/channels/": {"platform": "facebook", "name": "Walk test page", "handle": "walktest", "status": "active"},
        "/channels/{id}/": {"notes": "Checked by the role walk."},
        "/assign/": {"person": comms.pk},
        "/classification/": {"sentiment": "positive"},
        "/reply/": {"text": "Thank you: we have passed this to the team.", "acknowledge_warnings": True},
        "/status/": {"status": "resolved"},
        "/posts/": {"text": "Library opening hours change on Monday.", "channels": [channel.pk if channel else 0]},
        "/approve/": {"acknowledge_warnings": True},
        "/reject/": {"reason": "Please add alt text to the image."},
        "/submit/": {"acknowledge_warnings": True},
        "/edit/": {"text": "Library opening hours change on Tuesday."},
        "/delete/": {"reason": "Posted in error.", "confirm": True},
        "/settle/": {"made": True, "note": "Seen on the page."},
        "/import/": {
            "text": "Recommendation\tProposed action\tTimescale\nReview the accounts\tClose two\tMarch 2027",
            "title": "Walk plan",
        },
    }
    return next((body for end, body in bodies.items() if path.endswith(end)), {})


def test_every_api_change_is_the_communications_officers_alone(demo_councils: dict[str, Council]) -> None:
    clients = signed_in_clients((COMMS, *OTHERS), demo_councils["hillcrest"])
    schema = clients[COMMS].get("/api/openapi.json").json()
    ids = _ids(demo_councils["riverside"])
    proven, wrong = [], []
    for template, operations in schema["paths"].items():
        for method in operations:
            if method.upper() not in ("POST", "PUT", "PATCH", "DELETE") or template.endswith(THEIR_OWN):
                continue
            tail = template.split("{slug}/", 1)[-1]
            values = next((v for key, v in ids.items() if tail.startswith(key)), {})
            try:
                address = template.replace("{slug}", "riverside").format(**values)
            except KeyError:  # no record in the state it needs
                continue
            body = _body(template, demo_councils["riverside"])
            with transaction.atomic():
                _, changed, audited = changes_made(clients[COMMS], method, address, body)
                transaction.set_rollback(True)
            if not (changed or audited):
                continue
            proven.append(f"{method.upper()} {template}")
            for email in OTHERS:
                status, changed, audited = changes_made(clients[email], method, address, body)
                if status >= 500 or changed or audited:
                    wrong.append(f"{email}: {method.upper()} {address} {body}: {status}, {changed}")
    assert not wrong, "\n".join(wrong)
    assert len(proven) >= 10, f"only these changed anything for the communications officer: {proven}"
