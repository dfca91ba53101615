"""Bluesky post search against the reference network from @atproto/dev-env (PDS and AppView): public posts
that do not mention the council are found by a listening query, stored once, and resumed from a cursor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.connectors.test_bluesky import make_account
from tests.connectors.test_bluesky_network import eventually
from townsquare.channels.models import Channel
from townsquare.connectors.services import connection_connect_with_secret
from townsquare.inbox.models import ReceivedItem
from townsquare.listening.models import ListeningMatch, SearchCursor
from townsquare.listening.services import listening_query_save
from townsquare.listening.sources import search_all

pytestmark = pytest.mark.slow


def test_bluesky_search_finds_posts_that_do_not_mention_the_council(bluesky_network, riverside, people) -> None:
    pds = bluesky_network["pds"]
    council, app_password = make_account(pds, "riverside")
    resident, _ = make_account(pds, "resident")
    channel = Channel.objects.create(council=riverside, platform="bluesky", name="Riverside", handle="@riverside")
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=council._session.handle, secret=app_password, base_url=pds
    )
    query = listening_query_save(actor=people.comms, council=riverside, name="Floods", text='"brook lane" AND flood*')
    did = resident._session.did
    # The reference AppView searches with a case-sensitive LIKE (Bluesky's own search ignores case), and
    # the terms asked for are the query's, case-folded: these residents write in lower case.
    first = resident.send_post("brook lane is flooded again this morning", profile_identify=did).uri
    resident.send_post("the brook lane bakery has reopened", profile_identify=did)  # found by the search, not matched

    def stored(*uris: str) -> Callable[[], bool]:
        def check() -> bool:
            search_all()
            return ReceivedItem.objects.filter(channel=channel, external_id__in=uris).count() == len(uris)

        return check

    assert eventually(stored(first))
    item = ReceivedItem.objects.get(external_id=first)
    assert item.kind == "public_post" and item.author_handle == f"@{resident._session.handle}"
    assert list(ListeningMatch.objects.filter(query=query).values_list("item__external_id", flat=True)) == [first]
    cursor = SearchCursor.objects.get(query=query, channel=channel).cursors["brook lane"]
    assert cursor

    later = resident.send_post("sandbags needed on brook lane, flooding by the bridge", profile_identify=did).uri
    assert eventually(stored(later))
    assert SearchCursor.objects.get(query=query).cursors["brook lane"] > cursor
    assert ReceivedItem.objects.filter(channel=channel, external_id=first).count() == 1
    assert ListeningMatch.objects.filter(query=query).count() == 2
