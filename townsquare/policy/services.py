"""Policy checks on drafts, and changes to a council's policy settings (each audited).

Public contract (publishing and the inbox build on it; it does not change):

``check_draft(*, council, text, channels=(), images=(), scheduled_for=None, is_reply=False,
override=None, has_language_pair=False) -> CheckResult``
    Runs every rule the council has switched on against one draft (a post or a reply) and returns
    ``CheckResult(findings: list[Finding], blocked: bool, forces_approval: bool, election: str,
    override_applied: bool)``.

    - ``channels``: ``Channel`` objects or platform names (``"x"``, ``"bluesky"``...). With none, the
      platform-dependent rules (PLAT-01..04) do not run; every other rule does.
    - ``images``: one dict per image, ``{"alt": "..."}`` (other keys ignored).
    - ``scheduled_for``: when it will be published (aware; a naive value is read as Europe/London);
      ``None`` means now. The pre-election rules (PUB-04..PUB-10) run when that moment falls inside
      an election's window: from the start of the notice day to 10pm on polling day, Europe/London.
    - ``is_reply``: replies skip the Welsh pairing rule and any personal data in them is DP-05.
    - ``override``: an ``EmergencyOverride`` from ``emergency_override_record`` for this council.
      Inside an election window it turns the pre-election findings into ``info`` (still listed, with
      the reason). It never lifts party-political (PUB-02) or any other rule.
    - ``has_language_pair``: the draft is linked to its Welsh/English counterpart (PUB-15 satisfied).

    ``Finding`` is a frozen dataclass: ``rule`` (an id such as PUB-04, DP-01, AX-03), ``severity``
    (``block``, ``warn``, ``info``), ``start``/``end`` (character offsets into ``text``; both 0 for a
    finding about an image or the draft as a whole), ``message`` (plain English), ``source`` (the
    guidance it comes from), and ``suggestion``, ``platform``, ``image`` (may be empty).
    ``blocked`` is true when any finding blocks; ``forces_approval`` when a word on the council's
    blocked-words list (LOCAL-01) appears, which sends the draft for approval even from someone
    allowed to publish directly. ``result.as_dict()`` gives the JSON form.

``election_window_for(council, when) -> ElectionWindow | None``
    The election whose pre-election period contains ``when`` (None outside every window).

``emergency_override_record(*, actor, council, draft_ref, reason) -> EmergencyOverride``
    Records who allowed which draft (``draft_ref``, e.g. ``"publishing.post:42"``) to go out in a
    pre-election period, and why. ``reason`` must not be blank (``ValidationError``). Audited
    (``policy.override_recorded``) in the same transaction.

The settings services (``rule_setting_update``, ``word_list_update``, ``election_save``,
``election_delete``) are for the policy pages; each writes an audit event in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from townsquare.audit.services import audit_record, snapshot
from townsquare.policy.cache import LONDON, compiled_policy, invalidate
from townsquare.policy.catalogue import RULES_BY_ID, ListKind, Severity
from townsquare.policy.defaults import default_words, parse_words
from townsquare.policy.engine import CheckResult, Finding, Target, run_checks
from townsquare.policy.models import Election, EmergencyOverride, PolicyVersion, RuleSetting, WordList
from townsquare.policy.platforms import rules_for

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council

__all__ = [
    "CheckResult", "ElectionWindow", "Finding", "check_draft", "election_delete", "election_save",
    "election_window_for", "emergency_override_record", "rule_configure", "rule_setting_update", "word_list_update",
]


@dataclass(frozen=True)
class ElectionWindow:
    election_id: int
    title: str
    area: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _aware(when: dt.datetime | None) -> dt.datetime:
    if when is None:
        return timezone.now()
    return when if timezone.is_aware(when) else when.replace(tzinfo=LONDON)


def _targets(channels: Sequence[Channel | str]) -> list[Target]:
    targets: list[Target] = []
    for channel in channels:
        platform = channel if isinstance(channel, str) else channel.platform
        rules = rules_for(platform.strip().lower())
        if rules is None:
            continue  # a platform nobody has rules for: nothing platform-specific to check
        label = rules.label if isinstance(channel, str) else f"{rules.label} ({channel.handle})"
        targets.append(Target(label=label, rules=rules))
    return targets


def check_draft(
    *,
    council: Council,
    text: str,
    channels: Sequence[Channel | str] = (),
    images: Sequence[dict[str, Any]] = (),
    scheduled_for: dt.datetime | None = None,
    is_reply: bool = False,
    override: EmergencyOverride | None = None,
    has_language_pair: bool = False,
) -> CheckResult:
    """Check one draft against the council's rules; see the module docstring for the contract."""
    policy = compiled_policy(council)
    note = ""
    if override is not None and override.council_id == council.pk:
        note = f"Allowed by emergency override: “{override.reason}”."
    return run_checks(
        policy, text=text or "", targets=_targets(channels), images=list(images or ()),
        when=_aware(scheduled_for), is_reply=is_reply, in_wales=council.in_wales, override_note=note,
        has_language_pair=has_language_pair,
    )


def election_window_for(council: Council, when: dt.datetime | None = None) -> ElectionWindow | None:
    moment = _aware(when)
    election = compiled_policy(council).election_at(moment)
    if election is None:
        return None
    return ElectionWindow(election.id, election.title, election.area, election.starts_at, election.ends_at)


