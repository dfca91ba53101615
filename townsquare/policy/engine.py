"""The rule engine: a council's rules compiled once, then run against each draft.

``CompiledPolicy`` holds every regex and word list already built, so checking a draft touches no
database and compiles nothing. ``services.check_draft`` finds the council's compiled policy in the
cache (``cache.py``) and calls ``run_checks``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from townsquare.classify.offensive import offensive_spans
from townsquare.classify.pipeline import offensive_reaching
from townsquare.policy.catalogue import RULES, RULES_BY_ID, SEVERITY_ORDER, ListKind, Severity
from townsquare.policy.lexicon import FIRST_NAMES, HASHTAG_WORDS, language_of, split_run_together
from townsquare.policy.patterns import (
    ADDRESS_RE,
    ALT_FILENAME_RE,
    ALT_PREFIX_RE,
    CAPITALISED_RE,
    CHILD_CONTEXT_RE,
    CLICK_HERE_RE,
    CONFIDENTIAL_EXCEPTIONS_RE,
    EMAIL_RE,
    EMOJI_RE,
    FANCY_RE,
    HASHTAG_RE,
    LANGUAGE_SPLIT_RE,
    LOWER_WORD_RE,
    MAX_EMOJIS,
    MAX_HASHTAGS,
    MAX_LINKS,
    MAX_SENTENCE_WORDS,
    NINO_RE,
    PHONE_RE,
    POLITICAL_HANDLE_RE,
    POLITICIAN_TITLE_RE,
    POSTCODE_RE,
    PUBLIC_EMAIL_DOMAINS,
    QUOTE_ROLE_RE,
    RECORD_RE,
    RESHARE_RE,
    SAID_RE,
    SENTENCE_RE,
    STATUTORY_RE,
    VEHICLE_RE,
    VOTE_FOR_PARTY_RE,
    WORD_RE,
)
from townsquare.policy.platforms import URL_RE, PlatformRules, bytes_overflow_at, overflow_at


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
            "rule": self.rule, "severity": self.severity, "start": self.start, "end": self.end,
            "message": self.message, "source": self.source, "suggestion": self.suggestion,
            "platform": self.platform, "image": self.image,
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
            "blocked": self.blocked, "forces_approval": self.forces_approval, "election": self.election,
            "override_applied": self.override_applied, "findings": [f.as_dict() for f in self.findings],
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
        for kind in (ListKind.PARTY_NAMES, ListKind.CONTROVERSIAL, ListKind.CONSULTATION, ListKind.CONFIDENTIAL,
                     ListKind.PROFANITY, ListKind.ABUSE, ListKind.BLOCKED)
    }
    lists["people"] = terms_regex(people)
    handles = {p.lstrip("@").lower() for p in people if p.startswith("@")}
    handles |= {p.lstrip("@").lower() for p in words.get(ListKind.PARTY_NAMES, []) if p.startswith("@")}
    for election in elections:
        handles |= {c.lstrip("@").lower() for c in election.candidates if c.startswith("@")}
    extra = [w.lower() for w in words.get(ListKind.HASHTAG_WORDS, []) + list(council_words) if w.isalpha()]
    compiled = [replace(e, pattern=terms_regex(e.candidates), place_pattern=places_regex(e.places) if e.scoped else None)
                for e in elections]
    for kind in (ListKind.REFERENDUM_ISSUE, ListKind.REFERENDUM_EXEMPT):
        lists[kind] = terms_regex(words.get(kind, []))
    return CompiledPolicy(
        enabled=enabled, severity=severity, lists=lists, politician_handles=frozenset(handles),
        # Council-wide elections first: when several windows hold a draft, theirs is the reason given.
        elections=tuple(sorted(compiled, key=lambda e: (e.scoped, e.starts_at))),
        allowed_contacts=frozenset(_contact_key(c) for c in words.get(ListKind.ALLOWED_CONTACTS, [])),
        hashtag_words=tuple(dict.fromkeys([*extra, *HASHTAG_WORDS])),
        referendums=tuple(sorted(
            (replace(r, place_pattern=places_regex(r.places) if r.scoped else None) for r in referendums),
            key=lambda r: (r.scoped, r.starts_at))),
        channel_places={cid: frozenset(place_key(p) for p in served if p.strip())
                        for cid, served in (channel_places or {}).items()},
    )


def _contact_key(value: str) -> str:
    return re.sub(r"[\s()\-]", "", value).lower()


# --- the checks -----------------------------------------------------------------------------------
class _Out:
    """Collects findings with the council's severity for each rule."""

    def __init__(self, policy: CompiledPolicy) -> None:
        self.policy = policy
        self.findings: list[Finding] = []

    def add(self, rule: str, start: int, end: int, message: str, *, cap: str | None = None, **extra: object) -> None:
        severity = self.policy.severity.get(rule, RULES_BY_ID[rule].severity)
        if cap is not None and SEVERITY_ORDER[Severity(severity)] > SEVERITY_ORDER[Severity(cap)]:
            severity = cap
        self.findings.append(Finding(rule, str(severity), start, end, message, self.policy.source[rule], **extra))  # type: ignore[arg-type]


