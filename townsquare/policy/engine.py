"""The rule engine: a council's compiled rules (``compiled.py``) run against each draft.

``CompiledPolicy`` holds every regex and word list already built, so checking a draft touches no
database and compiles nothing. ``services.check_draft`` finds the council's compiled policy in the
cache (``cache.py``) and calls ``run_checks``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from townsquare.classify.offensive import offensive_spans
from townsquare.classify.pipeline import offensive_reaching
from townsquare.policy.catalogue import RULES_BY_ID, ListKind, Severity
from townsquare.policy.compiled import (
    CheckResult,
    CompiledElection,
    CompiledPolicy,
    CompiledReferendum,
    Finding,
    Target,
    contact_key,
    place_key,
)
from townsquare.policy.form_checks import check_accessibility, check_platforms, check_welsh
from townsquare.policy.lexicon import FIRST_NAMES
from townsquare.policy.outcome import Out, list_matches
from townsquare.policy.patterns import (
    ADDRESS_RE,
    CAPITALISED_RE,
    CHILD_CONTEXT_RE,
    CONFIDENTIAL_EXCEPTIONS_RE,
    EMAIL_RE,
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
    STATUTORY_RE,
    VEHICLE_RE,
    VOTE_FOR_PARTY_RE,
)

# --- the checks -----------------------------------------------------------------------------------
# CC-02 uses the inbox's classifier (townsquare/classify, docs/classifiers.md): its second pass's
# offensive score speaks from this score; on the validation tweets 0.7 is right 87 % of the times it
# flags. Lower, it flags residents' blunt complaints ("absolutely disgraceful service" scores 0.53) and
# harmless notices; it is a warning for a person.
OFFENSIVE_THRESHOLD = 0.7


def _offensive(out: Out, text: str) -> None:
    score = offensive_reaching(text, OFFENSIVE_THRESHOLD)
    if score is None:
        return
    spans = [span for span in offensive_spans(text, limit=3) if span.weight > 0]
    start, end = (spans[0].start, spans[0].end) if spans else (0, len(text))
    words = ", ".join(f"“{span.text}”" for span in spans)
    out.add(
        "CC-02",
        start,
        end,
        f"This reads as offensive or abusive: the language model scores it {score:.2f} of 1"
        f"{', mostly for ' + words if words else ''}. Criticise policies, not people.",
    )


def _check_always(out: Out, p: CompiledPolicy, text: str) -> None:
    if p.on("PUB-02"):
        seen: set[tuple[int, int]] = set()
        for pattern in (p.lists[ListKind.PARTY_NAMES], VOTE_FOR_PARTY_RE):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                if (m.start(), m.end()) not in seen:
                    seen.add((m.start(), m.end()))
                    out.add(
                        "PUB-02",
                        m.start(),
                        m.end(),
                        f"“{m.group(0)}” could read as supporting or opposing a party. Council channels "
                        "must never publish party-political material, at any time.",
                    )
    if p.on("CC-04") and (pattern := p.lists[ListKind.CONFIDENTIAL]) is not None:
        for m in pattern.finditer(text):
            if CONFIDENTIAL_EXCEPTIONS_RE.match(text, m.end()):
                continue  # "confidential advice", "confidential helpline": a service, not a marking
            out.add(
                "CC-04",
                m.start(),
                m.end(),
                f"“{m.group(0)}” marks confidential or exempt information, which must not be published.",
            )
    if p.on("CC-05"):
        list_matches(
            out,
            "CC-05",
            p.lists[ListKind.PROFANITY],
            text,
            "“{word}” is profanity: it could bring the council into disrepute.",
        )
    if p.on("CC-02"):
        listed = len(out.findings)
        list_matches(
            out,
            "CC-02",
            p.lists[ListKind.ABUSE],
            text,
            "“{word}” reads as a personal attack. Criticise policies, not people.",
        )
        if len(out.findings) == listed:  # no listed word: the trained model may still hear the tone
            _offensive(out, text)
    if p.on("LOCAL-01"):
        list_matches(
            out,
            "LOCAL-01",
            p.lists[ListKind.BLOCKED],
            text,
            "“{word}” is on the council's blocked words list: this draft needs approval.",
        )


ChannelRef = tuple[int, str]  # a channel's id, and how findings name it


def why_it_applies(
    p: CompiledPolicy,
    scope: CompiledElection | CompiledReferendum,
    name: str,
    text: str,
    channels: Sequence[ChannelRef],
) -> str | None:
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


def _check_election(
    out: Out,
    p: CompiledPolicy,
    text: str,
    election: CompiledElection,
    override_note: str,
    why: str = "",
    campaign: tuple[str, dt.datetime] | None = None,
) -> None:
    period = f"the pre-election period for {election.title}"
    cap = Severity.INFO if override_note else None
    suffix = "".join(f" {part}" for part in (why, override_note) if part)
    if p.on("PUB-08") and campaign is not None and campaign[1] >= election.starts_at:
        name, created = campaign
        out.add(
            "PUB-08",
            0,
            0,
            f"The campaign “{name}” was set up on {created.astimezone(election.starts_at.tzinfo):%-d %B %Y}, "
            f"after the notice of election on {election.starts_at:%-d %B %Y}: no new significant campaigns "
            f"during {period} unless they were planned before the election was called.{suffix}",
            cap=cap,
        )
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
                out.add(
                    "PUB-04",
                    m.start(),
                    m.end(),
                    f"{kind} “{m.group(0)}”: candidates and politicians must not be named, tagged or "
                    f"pictured during {period}.{suffix}",
                    cap=cap,
                )
    if p.on("PUB-05"):
        for m in QUOTE_ROLE_RE.finditer(text):
            lo, hi = max(0, m.start() - 120), min(len(text), m.end() + 120)
            said = SAID_RE.search(text, lo, hi)
            if said is None:
                continue
            out.add(
                "PUB-05",
                min(m.start(), said.start()),
                max(m.end(), said.end()),
                f"This reads as quoting a councillor: no quotes from councillors during {period}.{suffix}",
                cap=cap,
            )
            break  # one quote finding is enough to stop the draft
    if p.on("PUB-06"):
        for m in RESHARE_RE.finditer(text):
            handle = m.group(1).lower()
            if handle in p.politician_handles or POLITICAL_HANDLE_RE.search(handle):
                out.add(
                    "PUB-06",
                    m.start(),
                    m.end(),
                    f"This reshares @{m.group(1)}, a party or politician: no shares of parties or politicians "
                    f"during {period}.{suffix}",
                    cap=cap,
                )
    if p.on("PUB-07"):
        list_matches(
            out,
            "PUB-07",
            p.lists[ListKind.CONTROVERSIAL],
            text,
            "“{word}” is a politically controversial topic: take care during " + period + "." + suffix,
        )
    if p.on("PUB-09") and not STATUTORY_RE.search(text):
        list_matches(
            out,
            "PUB-09",
            p.lists[ListKind.CONSULTATION],
            text,
            "“{word}”: no new non-statutory consultations during "
            + period
            + ". Say so in the text if this consultation is statutory."
            + suffix,
        )
    if p.on("PUB-10"):
        for m in RECORD_RE.finditer(text):
            out.add(
                "PUB-10",
                m.start(),
                m.end(),
                f"“{m.group(0)}” refers to the administration's record: avoid it during {period}.{suffix}",
                cap=cap,
            )


def _check_referendum(out: Out, p: CompiledPolicy, text: str, referendum: CompiledReferendum, why: str) -> None:
    """PUB-13. Not lifted by an emergency override: s.125 is the law, not guidance. Its own exemptions
    (information about the poll, press notices) lower a finding to a warning for the approver."""
    issue = p.lists.get(ListKind.REFERENDUM_ISSUE)
    if issue is None:
        return
    exempt_pattern = p.lists.get(ListKind.REFERENDUM_EXEMPT)
    exempt = exempt_pattern.search(text) if exempt_pattern is not None else None
    period = (
        f"the referendum period for “{referendum.question}” (the 28 days ending with polling day, "
        f"{referendum.poll_date:%-d %B %Y})"
    )
    for m in issue.finditer(text):
        if exempt is not None:
            out.add(
                "PUB-13",
                m.start(),
                m.end(),
                f"“{m.group(0)}” is about the referendum question, but “{exempt.group(0)}” reads as information "
                f"about the poll or a press notice, which are exempt during {period}. Check it gives only "
                f"facts about voting, with no arguments on the question. {why}",
                cap=Severity.WARN,
            )
        else:
            out.add(
                "PUB-13",
                m.start(),
                m.end(),
                f"“{m.group(0)}” is about the referendum question: during {period} the council must not "
                f"publish information, issues or arguments on it. Only information about the poll and "
                f"press notices are exempt. {why}",
            )


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
    return [f for f in found if contact_key(text[f[0] : f[1]]) not in p.allowed_contacts]


def _check_people(out: Out, p: CompiledPolicy, text: str, is_reply: bool) -> None:
    reply_rule = is_reply and p.on("DP-05")
    if reply_rule or p.on("DP-01"):
        for start, end, what in _personal_data(p, text, is_reply):
            if reply_rule:
                out.add(
                    "DP-05", start, end, f"This public reply gives {what}. Move private matters to a direct message."
                )
            elif what != "a home address":
                out.add(
                    "DP-01",
                    start,
                    end,
                    f"This looks like {what}: residents' personal data needs a recorded "
                    "lawful basis or consent. If it is the council's own, add it to the allowed contact details.",
                )
    if p.on("DP-04"):
        flagged: set[int] = set()
        for ctx in CHILD_CONTEXT_RE.finditer(text):
            lo, hi = max(0, ctx.start() - 80), min(len(text), ctx.end() + 80)
            for m in CAPITALISED_RE.finditer(text, lo, hi):
                if m.group(0).lower() in FIRST_NAMES and m.start() not in flagged:
                    flagged.add(m.start())
                    out.add(
                        "DP-04",
                        m.start(),
                        m.end(),
                        f"“{m.group(0)}” looks like a child's name. Never give a child's name with their "
                        "image, and avoid details that identify them, such as their school.",
                    )


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
    out = Out(policy)
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
    check_accessibility(out, policy, text, images)
    if in_wales and not is_reply and policy.on("PUB-15"):
        check_welsh(out, text, has_language_pair)
    check_platforms(out, policy, text, images, targets)
    findings = sorted(out.findings, key=lambda f: (f.start, f.end, f.rule))
    return CheckResult(
        findings=findings,
        blocked=any(f.severity == Severity.BLOCK for f in findings),
        forces_approval=any(f.rule == "LOCAL-01" for f in findings),
        election="; ".join(applied),
        override_applied=bool(override_note) and bool(applied),
    )
