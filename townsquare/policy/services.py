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
    - ``campaign_name``/``campaign_created_at``: the draft's campaign, if any. Inside a pre-election
      period, a campaign created on or after the notice day is a PUB-08 warning.

    PUB-12: a council-wide election (local, general, devolved) binds every draft; a by-election, or
    another poll recorded with wards, binds a draft only when it goes to a channel recorded as
    serving one of its wards (``channel_area_update``), names one of its wards or its area, or names
    one of its candidates. Each pre-election finding says which election and why it applies.
    PUB-13: inside a referendum period (the 28 days ending with polling day, Europe/London), words on
    the council's referendum-issue list block a draft, unless it also reads as poll information or a
    press notice (then a warning). An emergency override does not lift PUB-13.

    ``Finding`` is a frozen dataclass: ``rule`` (an id such as PUB-04, DP-01, AX-03), ``severity``
    (``block``, ``warn``, ``info``), ``start``/``end`` (character offsets into ``text``; both 0 for a
    finding about an image or the draft as a whole), ``message`` (plain English), ``source`` (the
    guidance it comes from), and ``suggestion``, ``platform``, ``image`` (may be empty).
    ``blocked`` is true when any finding blocks; ``forces_approval`` when a word on the council's
    blocked-words list (LOCAL-01) appears, which sends the draft for approval even from someone
    allowed to publish directly. ``result.as_dict()`` gives the JSON form.

``election_window_for(council, when) -> ElectionWindow | None``
    The election whose pre-election period contains ``when`` (None outside every window); a
    council-wide election before an area-scoped one. ``election_windows_for`` lists them all, and
    ``referendum_periods_for`` the referendum periods.

``emergency_override_record(*, actor, council, draft_ref, reason) -> EmergencyOverride``
    Records who allowed which draft (``draft_ref``, e.g. ``"publishing.post:42"``) to go out in a
    pre-election period, and why. ``reason`` must not be blank (``ValidationError``). Audited
    (``policy.override_recorded``) in the same transaction.

The settings services (``rule_setting_update``, ``word_list_update``, ``election_save``,
``election_delete``, ``referendum_save``, ``referendum_delete``, ``channel_area_update``) are for the
policy pages; each writes an audit event in its transaction.
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
from townsquare.channels.models import Platform
from townsquare.policy.cache import LONDON, compiled_policy, invalidate
from townsquare.policy.catalogue import RULES_BY_ID, ListKind, Severity
from townsquare.policy.defaults import default_words, parse_words
from townsquare.policy.engine import CheckResult, Finding, Target, run_checks
from townsquare.policy.models import (
    ChannelArea,
    Election,
    EmergencyOverride,
    Referendum,
    RuleSetting,
    RulesRevision,
    WordList,
)
from townsquare.policy.platforms import rules_for

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel
    from townsquare.councils.models import Council

__all__ = [
    "CheckResult",
    "ElectionWindow",
    "Finding",
    "ReferendumPeriod",
    "channel_area_update",
    "check_draft",
    "election_delete",
    "election_save",
    "election_window_for",
    "election_windows_for",
    "emergency_override_record",
    "referendum_delete",
    "referendum_periods_for",
    "referendum_save",
    "rule_configure",
    "rule_setting_update",
    "word_list_update",
]


# Looked up once: ``get_platform_display`` rebuilds the choices on every call, a cost on each check.
PLATFORM_LABELS: dict[str, str] = {str(value): str(label) for value, label in Platform.choices}