def _list_matches(out: _Out, rule: str, pattern: re.Pattern[str] | None, text: str, message: str) -> None:
    if pattern is None:
        return
    for m in pattern.finditer(text):
        out.add(rule, m.start(), m.end(), message.format(word=m.group(0)))


# CC-02 uses the inbox's classifier (townsquare/classify, docs/classifiers.md): its second pass's
# offensive score speaks from this score; on the validation tweets 0.7 is right 87 % of the times it
# flags. Lower, it flags residents' blunt complaints ("absolutely disgraceful service" scores 0.53) and
# harmless notices; it is a warning for a person.
OFFENSIVE_THRESHOLD = 0.7


def _offensive(out: _Out, text: str) -> None:
    score = offensive_reaching(text, OFFENSIVE_THRESHOLD)
    if score is None:
        return
    spans = [span for span in offensive_spans(text, limit=3) if span.weight > 0]
    start, end = (spans[0].start, spans[0].end) if spans else (0, len(text))
    words = ", ".join(f"“{span.text}”" for span in spans)
    out.add("CC-02", start, end,
            f"This reads as offensive or abusive: the language model scores it {score:.2f} of 1"
            f"{', mostly for ' + words if words else ''}. Criticise policies, not people.")


def _check_always(out: _Out, p: CompiledPolicy, text: str) -> None:
    if p.on("PUB-02"):
        seen: set[tuple[int, int]] = set()
        for pattern in (p.lists[ListKind.PARTY_NAMES], VOTE_FOR_PARTY_RE):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if (m.start(), m.end()) not in seen:
                    seen.add((m.start(), m.end()))
                    out.add("PUB-02", m.start(), m.end(),
                            f"“{m.group(0)}” could read as supporting or opposing a party. Council channels "
                            "must never publish party-political material, at any time.")
    if p.on("CC-04") and (pattern := p.lists[ListKind.CONFIDENTIAL]) is not None:
        for m in pattern.finditer(text):
            if CONFIDENTIAL_EXCEPTIONS_RE.match(text, m.end()):
                continue  # "confidential advice", "confidential helpline": a service, not a marking
            out.add("CC-04", m.start(), m.end(),
                    f"“{m.group(0)}” marks confidential or exempt information, which must not be published.")
    if p.on("CC-05"):
        _list_matches(out, "CC-05", p.lists[ListKind.PROFANITY], text,
                      "“{word}” is profanity: it could bring the council into disrepute.")
    if p.on("CC-02"):
        listed = len(out.findings)
        _list_matches(out, "CC-02", p.lists[ListKind.ABUSE], text,
                      "“{word}” reads as a personal attack. Criticise policies, not people.")
        if len(out.findings) == listed:  # no listed word: the trained model may still hear the tone
            _offensive(out, text)
    if p.on("LOCAL-01"):
        _list_matches(out, "LOCAL-01", p.lists[ListKind.BLOCKED], text,
                      "“{word}” is on the council's blocked words list: this draft needs approval.")


ChannelRef = tuple[int, str]  # a channel's id, and how findings name it


