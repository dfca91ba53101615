"""Spike alerts: for each query and account, the last hour's volume against its usual level.

The usual level is read from the same hour on each of the previous ``DAYS`` days and the ``HOURS``
hours before the last one. An hour is a spike when its volume reaches the floor (so a quiet topic
does not alert on three messages) and stands more than the query's sensitivity times the spread above
the usual volume. The spread is never taken below the square root of the usual volume: counts of
messages vary that much by chance, and a flat history must not make one extra message a spike.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from townsquare.listening.alerting import listening_alert_raise
from townsquare.listening.models import ListeningMatch, ListeningQuery

DAYS = 7
HOURS = 12
TOP_PHRASES = 5
WORD = re.compile(r"[#@]?[\w'’-]{3,}")
STOP_WORDS = (
    "the and for are but not you your with this that have has was were they them their our from what when "
    "there here about just been will would could should can't don't it's i'm again still why how who all "
    "any out get got one off very too now on in at of to is it be as by an or so if my me we us"
)
STOP = frozenset(STOP_WORDS.split())


@dataclass(frozen=True)
class Spike:
    volume: int
    usual: float
    spread: float
    threshold: float


def spike_test(volume: int, baseline: Sequence[int], *, sensitivity: float, floor: int) -> Spike | None:
    """A spike when ``volume`` reaches ``floor`` and exceeds the baseline's mean by ``sensitivity`` spreads."""
    if volume < floor or not baseline:
        return None
    usual = statistics.fmean(baseline)
    spread = max(statistics.pstdev(baseline), math.sqrt(max(usual, 1.0)))
    threshold = usual + sensitivity * spread
    return Spike(volume, usual, spread, threshold) if volume > threshold else None


def windows(now: dt.datetime) -> tuple[tuple[dt.datetime, dt.datetime], list[tuple[dt.datetime, dt.datetime]]]:
    """The last hour, and the baseline's hours (the same hour on previous days, then the hours before)."""
    hour = dt.timedelta(hours=1)
    current = (now - hour, now)
    days = [(now - hour - dt.timedelta(days=d), now - dt.timedelta(days=d)) for d in range(1, DAYS + 1)]
    recent = [(now - hour * (h + 1), now - hour * h) for h in range(1, HOURS + 1)]
    return current, days + recent


def _counts(start: dt.datetime, end: dt.datetime) -> dict[tuple[int, int], int]:
    rows = (
        ListeningMatch.objects.filter(at__gte=start, at__lt=end, query__active=True)
        .values_list("query_id", "channel_id")
        .annotate(n=Count("pk"))
    )
    return {(q, c): n for q, c, n in rows}


def top_phrases(texts: Sequence[str], n: int = TOP_PHRASES) -> list[str]:
    """The words and two-word phrases said most often (common words left out)."""
    counted: Counter[str] = Counter()
    for text in texts:
        words = [w.lower().strip("'’-") for w in WORD.findall(text)]
        words = [w for w in words if w and w not in STOP]
        counted.update(set(words))
        counted.update({f"{a} {b}" for a, b in itertools.pairwise(words)})
    # A phrase said as often as its words says more than either word alone.
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], -len(kv[0].split()), kv[0]))
    return [phrase for phrase, count in ranked if count > 1][:n] or [p for p, _ in ranked[:n]]


def spikes_find(*, now: dt.datetime | None = None) -> int:
    """Raise an alert for every query and account whose last hour is a spike; returns how many were raised."""
    now = now or timezone.now()
    floor = int(getattr(settings, "LISTENING_SPIKE_FLOOR", 10))
    current_window, baseline_windows = windows(now)
    current = {key: n for key, n in _counts(*current_window).items() if n >= floor}
    if not current:
        return 0
    baselines = [_counts(*w) for w in baseline_windows]
    queries = ListeningQuery.objects.select_related("council").in_bulk({q for q, _ in current})
    raised = 0
    for (query_id, channel_id), volume in sorted(current.items()):
        query = queries.get(query_id)
        if query is None:
            continue
        baseline = [counts.get((query_id, channel_id), 0) for counts in baselines]
        spike = spike_test(volume, baseline, sensitivity=query.sensitivity, floor=floor)
        if spike is not None and _raise(query, channel_id, spike, current_window, now):
            raised += 1
    return raised


def _raise(
    query: ListeningQuery, channel_id: int, spike: Spike, window: tuple[dt.datetime, dt.datetime], now: dt.datetime
) -> bool:
    matches = ListeningMatch.objects.filter(query=query, channel_id=channel_id, at__gte=window[0], at__lt=window[1])
    texts = list(matches.values_list("item__text", flat=True)[:500])
    channel = matches.values_list("channel__name", flat=True).first() or ""
    phrases = top_phrases(texts)
    params = urlencode({"listening": query.pk, "channel": channel_id, "since": window[0].date().isoformat()})
    url = reverse("inbox:inbox", args=[query.council.slug]) + "?" + params
    usual = round(spike.usual, 1)
    alert = listening_alert_raise(
        council=query.council,
        kind="spike",
        key=f"spike:{query.pk}:{channel_id}:{now:%Y-%m-%dT%H}",
        title=f"Spike in “{query.name}” on {channel}: {spike.volume} messages in the last hour",
        summary=(
            f"{spike.volume} messages matched “{query.name}” on {channel} in the last hour; "
            f"usually about {usual}. Most said: {', '.join(phrases) or 'nothing in common'}."
        ),
        url=url,
        facts={
            "query": query.name,
            "channel": channel,
            "volume": spike.volume,
            "usual": usual,
            "threshold": round(spike.threshold, 1),
            "top_phrases": phrases,
        },
    )
    return alert is not None


def spikes_job(job: object) -> None:
    """The scheduled look for spikes (idempotent: one alert per query, account and hour)."""
    with transaction.atomic():
        spikes_find()