@dataclass(frozen=True)
class ElectionWindow:
    election_id: int
    title: str
    area: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    scoped: bool = False  # binds only posts about ``places`` (PUB-12)
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferendumPeriod:
    referendum_id: int
    question: str
    poll_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    scoped: bool = False
    places: tuple[str, ...] = ()


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
    campaign_name: str = "",
    campaign_created_at: dt.datetime | None = None,
) -> CheckResult:
    """Check one draft against the council's rules; see the module docstring for the contract."""
    policy = compiled_policy(council)
    note = ""
    if override is not None and override.council_id == council.pk:
        note = f"Allowed by emergency override: “{override.reason}”."
    refs = [
        (c.pk, f"{c.name} ({PLATFORM_LABELS.get(c.platform, c.platform)})") for c in channels if not isinstance(c, str)
    ]
    campaign = (campaign_name or "this campaign", _aware(campaign_created_at)) if campaign_created_at else None
    return run_checks(
        policy,
        text=text or "",
        targets=_targets(channels),
        images=list(images or ()),
        when=_aware(scheduled_for),
        is_reply=is_reply,
        in_wales=council.in_wales,
        override_note=note,
        has_language_pair=has_language_pair,
        channels=refs,
        campaign=campaign,
    )


def election_windows_for(council: Council, when: dt.datetime | None = None) -> list[ElectionWindow]:
    return [
        ElectionWindow(e.id, e.title, e.area, e.starts_at, e.ends_at, e.scoped, e.places)
        for e in compiled_policy(council).elections_at(_aware(when))
    ]


def election_window_for(council: Council, when: dt.datetime | None = None) -> ElectionWindow | None:
    windows = election_windows_for(council, when)
    return windows[0] if windows else None


def referendum_periods_for(council: Council, when: dt.datetime | None = None) -> list[ReferendumPeriod]:
    return [
        ReferendumPeriod(r.id, r.question, r.poll_date, r.starts_at, r.ends_at, r.scoped, r.places)
        for r in compiled_policy(council).referendums_at(_aware(when))
    ]


def _bump(council: Council) -> None:
    """Tell every process its compiled rules for this council are stale."""
    RulesRevision.objects.get_or_create(council=council)
    RulesRevision.objects.filter(council=council).update(version=F("version") + 1)
    invalidate(council)
    transaction.on_commit(lambda: invalidate(council))


def emergency_override_record(
    *, actor: User | None, council: Council, draft_ref: str, reason: str
) -> EmergencyOverride:
    reason = (reason or "").strip()
    draft_ref = (draft_ref or "").strip()
    if not reason:
        raise ValidationError("Write why this must go out during the pre-election period.")
    if not draft_ref:
        raise ValidationError("Say which draft the override is for.")
    with transaction.atomic():
        override = EmergencyOverride.objects.create(
            council=council, actor=actor, draft_ref=draft_ref[:120], reason=reason
        )
        audit_record(
            actor=actor,
            council=council,
            action="policy.override_recorded",
            obj=override,
            after={"draft_ref": override.draft_ref, "reason": reason},
            reason=reason,
        )
    return override


def rule_setting_update(
    *, actor: User | None, council: Council, rule: str, enabled: bool, severity: str
) -> RuleSetting:
    if rule not in RULES_BY_ID:
        raise ValidationError(f"There is no rule {rule}.")
    if severity not in Severity.values:
        raise ValidationError("Choose block, warn or info.")
    default = RULES_BY_ID[rule]
    with transaction.atomic():
        setting, _ = RuleSetting.objects.select_for_update().get_or_create(
            council=council, rule=rule, defaults={"enabled": True, "severity": default.severity}
        )
        before = {"enabled": setting.enabled, "severity": setting.severity}
        after = {"enabled": enabled, "severity": severity}
        if before != after:
            setting.enabled, setting.severity = enabled, severity
            setting.save()
            audit_record(
                actor=actor,
                council=council,
                action="policy.rule_changed",
                obj=setting,
                before={"rule": rule, **before},
                after={"rule": rule, **after},
            )
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
            audit_record(
                actor=actor,
                council=council,
                action="policy.word_list_changed",
                obj=word_list,
                before={"kind": kind, "words": before},
                after={"kind": kind, "words": entries, "added": added, "removed": removed},
            )
        _bump(council)
    return word_list


def rule_configure(
    *, actor: User | None, council: Council, rule: str, enabled: bool, severity: str, lists: dict[str, str]
) -> None:
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