def why_it_applies(p: CompiledPolicy, scope: CompiledElection | CompiledReferendum, name: str, text: str,
                   channels: Sequence[ChannelRef]) -> str | None:
    """PUB-12: the sentence saying why an election (or referendum) binds this draft, or None when it
    does not. A council-wide poll binds every post; an area-scoped one binds a post that goes to a
    channel serving its area, names one of its places, or names one of its candidates."""
    if not scope.scoped:
        return f"{name} covers every post of the council."
    wanted: dict[str, str] = {}
    for place in scope.places:
        wanted.setdefault(place_key(place), place)  # the ward as listed, before the area's wording
    for channel_id, label in channels:
        served = [wanted[key] for key in wanted if key in p.channel_places.get(channel_id, ())]
        if served:
            return f"{name} applies because this post goes to {label}, which serves {', '.join(served)}."
    if scope.place_pattern is not None and (m := scope.place_pattern.search(text)):
        return f"{name} applies because the post names “{m.group(0)}”, in the area it covers."
    candidates = scope.pattern if isinstance(scope, CompiledElection) else None
    if candidates is not None and (m := candidates.search(text)):
        return f"{name} applies because the post names “{m.group(0)}”, a candidate in it."
    return None


def _check_election(out: _Out, p: CompiledPolicy, text: str, election: CompiledElection,
                    override_note: str, why: str = "",
                    campaign: tuple[str, dt.datetime] | None = None) -> None:
    period = f"the pre-election period for {election.title}"
    cap = Severity.INFO if override_note else None
    suffix = "".join(f" {part}" for part in (why, override_note) if part)
    if p.on("PUB-08") and campaign is not None and campaign[1] >= election.starts_at:
        name, created = campaign
        out.add("PUB-08", 0, 0,
                f"The campaign “{name}” was set up on {created.astimezone(election.starts_at.tzinfo):%-d %B %Y}, "
                f"after the notice of election on {election.starts_at:%-d %B %Y}: no new significant campaigns "
                f"during {period} unless they were planned before the election was called.{suffix}", cap=cap)
    named: set[tuple[int, int]] = set()
    if p.on("PUB-04"):
        for pattern in (p.lists["people"], election.pattern, POLITICIAN_TITLE_RE):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if any(s <= m.start() < e for s, e in named):
                    continue
                named.add((m.start(), m.end()))
                kind = "Tagging" if m.group(0).startswith("@") else "Naming"
                out.add("PUB-04", m.start(), m.end(),
                        f"{kind} “{m.group(0)}”: candidates and politicians must not be named, tagged or "
                        f"pictured during {period}.{suffix}", cap=cap)
    if p.on("PUB-05"):
        for m in QUOTE_ROLE_RE.finditer(text):
            lo, hi = max(0, m.start() - 120), min(len(text), m.end() + 120)
            said = SAID_RE.search(text, lo, hi)
            if said is None:
                continue
            out.add("PUB-05", min(m.start(), said.start()), max(m.end(), said.end()),
                    f"This reads as quoting a councillor: no quotes from councillors during "
                    f"{period}.{suffix}", cap=cap)
            break  # one quote finding is enough to stop the draft
    if p.on("PUB-06"):
        for m in RESHARE_RE.finditer(text):
            handle = m.group(1).lower()
            if handle in p.politician_handles or POLITICAL_HANDLE_RE.search(handle):
                out.add("PUB-06", m.start(), m.end(),
                        f"This reshares @{m.group(1)}, a party or politician: no shares of parties or politicians "
                        f"during {period}.{suffix}", cap=cap)
    if p.on("PUB-07"):
        _list_matches(out, "PUB-07", p.lists[ListKind.CONTROVERSIAL], text,
                      "“{word}” is a politically controversial topic: take care during " + period + "." + suffix)
    if p.on("PUB-09") and not STATUTORY_RE.search(text):
        _list_matches(out, "PUB-09", p.lists[ListKind.CONSULTATION], text,
                      "“{word}”: no new non-statutory consultations during " + period
                      + ". Say so in the text if this consultation is statutory." + suffix)
    if p.on("PUB-10"):
        for m in RECORD_RE.finditer(text):
            out.add("PUB-10", m.start(), m.end(),
                    f"“{m.group(0)}” refers to the administration's record: avoid it during {period}.{suffix}",
                    cap=cap)


