"""Compiled policies, one per council, kept in each process and rebuilt when a setting changes.

A change made in this process drops the entry at once (``invalidate``). Other processes (gunicorn
workers, Celery) notice through ``RulesRevision``: an entry older than ``POLICY_CACHE_SECONDS``
(default 2) re-reads the council's version number, one indexed query, and rebuilds if it moved.
So a check costs no query at all most of the time, and a change reaches every process within
seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from townsquare.policy.catalogue import ListKind
from townsquare.policy.compiled import CompiledElection, CompiledPolicy, CompiledReferendum, compile_policy
from townsquare.policy.defaults import default_words, parse_words
from townsquare.policy.models import ChannelArea, Election, Referendum, RuleSetting, RulesRevision, WordList

if TYPE_CHECKING:
    from townsquare.councils.models import Council

LONDON = ZoneInfo("Europe/London")
CLOSE_OF_POLL = dt.time(22, 0)  # polls close at 10pm (Representation of the People Act rules)

_lock = threading.Lock()
_entries: dict[tuple[int, dt.datetime | None], tuple[int, float, CompiledPolicy]] = {}


def window_of(election: Election) -> tuple[dt.datetime, dt.datetime]:
    """From the start of the notice day to the close of poll, in Europe/London (BST or GMT)."""
    starts = dt.datetime.combine(election.notice_date, dt.time(0, 0), tzinfo=LONDON)
    ends = dt.datetime.combine(election.poll_date, CLOSE_OF_POLL, tzinfo=LONDON)
    return starts, ends


def referendum_period_of(referendum: Referendum) -> tuple[dt.datetime, dt.datetime]:
    """The 28 days ending with polling day (PPERA 2000 s.125(4)), whole days in Europe/London."""
    starts = dt.datetime.combine(referendum.period_starts_on, dt.time(0, 0), tzinfo=LONDON)
    ends = dt.datetime.combine(referendum.poll_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)
    return starts, ends


def _key(council: Council) -> tuple[int, dt.datetime | None]:
    # The creation time too: test databases (and restores) reuse ids for different councils.
    return council.pk, council.created_at


def _version(council: Council) -> int:
    return RulesRevision.objects.filter(council=council).values_list("version", flat=True).first() or 0


def council_words(council: Council) -> list[str]:
    """Words from the council's own name and slug, so #riversidebins splits as well."""
    return [w for w in (council.name + " " + council.slug.replace("-", " ")).lower().split() if len(w) > 2]


def build(council: Council) -> CompiledPolicy:
    settings_map = {
        rule: (enabled, severity)
        for rule, enabled, severity in RuleSetting.objects.filter(council=council).values_list(
            "rule", "enabled", "severity"
        )
    }
    stored = dict(WordList.objects.filter(council=council).values_list("kind", "words"))
    words = {kind: parse_words(stored[kind]) if kind in stored else default_words(kind) for kind in ListKind.values}
    elections = []
    for election in Election.objects.filter(council=council):
        starts, ends = window_of(election)
        candidates = tuple(p.strip() for line in election.candidates.splitlines() for p in line.split(",") if p.strip())
        elections.append(
            CompiledElection(
                election.pk,
                election.title,
                election.area,
                starts,
                ends,
                candidates,
                scoped=election.scoped,
                places=tuple(election.places),
            )
        )
    referendums = []
    for referendum in Referendum.objects.filter(council=council):
        starts, ends = referendum_period_of(referendum)
        referendums.append(
            CompiledReferendum(
                referendum.pk,
                referendum.question,
                referendum.poll_date,
                starts,
                ends,
                scoped=referendum.scoped,
                places=tuple(referendum.places),
            )
        )
    channel_places = {area.channel_id: area.ward_list for area in ChannelArea.objects.filter(council=council)}
    return compile_policy(
        settings=settings_map,
        words=words,
        elections=elections,
        council_words=council_words(council),
        referendums=referendums,
        channel_places=channel_places,
    )


def compiled_policy(council: Council) -> CompiledPolicy:
    key = _key(council)
    ttl = float(getattr(settings, "POLICY_CACHE_SECONDS", 2.0))
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[1] < ttl:
        return entry[2]
    version = _version(council)
    if entry is not None and entry[0] == version:
        with _lock:
            _entries[key] = (version, now, entry[2])
        return entry[2]
    policy = build(council)
    with _lock:
        _entries[key] = (version, now, policy)
    return policy


def invalidate(council: Council) -> None:
    with _lock:
        _entries.pop(_key(council), None)