def election_save(
    *, actor: User | None, council: Council, election: Election | None = None, data: dict[str, Any]
) -> Election:
    """Record a new election or change one; ``data`` holds ELECTION_FIELDS (already validated)."""
    if data["poll_date"] < data["notice_date"]:
        raise ValidationError("Polling day must be on or after the notice of election.")
    with transaction.atomic():
        target = election or Election(council=council, created_by=actor)
        before = None if election is None else snapshot(target, ELECTION_FIELDS)
        for name in ELECTION_FIELDS:
            setattr(target, name, data.get(name, "") if name not in {"notice_date", "poll_date"} else data[name])
        _save_audited(
            actor=actor, council=council, target=target, fields=ELECTION_FIELDS, noun="election", before=before
        )
    return target


def election_delete(*, actor: User | None, council: Council, election: Election, reason: str = "") -> None:
    _delete_audited(
        actor=actor, council=council, target=election, fields=ELECTION_FIELDS, noun="election", reason=reason
    )


def _save_audited(
    *,
    actor: User | None,
    council: Council,
    target: Election | Referendum,
    fields: list[str],
    noun: str,
    before: dict[str, Any] | None,
) -> None:
    """Save a period record whose fields are set; audit it as recorded (``before`` None) or changed, if it was."""
    target.save()
    after = snapshot(target, fields)
    if before is None or after != before:
        audit_record(
            actor=actor,
            council=council,
            action=f"policy.{noun}_recorded" if before is None else f"policy.{noun}_changed",
            obj=target,
            before=before,
            after=after,
        )
    _bump(council)


def _delete_audited(
    *, actor: User | None, council: Council, target: Election | Referendum, fields: list[str], noun: str, reason: str
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=council,
            action=f"policy.{noun}_removed",
            obj=target,
            before=snapshot(target, fields),
            reason=reason,
        )
        target.delete()
        _bump(council)


REFERENDUM_FIELDS = ["question", "poll_date", "area", "wards"]


def referendum_save(
    *, actor: User | None, council: Council, referendum: Referendum | None = None, data: dict[str, Any]
) -> Referendum:
    """Record a referendum or change one; ``data`` holds REFERENDUM_FIELDS (already validated)."""
    question = " ".join(str(data.get("question") or "").split())
    if not question:
        raise ValidationError("Write the referendum question.")
    if not isinstance(data.get("poll_date"), dt.date):
        raise ValidationError("Give polling day as a date.")
    with transaction.atomic():
        target = referendum or Referendum(council=council, created_by=actor)
        before = None if referendum is None else snapshot(target, REFERENDUM_FIELDS)
        target.question, target.poll_date = question, data["poll_date"]
        target.area, target.wards = str(data.get("area") or "").strip(), str(data.get("wards") or "").strip()
        _save_audited(
            actor=actor, council=council, target=target, fields=REFERENDUM_FIELDS, noun="referendum", before=before
        )
    return target


def referendum_delete(*, actor: User | None, council: Council, referendum: Referendum, reason: str = "") -> None:
    _delete_audited(
        actor=actor, council=council, target=referendum, fields=REFERENDUM_FIELDS, noun="referendum", reason=reason
    )


def channel_area_update(*, actor: User | None, council: Council, channel: Channel, wards: str) -> ChannelArea | None:
    """Record the wards a channel serves (PUB-12); empty wards means the whole council (row removed)."""
    if channel.council_id != council.pk:
        raise ValidationError("That channel belongs to another council.")
    entries = parse_words(wards)
    if any(len(e) > 200 for e in entries):
        raise ValidationError("Each ward must be 200 characters or fewer.")
    with transaction.atomic():
        existing = ChannelArea.objects.select_for_update().filter(channel=channel).first()
        before = existing.ward_list if existing else []
        if entries == before:
            return existing
        if entries:
            area = existing or ChannelArea(council=council, channel=channel)
            area.wards = "\n".join(entries)
            area.save()
        else:
            assert existing is not None
            existing.delete()
            area = None
        audit_record(
            actor=actor,
            council=council,
            action="policy.channel_area_changed",
            obj=channel,
            before={"channel": channel.pk, "wards": before},
            after={"channel": channel.pk, "wards": entries},
        )
        _bump(council)
    return area
