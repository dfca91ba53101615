"""X recent search against recorded responses (no local X server exists): found posts stored through the
ingest with the cursor moved, and an access level without search noted on the search, not the account."""

from __future__ import annotations

import pytest

from tests.connectors.replay import replay
from townsquare.channels.models import Channel
from townsquare.connectors.base import Credentials
from townsquare.connectors.crypto import credentials_encrypt
from townsquare.connectors.models import Connection
from townsquare.inbox.models import ReceivedItem
from townsquare.inbox.services import inbound_store
from townsquare.listening.models import ListeningMatch, SearchCursor
from townsquare.listening.services import listening_query_save
from townsquare.listening.sources import query_search

ME = "1500000000000000001"


@pytest.fixture
def x_channel(riverside) -> Channel:
    channel = Channel.objects.create(council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC")
    credentials = Credentials(
        data={"access_token": "x-access-1", "refresh_token": "x-refresh-1", "user_id": ME, "username": "RiversideDC"}
    )
    Connection.objects.create(
        channel=channel, state=Channel.Connection.CONNECTED, credentials_encrypted=credentials_encrypt(credentials)
    )
    return channel


def test_x_recent_search_is_stored_through_the_ingest_and_resumes(monkeypatch, riverside, people, x_channel) -> None:
    query = listening_query_save(actor=people.comms, council=riverside, name="Floods", text='"brook lane" AND flood*')
    with replay(monkeypatch, "x", "search_recent"):
        assert query_search(query=query, channel=x_channel) == 2
        assert query_search(query=query, channel=x_channel) == 0
    items = ReceivedItem.objects.filter(channel=x_channel)
    assert set(items.values_list("kind", flat=True)) == {"public_post"}
    assert list(ListeningMatch.objects.values_list("item__external_id", flat=True)) == ["1890000000000001002"]
    assert SearchCursor.objects.get(query=query).cursors == {"brook lane": "1890000000000001002"}


def test_an_access_level_without_search_is_noted_on_the_search_only(monkeypatch, riverside, people, x_channel) -> None:
    query = listening_query_save(actor=people.comms, council=riverside, name="Roads", text="pothole")
    with replay(monkeypatch, "x", "search_forbidden"):
        assert query_search(query=query, channel=x_channel) == 0
    assert "access level" in SearchCursor.objects.get(query=query).error
    connection = Connection.objects.get(channel=x_channel)
    assert connection.state == Channel.Connection.CONNECTED and not connection.last_error_kind


def test_youtube_comments_on_the_councils_own_videos_are_listened_to(riverside, people) -> None:
    """YouTube offers no search of other people's videos here: its source is the comments on the council's own
    videos, read by the account's inbound poll (recorded responses) and matched as they are stored."""
    from tests.connectors.replay import google_replay
    from tests.connectors.test_youtube import mocked

    channel = Channel.objects.create(council=riverside, platform="youtube", name="Riverside TV", handle="RiversideTV")
    query = listening_query_save(actor=people.comms, council=riverside, name="Tip", text="tip AND open*")
    with google_replay("youtube", "inbound") as http:
        page = mocked(http).fetch_inbound(cursor="2025-03-01T00:00:00+00:00")
    inbound_store(channel=channel, items=page.items)
    assert list(ListeningMatch.objects.filter(query=query).values_list("item__text", flat=True)) == [
        "What time does the tip open?"
    ]