def _check_referendum(out: _Out, p: CompiledPolicy, text: str, referendum: CompiledReferendum, why: str) -> None:
    """PUB-13. Not lifted by an emergency override: s.125 is the law, not guidance. Its own exemptions
    (information about the poll, press notices) lower a finding to a warning for the approver."""
    issue = p.lists.get(ListKind.REFERENDUM_ISSUE)
    if issue is None:
        return
    exempt_pattern = p.lists.get(ListKind.REFERENDUM_EXEMPT)
    exempt = exempt_pattern.search(text) if exempt_pattern is not None else None
    period = (f"the referendum period for “{referendum.question}” (the 28 days ending with polling day, "
              f"{referendum.poll_date:%-d %B %Y})")
    for m in issue.finditer(text):
        if exempt is not None:
            out.add("PUB-13", m.start(), m.end(),
                    f"“{m.group(0)}” is about the referendum question, but “{exempt.group(0)}” reads as information "
                    f"about the poll or a press notice, which are exempt during {period}. Check it gives only "
                    f"facts about voting, with no arguments on the question. {why}", cap=Severity.WARN)
        else:
            out.add("PUB-13", m.start(), m.end(),
                    f"“{m.group(0)}” is about the referendum question: during {period} the council must not "
                    f"publish information, issues or arguments on it. Only information about the poll and "
                    f"press notices are exempt. {why}")


def _personal_data(p: CompiledPolicy, text: str, is_reply: bool) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in POSTCODE_RE.finditer(text):
        found.append((m.start(), m.end(), "a postcode"))
    for m in PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        national = "0" + digits[2:] if digits.startswith("44") else digits
        if len(national) not in (10, 11) or national.startswith(("03", "08")):
            continue
        found.append((m.start(), m.end(), "a phone number"))
    for m in EMAIL_RE.finditer(text):
        if ("." + m.group(0).split("@", 1)[1].lower()).endswith(PUBLIC_EMAIL_DOMAINS):
            continue
        found.append((m.start(), m.end(), "an email address"))
    for m in NINO_RE.finditer(text):
        found.append((m.start(), m.end(), "a National Insurance number"))
    for m in VEHICLE_RE.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), "a vehicle registration"))
    if is_reply:
        for m in ADDRESS_RE.finditer(text):
            found.append((m.start(), m.end(), "a home address"))
    return [f for f in found if _contact_key(text[f[0]:f[1]]) not in p.allowed_contacts]


def _check_people(out: _Out, p: CompiledPolicy, text: str, is_reply: bool) -> None:
    reply_rule = is_reply and p.on("DP-05")
    if reply_rule or p.on("DP-01"):
        for start, end, what in _personal_data(p, text, is_reply):
            if reply_rule:
                out.add("DP-05", start, end, f"This public reply gives {what}. Move private matters to a direct "
                        "message.")
            elif what != "a home address":
                out.add("DP-01", start, end, f"This looks like {what}: residents' personal data needs a recorded "
                        "lawful basis or consent. If it is the council's own, add it to the allowed contact details.")
    if p.on("DP-04"):
        flagged: set[int] = set()
        for ctx in CHILD_CONTEXT_RE.finditer(text):
            lo, hi = max(0, ctx.start() - 80), min(len(text), ctx.end() + 80)
            for m in CAPITALISED_RE.finditer(text, lo, hi):
                if m.group(0).lower() in FIRST_NAMES and m.start() not in flagged:
                    flagged.add(m.start())
                    out.add("DP-04", m.start(), m.end(),
                            f"“{m.group(0)}” looks like a child's name. Never give a child's name with their "
                            "image, and avoid details that identify them, such as their school.")


