"""The out-of-hours auto-reply against a real Mastodon server: approved text, once per resident per day,
sent by the dispatch in the thread; nothing in working hours."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.publishing.conftest import mastodon  # noqa: F401  (the session's server)
from townsquare.inbox.auto_reply import auto_reply_set
from townsquare.inbox.models import AutoReply, AutoReplySent, InboxReply, ReceivedItem
from townsquare.inbox.working_time_models import ClosureDay, WorkingPeriod
from townsquare.publishing.dispatch import send

from .replying import council_statuses, ingest, resident_says
from .test_replies import toot  # noqa: F401

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def closed_today(riverside):
    return ClosureDay.objects.create(council=riverside, day=timezone.now().astimezone(LONDON).date(), reason="Test")


def test_out_of_hours_a_resident_gets_the_auto_reply_once_a_day(toot, people, mastodon, closed_today) -> None:  # noqa: F811
    marker = uuid.uuid4().hex[:6]
    auto_reply_set(
        actor=people.comms, channel=toot, text=f"We are closed now and will answer soon {marker}", enabled=True
    )
    first = ingest(toot, resident_says(mastodon.url, "Is the tip open?"))
    second = ingest(toot, resident_says(mastodon.url, "Hello?"))
    assert send.due_dispatch(worker="t:1") == {"published": 1}
    assert send.due_dispatch(worker="t:2") == {}
    sent = [s for s in council_statuses(mastodon.url) if marker in str(s["content"])]
    assert len(sent) == 1 and str(sent[0]["in_reply_to_id"]) == first.external_id
    assert InboxReply.objects.get(kind=InboxReply.Kind.AUTO).item == first
    assert AutoReplySent.objects.count() == 1 and not InboxReply.objects.filter(item=second).exists()
    first.refresh_from_db()
    assert first.status == ReceivedItem.Status.NEW  # an acknowledgement is not an answer


def test_in_working_hours_nothing_is_sent(toot, people, mastodon, riverside) -> None:  # noqa: F811
    for weekday in range(7):
        WorkingPeriod.objects.create(council=riverside, weekday=weekday, starts=dt.time(0), ends=dt.time(23, 59, 59))
    auto_reply_set(actor=people.comms, channel=toot, text="We are closed now", enabled=True)
    ingest(toot, resident_says(mastodon.url, f"Open? {uuid.uuid4().hex[:4]}"))
    if timezone.now().astimezone(LONDON).time() >= dt.time(23, 59, 59):
        pytest.skip("the last second of the day is outside these hours")
    assert not InboxReply.objects.exists() and send.due_dispatch(worker="t:1") == {}


def test_the_text_is_checked_and_only_the_comms_team_sets_it(toot, people, client_for) -> None:  # noqa: F811
    with pytest.raises(ValidationError, match="home address"):
        auto_reply_set(actor=people.comms, channel=toot, text="Come to 10 Mill Lane", enabled=True)
    with pytest.raises(PermissionDenied):
        auto_reply_set(actor=people.officer, channel=toot, text="Closed", enabled=True)
    assert not AutoReply.objects.exists()
    url = "/c/riverside/inbox/auto-replies/"
    assert (
        client_for(people.comms).post(url, {"channel": toot.pk, "text": "Closed now", "enabled": "1"}).status_code
        == 302
    )
    assert AutoReply.objects.get().approved_by == people.comms
    assert "Closed now" in client_for(people.officer).get(url).content.decode()
    assert client_for(people.officer).post(url, {"channel": toot.pk, "text": "x"}).status_code == 403
    assert AutoReply.objects.get().text == "Closed now"
    assert client_for(people.auditor).get(url).status_code == 403
    assert client_for(people.outsider).get(url).status_code == 404
