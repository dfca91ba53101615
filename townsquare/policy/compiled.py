"""A council's rules compiled once: every regex and word list built, so a check touches no database.

``compile_policy`` makes a ``CompiledPolicy`` from the council's rules, elections, referendums and
lists; ``cache.py`` keeps one per council; ``engine.run_checks`` runs it against a draft and
answers with ``Finding``s in a ``CheckResult``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from townsquare.policy.catalogue import RULES, ListKind
from townsquare.policy.lexicon import HASHTAG_WORDS
from townsquare.policy.platforms import PlatformRules


@dataclass(frozen=True)
class Finding:
    """One problem in a draft. ``start``/``end`` are character offsets into the text; a finding about
    the draft as a whole or an image (not a stretch of text) has ``start == end == 0``."""

    rule: str
    severity: str
    start: int
    end: int
    message: str
    source: str
    suggestion: str = ""  # a replacement for text[start:end], when the engine knows one
    platform: str = ""  # the platform or channel the finding is about, for PLAT- rules
    image: int | None = None  # 1-based image number, for image findings
    channel_id: int | None = None  # found in one channel's own wording of a post (publishing); None: the common text

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "source": self.source,
            "suggestion": self.suggestion,
            "platform": self.platform,
            "image": self.image,
        }
        if self.channel_id is not None:
            found["channel_id"] = self.channel_id
        return found


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    blocked: bool
    forces_approval: bool
    election: str = ""  # the election whose pre-election period the draft falls in, if any
    override_applied: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "blocked": self.blocked,
            "forces_approval": self.forces_approval,
            "election": self.election,
            "override_applied": self.override_applied,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class CompiledElection:
    id: int
    title: str
    area: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    candidates: tuple[str, ...]
    pattern: re.Pattern[str] | None = None  # the candidates, compiled once by ``compile_policy``
    # PUB-12: a by-election (or a poll with wards listed) binds only posts about its area: ``places``
    # are its wards and area; ``place_pattern`` finds them in a draft (compiled by ``compile_policy``).
    scoped: bool = False
    places: tuple[str, ...] = ()
    place_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class CompiledReferendum:
    """PUB-13: a referendum period, the 28 days ending with polling day (PPERA 2000, s.125)."""

    id: int
    question: str
    poll_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    scoped: bool = False
    places: tuple[str, ...] = ()
    place_pattern: re.Pattern[str] | None = None


def place_key(name: str) -> str:
    """``Mill ward``, ``mill`` and ``Mill  Ward`` are one place."""
    key = " ".join(name.lower().split())
    for suffix in (" electoral division", " division", " ward"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def places_regex(places: Iterable[str]) -> re.Pattern[str] | None:
    """Each place as written, and without its "ward" suffix: "Mill ward" is named by "Mill Lane" too."""
    terms: list[str] = []
    for place in places:
        terms.append(place)
        key = place_key(place)
        if key != " ".join(place.lower().split()):
            terms.append(" ".join(place.split()[: len(key.split())]))
    return terms_regex(terms)


@dataclass(frozen=True)
class Target:
    """A platform the draft goes to, with the label findings name (a channel, or the platform)."""

    label: str
    rules: PlatformRules


def terms_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any of ``terms`` as whole words (or whole @handles)."""
    cleaned = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in cleaned)
    return re.compile(rf"(?<![\w@#])(?:{alternation})(?![\w])", re.IGNORECASE)


def split_people(entries: Iterable[str]) -> list[str]:
    """``Jane Smith, @janesmith`` lines become separate names and handles."""
    found: list[str] = []
    for entry in entries:
        found.extend(part.strip() for part in entry.split(",") if part.strip())
    return found