def _check_accessibility(out: _Out, p: CompiledPolicy, text: str, images: Sequence[dict[str, object]]) -> None:
    if p.on("AX-01"):
        for number, image in enumerate(images, start=1):
            alt = str(image.get("alt") or "").strip()
            if not alt:
                out.add("AX-01", 0, 0, f"Image {number} has no alt text. Describe what it shows for people who "
                        "cannot see it.", image=number)
            elif ALT_FILENAME_RE.match(alt):
                out.add("AX-01", 0, 0, f"Image {number}'s alt text “{alt}” looks like a file name. Describe what "
                        "the image shows.", image=number)
            elif ALT_PREFIX_RE.match(alt):
                out.add("AX-01", 0, 0, f"Image {number}'s alt text starts with “{ALT_PREFIX_RE.match(alt).group(0)}”"  # type: ignore[union-attr]
                        ": screen readers already say it is an image. Start with what it shows.",
                        cap=Severity.WARN, image=number)
    tags = list(HASHTAG_RE.finditer(text))
    if p.on("AX-03") and tags:
        for m in tags:
            tag = m.group(1)
            if len(tag) >= 4 and (tag.islower() or (tag.isupper() and len(tag) >= 6)) and tag.isalpha():
                parts = split_run_together(tag.lower(), p.hashtag_words)
                if len(parts) >= 2:
                    fixed = "#" + "".join(w.capitalize() for w in parts)
                    out.add("AX-03", m.start(), m.end(), f"Write {m.group(0)} as {fixed}: capital letters let "
                            "screen readers say each word.", suggestion=fixed)
        for m in tags[MAX_HASHTAGS:]:
            out.add("AX-03", m.start(), m.end(), f"Use at most {MAX_HASHTAGS} hashtags; {len(tags)} make the post "
                    "hard to follow with a screen reader.")
        for m in tags[:MAX_HASHTAGS]:
            rest = HASHTAG_RE.sub("", URL_RE.sub("", text[m.end():]))
            if re.search(r"[A-Za-z]{2,}", rest):
                out.add("AX-03", m.start(), m.end(), f"Put {m.group(0)} at the end of the post, not inside a "
                        "sentence.", cap=Severity.INFO)
    if p.on("AX-04"):
        emojis = list(EMOJI_RE.finditer(text))
        seen: set[str] = set()
        for i, m in enumerate(emojis):
            symbol = m.group(0)
            if i >= MAX_EMOJIS:
                out.add("AX-04", m.start(), m.end(), f"Use at most {MAX_EMOJIS} emojis: screen readers read each "
                        "one's full name.")
            elif symbol in seen:
                out.add("AX-04", m.start(), m.end(), f"{symbol} is repeated: each one is read out in full.")
            line_start = text.rfind("\n", 0, m.start()) + 1
            if not text[line_start:m.start()].strip():
                out.add("AX-04", m.start(), m.end(), "Do not start a line with an emoji: it is read before the "
                        "words and can be mistaken for a bullet.")
            seen.add(symbol)
    if p.on("AX-05"):
        for m in SENTENCE_RE.finditer(text):
            count = len(WORD_RE.findall(m.group(0)))
            if count > MAX_SENTENCE_WORDS:
                lead = len(m.group(0)) - len(m.group(0).lstrip())
                out.add("AX-05", m.start() + lead, m.end(), f"This sentence has {count} words. Keep sentences to "
                        f"{MAX_SENTENCE_WORDS} words or fewer.")
    if p.on("AX-06"):
        links = list(URL_RE.finditer(text))
        for m in links[MAX_LINKS:]:
            out.add("AX-06", m.start(), m.end(), f"Use one link per post; this one is link {len(links)}. "
                    "Give each its own post or a web page.")
        for m in CLICK_HERE_RE.finditer(text):
            out.add("AX-06", m.start(), m.end(), f"“{m.group(0)}” does not say where the link goes. Say what people "
                    "will find, like “Check your collection day”.")
    if p.on("AX-08"):
        for m in FANCY_RE.finditer(text):
            out.add("AX-08", m.start(), m.end(), "These are mathematical symbols styled as letters: screen readers "
                    "read them out one by one or not at all. Use plain text.")


def _check_welsh(out: _Out, text: str, has_language_pair: bool) -> None:
    languages: set[str] = set()
    for part in LANGUAGE_SPLIT_RE.split(text):
        lang = language_of(LOWER_WORD_RE.findall(part.lower()))
        if lang:
            languages.add(lang)
    if not languages or len(languages) == 2 or has_language_pair:
        return
    missing = "Welsh" if languages == {"en"} else "English"
    out.add("PUB-15", 0, len(text), f"There is no {missing} version of this post. Councils in Wales publish in "
            "Welsh and English at the same time: add both, or link this post to its pair.")


