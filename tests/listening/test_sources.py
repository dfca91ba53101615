"""Listening beyond the council's mentions: search terms from a query, and Mastodon's hashtag timeline and
search (mastodon-mock, a real local server) polled with a cursor, stored through the inbox's ingest."""

from __future__ import annotations

import pytest

from townsquare.channels.models import Channel
from townsquare.connectors.services import connection_connect_with_secret
from townsquare.inbox.models import ReceivedItem
from townsquare.listening.models import ListeningMatch, SearchCursor
from townsquare.listening.query import Atom, Not, Or, parse
from townsquare.listening.services import listening_query_save
from townsquare.listening.sources import search_all, search_terms


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("bin", ["bin"]),
        ('"brook lane" OR #binday OR recycl*', ["brook lane", "#binday", "recycl"]),
        ("library AND (closed OR cuts)", ["library"]),
        ("(closed OR cuts OR hours) AND library", ["library"]),
        ("bin NEAR/3 missed", ["bin"]),
        ("pothole NOT road", ["pothole"]),
        ("(road NOT lane) OR (lane NOT road)", ["road", "lane"]),
    ],
)
def test_search_terms_cover_every_text_the_query_matches(query: str, terms: list[str]) -> None:
    assert search_terms(parse(query)) == terms


def test_a_tree_of_only_not_has_no_search_terms() -> None:
    """Parsing refuses such a query; the terms say so too rather than search for everything."""
    assert search_terms(Not(Atom(("road",)))) is None
    assert search_terms(Or((Atom(("road",)), Not(Atom(("lane",)))))) is None


def _say(mastodon, text: str) -> str:
    answer = mastodon.as_user("resident_token").post(
        f"{mastodon.url}/api/v1/statuses", data={"status": text}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["id"])


def test_mastodon_hashtags_and_search_are_polled_with_a_cursor_and_nothing_is_lost(
    mastodon,
    riverside,
    people,
) -> None:
    channel = Channel.objects.create(council=riverside, platform="mastodon", name="Riverside", handle="@riverside")
    connection_connect_with_secret(
        actor=people.comms, channel=channel, identifier=mastodon.url, secret="riverside_token"
    )
    query = listening_query_save(
        actor=people.comms, council=riverside, name="Bins", text="#binday OR (bin* NEAR/3 missed)"
    )
    first = _say(mastodon, "Orchard Close bin missed again #binday")
    second = _say(mastodon, "The bins were missed on Elm Road")
    _say(mastodon, "Lovely sunset over the river")
    assert search_all() == 2
    items = ReceivedItem.objects.filter(channel=channel)
    assert set(items.values_list("external_id", flat=True)) == {first, second}
    assert set(items.values_list("kind", flat=True)) == {"public_post"}
    assert ListeningMatch.objects.filter(query=query).count() == 2
    cursors = SearchCursor.objects.get(query=query, channel=channel).cursors
    assert set(cursors) == {"#binday", "bin"} and cursors["bin"] == second

    assert search_all() == 0  # nothing new
    mastodon.fault(path="/api/v2/search", effect={"status": 503})
    mastodon.fault(path="/api/v1/timelines/tag/binday", effect={"status": 503})
    meanwhile = _say(mastodon, "Green bin missed on Mill Lane #binday")
    assert search_all() == 0
    assert SearchCursor.objects.get(query=query).error  # recorded, in plain words
    assert SearchCursor.objects.get(query=query).cursors == cursors  # unmoved while failing
    mastodon.clear_faults()
    assert search_all() == 1
    assert items.filter(external_id=meanwhile).exists() and not SearchCursor.objects.get(query=query).error
