from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from django.utils import timezone

from townsquare.audit.models import AuditEvent
from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.listening import cache
from townsquare.listening.models import ListeningQuery
from townsquare.listening.query import QuerySyntaxError, parse
from townsquare.listening.selectors import listening_match, try_query
from townsquare.listening.services import listening_query_delete, listening_query_save


def save(council: Council, actor, name: str, text: str, **kw) -> ListeningQuery:
    return listening_query_save(actor=actor, council=council, name=name, text=text, owner=actor, **kw)


def test_save_is_audited_and_a_bad_query_saves_nothing(riverside: Council, people: SimpleNamespace) -> None:
    query = save(riverside, people.comms, "Bins", "bin* NEAR/3 missed")
    assert AuditEvent.objects.filter(action="listening.query_created", object_id=str(query.pk)).exists()
    with pytest.raises(QuerySyntaxError):
        listening_query_save(
            actor=people.comms, council=riverside, query=query, name="Bins", text="bin AND", owner=people.comms
        )
    query.refresh_from_db()
    assert query.query == "bin* NEAR/3 missed"
    assert not AuditEvent.objects.filter(action="listening.query_updated").exists()
    listening_query_delete(actor=people.comms, council=riverside, query=query)
    assert not ListeningQuery.objects.exists()
    assert AuditEvent.objects.filter(action="listening.query_deleted").exists()


def test_another_councils_account_is_refused(
    riverside: Council, people: SimpleNamespace, hillcrest_channel: Channel
) -> None:
    with pytest.raises(ValueError, match="not this council's"):
        save(riverside, people.comms, "Bins", "bin", channels=[hillcrest_channel])
    assert not ListeningQuery.objects.exists()


def test_listening_match_returns_query_ids_per_text(
    riverside: Council, hillcrest: Council, people: SimpleNamespace
) -> None:
    bins = save(riverside, people.comms, "Bins", "bin OR bins")
    roads = save(riverside, people.comms, "Roads", "pothole* NOT fixed")
    save(riverside, people.comms, "Paused", "bin", active=False)
    listening_query_save(actor=None, council=hillcrest, name="Their bins", text="bin")
    assert listening_match(riverside.pk, ["my bin", "potholes again and my bins", "pothole fixed", ""]) == [
        [bins.pk],
        sorted([bins.pk, roads.pk]),
        [],
        [],
    ]


def test_platforms_and_channels_limit_a_query(riverside: Council, people: SimpleNamespace, channel: Channel) -> None:
    x = Channel.objects.create(council=riverside, platform="x", name="Riverside on X", handle="@RiversideDC")
    on_x = save(riverside, people.comms, "On X", "bin", platforms=["x"])
    on_waste = save(riverside, people.comms, "Waste account", "bin", channels=[channel])
    everywhere = save(riverside, people.comms, "Everywhere", "bin")
    texts = ["bin", "bin", "bin"]
    assert listening_match(riverside.pk, texts, [x.pk, channel.pk, None]) == [
        [on_x.pk, everywhere.pk],
        [on_waste.pk, everywhere.pk],
        [everywhere.pk],
    ]


def test_a_change_is_compiled_in_the_background_and_swapped_in(
    riverside: Council, people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save(riverside, people.comms, "Bins", "bin")
    before = cache.compiled_for(riverside.pk)
    assert listening_match(riverside.pk, ["bin day"]) == [[first.pk]]
    release = threading.Event()
    real_compile = cache._compile

    def slow_compile(rows):
        assert release.wait(10)
        return real_compile(rows)

    monkeypatch.setattr(cache, "_compile", slow_compile)
    second = save(riverside, people.comms, "Days", "day")
    # While the new set is being built, messages are matched against the old one, whole.
    assert cache.compiled_for(riverside.pk) is before
    assert listening_match(riverside.pk, ["bin day"]) == [[first.pk]]
    release.set()
    cache.wait_for_builds()
    assert listening_match(riverside.pk, ["bin day"]) == [[first.pk, second.pk]]
    assert before.match_set.match("bin day") == [first.pk], "a built set never changes"


def test_a_council_seen_first_is_compiled_before_its_first_match(riverside: Council, people: SimpleNamespace) -> None:
    query = save(riverside, people.comms, "Bins", "bin")
    assert listening_match(riverside.pk, ["bin"]) == [[query.pk]]


def test_try_it_looks_at_the_last_30_days_only(riverside: Council, receive) -> None:
    receive("My bin was missed again")
    receive("Binding agreement")
    old = receive("bin missed in March")
    type(old).objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=31))
    result = try_query(council=riverside, tree=parse("bin"))
    assert result.looked_at == 2 and result.caught_count == 1
    assert [i.text for i in result.caught] == ["My bin was missed again"]
    assert try_query(council=riverside, tree=parse("bin"), platforms=["x"]).looked_at == 0