def _check_platforms(out: _Out, p: CompiledPolicy, text: str, images: Sequence[dict[str, object]],
                     targets: Sequence[Target]) -> None:
    tag_count = len(HASHTAG_RE.findall(text)) if targets else 0
    for target in targets:
        rules = target.rules
        if p.on("PLAT-01"):
            count, cut = overflow_at(text, rules)
            if cut is not None:
                unit = "graphemes" if rules.counts == "graphemes" else "characters"
                out.add("PLAT-01", cut, len(text), f"Too long for {target.label}: {count} of {rules.max_chars} "
                        f"{unit}.", platform=target.label)
            else:
                size, byte_cut = bytes_overflow_at(text, rules)
                if byte_cut is not None:
                    out.add("PLAT-01", byte_cut, len(text), f"Too long for {target.label}: {size:,} of "
                            f"{rules.max_bytes:,} bytes. Emoji and letters with accents take several bytes each.",
                            platform=target.label)
        if p.on("PLAT-02"):
            if len(images) > rules.max_images:
                out.add("PLAT-02", 0, 0, f"{target.label} takes at most {rules.max_images} image"
                        f"{'s' if rules.max_images != 1 else ''}; this post has {len(images)}.", platform=target.label)
            if len(images) < rules.min_images:
                out.add("PLAT-02", 0, 0, f"{target.label} needs at least {rules.min_images} image.",
                        platform=target.label)
        if p.on("PLAT-03"):
            for number, image in enumerate(images, start=1):
                alt = str(image.get("alt") or "")
                if rules.max_alt_text_chars is not None and len(alt) > rules.max_alt_text_chars:
                    out.add("PLAT-03", 0, 0, f"Image {number}'s alt text is {len(alt)} characters; {target.label} "
                            f"takes {rules.max_alt_text_chars}.", platform=target.label, image=number)
                elif rules.recommended_alt_text_chars is not None and len(alt) > rules.recommended_alt_text_chars:
                    out.add("PLAT-03", 0, 0, f"Image {number}'s alt text is {len(alt)} characters; on "
                            f"{target.label} keep it near {rules.recommended_alt_text_chars}.",
                            cap=Severity.INFO, platform=target.label, image=number)
        if p.on("PLAT-04") and rules.max_hashtags is not None and tag_count > rules.max_hashtags:
            out.add("PLAT-04", 0, 0, f"{target.label} takes at most {rules.max_hashtags} hashtags; this post has "
                    f"{tag_count}.", platform=target.label)


def run_checks(
    policy: CompiledPolicy,
    *,
    text: str,
    targets: Sequence[Target],
    images: Sequence[dict[str, object]],
    when: dt.datetime,
    is_reply: bool,
    in_wales: bool,
    override_note: str = "",
    has_language_pair: bool = False,
    channels: Sequence[ChannelRef] = (),
    campaign: tuple[str, dt.datetime] | None = None,
) -> CheckResult:
    """``channels``: the draft's channels (id, label), for PUB-12's area test; ``campaign``: its
    campaign's name and creation time, for PUB-08."""
    out = _Out(policy)
    _check_always(out, policy, text)
    applied: list[str] = []
    for election in policy.elections_at(when):
        why = why_it_applies(policy, election, election.title, text, channels)
        if why is not None:
            applied.append(election.title)
            _check_election(out, policy, text, election, override_note, why, campaign)
    if len(applied) > 1:  # one finding a span and rule: the first election's (council-wide first)
        kept: set[tuple[str, int, int]] = set()
        unique: list[Finding] = []
        for f in out.findings:
            if not RULES_BY_ID[f.rule].election:
                unique.append(f)
            elif (f.rule, f.start, f.end) not in kept:
                kept.add((f.rule, f.start, f.end))
                unique.append(f)
        out.findings = unique
    if policy.on("PUB-13"):
        for referendum in policy.referendums_at(when):
            why = why_it_applies(policy, referendum, f"The referendum on “{referendum.question}”", text, channels)
            if why is not None:
                _check_referendum(out, policy, text, referendum, why)
                break  # one referendum's findings are enough to stop the draft
    _check_people(out, policy, text, is_reply)
    _check_accessibility(out, policy, text, images)
    if in_wales and not is_reply and policy.on("PUB-15"):
        _check_welsh(out, text, has_language_pair)
    _check_platforms(out, policy, text, images, targets)
    findings = sorted(out.findings, key=lambda f: (f.start, f.end, f.rule))
    return CheckResult(
        findings=findings,
        blocked=any(f.severity == Severity.BLOCK for f in findings),
        forces_approval=any(f.rule == "LOCAL-01" for f in findings),
        election="; ".join(applied),
        override_applied=bool(override_note) and bool(applied),
    )
