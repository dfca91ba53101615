"""Each council's compiled listening set, kept in each process and recompiled in the background.

Like townsquare/policy/cache.py: an entry older than ``LISTENING_CACHE_SECONDS`` (default 2)
re-reads the council's ``ListeningRevision`` (one indexed query). When it has moved, the queries
are read at once and compiled on a background thread while messages go on being matched against
the set already built; the finished set then replaces the reference in one assignment. So a
message is never matched against a half-built set, and a change reaches every process within
seconds. A council seen for the first time is compiled before its first match.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from townsquare.channels.models import Channel
from townsquare.councils.models import Council
from townsquare.listening.matcher import MatchSet, compile_queries
from townsquare.listening.models import ListeningQuery
from townsquare.listening.query import QuerySyntaxError, parse

Version = tuple[dt.datetime | None, int]  # the council's creation time too: test databases reuse ids


@dataclass(frozen=True)
class Scope:
    platforms: frozenset[str]
    channel_ids: frozenset[int]


@dataclass(frozen=True)
class Compiled:
    version: Version
    match_set: MatchSet
    scopes: dict[int, Scope]
    channel_platform: dict[int, str]
    # By position in ``match_set``: the queries limited to some platforms or accounts (most are not, and
    # skip the test), and each position's query id.
    scoped: dict[int, Scope] = field(default_factory=dict)
    ids: tuple[int, ...] = ()

    def allows(self, query_id: int, channel_id: int | None) -> bool:
        return _allows(self.scopes[query_id], self.channel_platform, channel_id)

    def hits(self, texts: Sequence[str], channel_ids: Sequence[int | None] | None = None) -> list[list[int]]:
        """For each text, the ids (ascending) of the queries it matches; ``channel_ids`` (one per text)
        applies each query's platforms and accounts, without it every query applies. The hot loop of
        ingest: ids are read by position and only the limited queries are tested, per text."""
        indexes, ids, scoped, platforms = self.match_set.indexes, self.ids, self.scoped, self.channel_platform
        out: list[list[int]] = []
        for n, text in enumerate(texts):
            found = indexes(text)
            if found and scoped and channel_ids is not None:
                channel = channel_ids[n]
                found = [q for q in found if q not in scoped or _allows(scoped[q], platforms, channel)]
            out.append([ids[q] for q in found])
        return out


def _allows(scope: Scope, channel_platform: dict[int, str], channel_id: int | None) -> bool:
    if scope.channel_ids and channel_id not in scope.channel_ids:
        return False
    return not scope.platforms or channel_platform.get(channel_id or 0) in scope.platforms


@dataclass(frozen=True)
class _Rows:
    version: Version
    queries: list[tuple[int, str, Scope]]
    channel_platform: dict[int, str]


_lock = threading.Lock()
_entries: dict[int, tuple[float, Compiled]] = {}
_builders: dict[int, threading.Thread] = {}


def _version(council_id: int) -> Version:
    row = Council.objects.filter(pk=council_id).values_list("created_at", "listening_revision__version").first()
    return (row[0], row[1] or 0) if row else (None, 0)


def _rows(council_id: int, version: Version) -> _Rows:
    queries = []
    chosen: dict[int, set[int]] = {}
    for query_id, channel_id in ListeningQuery.channels.through.objects.filter(
        listeningquery__council_id=council_id, listeningquery__active=True
    ).values_list("listeningquery_id", "channel_id"):
        chosen.setdefault(query_id, set()).add(channel_id)
    for pk, text, platforms in (
        ListeningQuery.objects.filter(council_id=council_id, active=True)
        .order_by("pk")
        .values_list("pk", "query", "platforms")
    ):
        queries.append((pk, text, Scope(frozenset(platforms or ()), frozenset(chosen.get(pk, ())))))
    channel_platform = dict(Channel.objects.filter(council_id=council_id).values_list("pk", "platform"))
    return _Rows(version, queries, channel_platform)


def _compile(rows: _Rows) -> Compiled:
    parsed = []
    for pk, text, _scope in rows.queries:
        try:
            parsed.append((pk, parse(text)))
        except QuerySyntaxError:  # saved only after parsing; a grammar change must not stop the others
            continue
    scopes = {pk: scope for pk, _, scope in rows.queries}
    return Compiled(
        rows.version,
        compile_queries(parsed),
        scopes,
        rows.channel_platform,
        scoped={n: scopes[pk] for n, (pk, _) in enumerate(parsed) if scopes[pk].platforms or scopes[pk].channel_ids},
        ids=tuple(pk for pk, _ in parsed),
    )


def _build_in_background(council_id: int, rows: _Rows) -> None:
    def run() -> None:
        try:
            built = _compile(rows)
            with _lock:
                _entries[council_id] = (time.monotonic(), built)
        finally:
            with _lock:
                _builders.pop(council_id, None)

    with _lock:
        if council_id in _builders:
            return
        thread = threading.Thread(target=run, name=f"listening-compile-{council_id}", daemon=True)
        _builders[council_id] = thread
    thread.start()


def compiled_for(council_id: int) -> Compiled:
    """The council's current compiled set (possibly the previous one while a new one is built)."""
    ttl = float(getattr(settings, "LISTENING_CACHE_SECONDS", 2.0))
    now = time.monotonic()
    entry = _entries.get(council_id)
    if entry is not None and now - entry[0] < ttl:
        return entry[1]
    version = _version(council_id)
    if entry is not None:
        if entry[1].version != version:
            _build_in_background(council_id, _rows(council_id, version))
            return entry[1]
        with _lock:
            _entries[council_id] = (now, entry[1])
        return entry[1]
    built = _compile(_rows(council_id, version))
    with _lock:
        _entries[council_id] = (now, built)
    return built


def wait_for_builds(timeout: float = 30.0) -> None:
    """Let any background compile finish (for shutdown and tests)."""
    for thread in list(_builders.values()):
        thread.join(timeout)


def forget(council_id: int) -> None:
    with _lock:
        _entries.pop(council_id, None)