@dataclass
class CompiledPolicy:
    """Everything the checks need for one council, built once (see ``cache.compiled_policy``)."""

    enabled: dict[str, bool]
    severity: dict[str, str]
    lists: dict[str, re.Pattern[str] | None]
    politician_handles: frozenset[str]
    elections: tuple[CompiledElection, ...]
    allowed_contacts: frozenset[str]
    hashtag_words: tuple[str, ...]
    source: dict[str, str] = field(default_factory=lambda: {r.id: r.source for r in RULES})
    referendums: tuple[CompiledReferendum, ...] = ()
    channel_places: dict[int, frozenset[str]] = field(default_factory=dict)  # channel id -> place keys served

    def on(self, rule: str) -> bool:
        return self.enabled.get(rule, True)

    def election_at(self, when: dt.datetime) -> CompiledElection | None:
        """The first election whose window holds ``when`` (a council-wide one before a by-election)."""
        elections = self.elections_at(when)
        return elections[0] if elections else None

    def elections_at(self, when: dt.datetime) -> list[CompiledElection]:
        return [e for e in self.elections if e.starts_at <= when < e.ends_at]

    def referendums_at(self, when: dt.datetime) -> list[CompiledReferendum]:
        return [r for r in self.referendums if r.starts_at <= when < r.ends_at]


def compile_policy(
    *,
    settings: dict[str, tuple[bool, str]],
    words: dict[str, list[str]],
    elections: Sequence[CompiledElection],
    council_words: Sequence[str] = (),
    referendums: Sequence[CompiledReferendum] = (),
    channel_places: Mapping[int, Sequence[str]] | None = None,
) -> CompiledPolicy:
    enabled = {r.id: settings.get(r.id, (True, r.severity))[0] for r in RULES}
    severity = {r.id: settings.get(r.id, (True, r.severity))[1] for r in RULES}
    people = split_people(words.get(ListKind.CANDIDATES, []) + words.get(ListKind.COUNCILLORS, []))
    lists: dict[str, re.Pattern[str] | None] = {
        kind: terms_regex(words.get(kind, []))
        for kind in (
            ListKind.PARTY_NAMES,
            ListKind.CONTROVERSIAL,
            ListKind.CONSULTATION,
            ListKind.CONFIDENTIAL,
            ListKind.PROFANITY,
            ListKind.ABUSE,
            ListKind.BLOCKED,
        )
    }
    lists["people"] = terms_regex(people)
    handles = {p.lstrip("@").lower() for p in people if p.startswith("@")}
    handles |= {p.lstrip("@").lower() for p in words.get(ListKind.PARTY_NAMES, []) if p.startswith("@")}
    for election in elections:
        handles |= {c.lstrip("@").lower() for c in election.candidates if c.startswith("@")}
    extra = [w.lower() for w in words.get(ListKind.HASHTAG_WORDS, []) + list(council_words) if w.isalpha()]
    compiled = [
        replace(e, pattern=terms_regex(e.candidates), place_pattern=places_regex(e.places) if e.scoped else None)
        for e in elections
    ]
    for kind in (ListKind.REFERENDUM_ISSUE, ListKind.REFERENDUM_EXEMPT):
        lists[kind] = terms_regex(words.get(kind, []))
    return CompiledPolicy(
        enabled=enabled,
        severity=severity,
        lists=lists,
        politician_handles=frozenset(handles),
        # Council-wide elections first: when several windows hold a draft, theirs is the reason given.
        elections=tuple(sorted(compiled, key=lambda e: (e.scoped, e.starts_at))),
        allowed_contacts=frozenset(contact_key(c) for c in words.get(ListKind.ALLOWED_CONTACTS, [])),
        hashtag_words=tuple(dict.fromkeys([*extra, *HASHTAG_WORDS])),
        referendums=tuple(
            sorted(
                (replace(r, place_pattern=places_regex(r.places) if r.scoped else None) for r in referendums),
                key=lambda r: (r.scoped, r.starts_at),
            )
        ),
        channel_places={
            cid: frozenset(place_key(p) for p in served if p.strip()) for cid, served in (channel_places or {}).items()
        },
    )


def contact_key(value: str) -> str:
    """A telephone number or address as compared: no spaces, brackets or dashes, lower case."""
    return re.sub(r"[\s()\-]", "", value).lower()
