"""Spike detection: the rule on its own, then on a synthetic hour of matches against a week of history."""

from __future__ import annotations

import datetime as dt

from townsquare.channels.models import Channel
from townsquare.inbox.models import ReceivedItem
from townsquare.listening.models import ListeningAlert, ListeningMatch
from townsquare.listening.services import listening_query_save
from townsquare.listening.spikes import spike_test, spikes_find, top_phrases, windows

NOW = dt.datetime(2026, 12, 6, 18, 30, tzinfo=dt.UTC)


def test_the_rule_needs_the_floor_and_a_rise_beyond_the_spread() -> None:
    assert spike_test(30, [2] * 19, sensitivity=3, floor=10) is not None
    assert spike_test(9, [0] * 19, sensitivity=3, floor=10) is None  # a quiet topic: below the floor
    assert spike_test(30, [25, 35] * 9, sensitivity=3, floor=10) is None  # busy as usual
    assert spike_test(11, [5] * 19, sensitivity=3, floor=10) is None  # 5 + 3 * sqrt(5) = 11.7: not quite
    assert spike_test(11, [5] * 19, sensitivity=2, floor=10) is not None  # but a sensitive query alerts
    spike = spike_test(40, [4, 6] * 9, sensitivity=3, floor=10)
    assert spike is not None and spike.usual == 5 and round(spike.threshold, 2) == round(5 + 3 * 5**0.5, 2)


def test_windows_are_the_same_hour_on_previous_days_and_the_hours_before() -> None:
    current, baseline = windows(NOW)
    assert current == (NOW - dt.timedelta(hours=1), NOW)
    assert baseline[0] == (NOW - dt.timedelta(days=1, hours=1), NOW - dt.timedelta(days=1))
    assert len(baseline) == 7 + 12 and baseline[-1] == (NOW - dt.timedelta(hours=13), NOW - dt.timedelta(hours=12))


def test_top_phrases_prefer_what_is_said_together() -> None:
    texts = ["Bin lorry blocked Mill Lane", "the bin lorry is late", "Bin lorry again!", "Park was lovely"]
    assert top_phrases(texts)[:3] == ["bin lorry", "bin", "lorry"]


def _said(channel: Channel, query_id: int, at: dt.datetime, text: str, n: int) -> None:
    item = ReceivedItem.objects.create(
        council=channel.council, channel=channel, external_id=f"s{n}", text=text, created_at=at
    )
    ListeningMatch.objects.create(council=channel.council, query_id=query_id, item=item, channel=channel, at=at)


def test_a_synthetic_hour_alerts_once_naming_the_query_volumes_and_phrases(riverside, people, channel) -> None:
    bins = listening_query_save(actor=None, council=riverside, name="Bins", text="bin*")
    quiet = listening_query_save(actor=None, council=riverside, name="Parks", text="park*")
    n = 0
    for hour in range(1, 8 * 24 + 1):  # the usual: two an hour, every hour of the week before
        for k in range(2):
            n += 1
            _said(channel, bins.pk, NOW - dt.timedelta(hours=hour, minutes=10 + k), "bin day", n)
    for minute in range(25):  # the hour in question: 25 messages, most about one lorry
        n += 1
        text = "The bin lorry crashed on Mill Lane" if minute % 5 else "bins not collected"
        _said(channel, bins.pk, NOW - dt.timedelta(minutes=minute + 1), text, n)
    for minute in range(4):  # a quiet topic's own rise, from nothing to four: under the floor
        n += 1
        _said(channel, quiet.pk, NOW - dt.timedelta(minutes=minute + 1), "park gates locked", n)
    assert spikes_find(now=NOW) == 1
    alert = ListeningAlert.objects.get()
    assert alert.kind == "spike" and "Bins" in alert.title and "25 messages" in alert.title
    assert alert.facts["volume"] == 25 and alert.facts["usual"] == 2.0 and alert.facts["channel"] == "Riverside Waste"
    assert (
        alert.facts["top_phrases"][0] in ("bin lorry", "lorry crashed", "mill lane")
        and "usually about 2.0" in alert.summary
    )
    assert alert.url == f"/c/riverside/inbox/?listening={bins.pk}&channel={channel.pk}&since=2026-12-06"
    assert spikes_find(now=NOW + dt.timedelta(minutes=10)) == 0  # the same hour: not again
    assert ListeningAlert.objects.count() == 1