def _bump(council: Council) -> None:
    """Tell every process its compiled rules for this council are stale."""
    PolicyVersion.objects.get_or_create(council=council)
    PolicyVersion.objects.filter(council=council).update(version=F("version") + 1)
    invalidate(council)
    transaction.on_commit(lambda: invalidate(council))


def emergency_override_record(*, actor: User | None, council: Council, draft_ref: str, reason: str) -> EmergencyOverride:
    reason = (reason or "").strip()
    draft_ref = (draft_ref or "").strip()
    if not reason:
        raise ValidationError("Write why this must go out during the pre-election period.")
    if not draft_ref:
        raise ValidationError("Say which draft the override is for.")
    with transaction.atomic():
        override = EmergencyOverride.objects.create(council=council, actor=actor, draft_ref=draft_ref[:120],
                                                    reason=reason)
        audit_record(actor=actor, council=council, action="policy.override_recorded", obj=override,
                     after={"draft_ref": override.draft_ref, "reason": reason}, reason=reason)
    return override


def rule_setting_update(*, actor: User | None, council: Council, rule: str, enabled: bool, severity: str) -> RuleSetting:
    if rule not in RULES_BY_ID:
        raise ValidationError(f"There is no rule {rule}.")
    if severity not in Severity.values:
        raise ValidationError("Choose block, warn or info.")
    default = RULES_BY_ID[rule]
    with transaction.atomic():
        setting, _ = RuleSetting.objects.select_for_update().get_or_create(
            council=council, rule=rule, defaults={"enabled": True, "severity": default.severity})
        before = {"enabled": setting.enabled, "severity": setting.severity}
        after = {"enabled": enabled, "severity": severity}
        if before != after:
            setting.enabled, setting.severity = enabled, severity
            setting.save()
            audit_record(actor=actor, council=council, action="policy.rule_changed", obj=setting,
                         before={"rule": rule, **before}, after={"rule": rule, **after})
            _bump(council)
    return setting


def words_for(*, council: Council, kind: str) -> list[str]:
    stored = WordList.objects.filter(council=council, kind=kind).values_list("words", flat=True).first()
    return parse_words(stored) if stored is not None else default_words(kind)


def word_list_update(*, actor: User | None, council: Council, kind: str, words: str) -> WordList:
    if kind not in ListKind.values:
        raise ValidationError(f"There is no word list {kind}.")
    entries = parse_words(words)
    if any(len(e) > 200 for e in entries):
        raise ValidationError("Each line must be 200 characters or fewer.")
    before = words_for(council=council, kind=kind)
    with transaction.atomic():
        word_list, _ = WordList.objects.select_for_update().get_or_create(council=council, kind=kind)
        word_list.words = "\n".join(entries)
        word_list.save()
        if entries != before:
            added = [e for e in entries if e not in before]
            removed = [e for e in before if e not in entries]
            audit_record(actor=actor, council=council, action="policy.word_list_changed", obj=word_list,
                         before={"kind": kind, "words": before},
                         after={"kind": kind, "words": entries, "added": added, "removed": removed})
        _bump(council)
    return word_list


def rule_configure(*, actor: User | None, council: Council, rule: str, enabled: bool, severity: str,
                   lists: dict[str, str]) -> None:
    """The rule page's save: switch, severity and the rule's word lists, in one transaction."""
    allowed = set(RULES_BY_ID[rule].lists) if rule in RULES_BY_ID else set()
    if set(lists) - allowed:
        raise ValidationError("That word list does not belong to this rule.")
    with transaction.atomic():
        rule_setting_update(actor=actor, council=council, rule=rule, enabled=enabled, severity=severity)
        for kind, words in lists.items():
            if parse_words(words) != words_for(council=council, kind=kind):
                word_list_update(actor=actor, council=council, kind=kind, words=words)


ELECTION_FIELDS = ["title", "election_type", "notice_date", "poll_date", "area", "wards", "candidates"]


def election_save(*, actor: User | None, council: Council, election: Election | None = None,
                  data: dict[str, Any]) -> Election:
    """Record a new election or change one; ``data`` holds ELECTION_FIELDS (already validated)."""
    if data["poll_date"] < data["notice_date"]:
        raise ValidationError("Polling day must be on or after the notice of election.")
    creating = election is None
    with transaction.atomic():
        target = election or Election(council=council, created_by=actor)
        before = None if creating else snapshot(target, ELECTION_FIELDS)
        for name in ELECTION_FIELDS:
            setattr(target, name, data.get(name, "") if name not in {"notice_date", "poll_date"} else data[name])
        target.save()
        after = snapshot(target, ELECTION_FIELDS)
        if creating or after != before:
            audit_record(actor=actor, council=council,
                         action="policy.election_recorded" if creating else "policy.election_changed",
                         obj=target, before=before, after=after)
        _bump(council)
    return target


def election_delete(*, actor: User | None, council: Council, election: Election, reason: str = "") -> None:
    with transaction.atomic():
        before = snapshot(election, ELECTION_FIELDS)
        audit_record(actor=actor, council=council, action="policy.election_removed", obj=election, before=before,
                     reason=reason)
        election.delete()
        _bump(council)
