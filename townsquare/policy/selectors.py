"""Reads for the policy pages: the rules as a council has set them, elections, overrides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from townsquare.channels.models import Channel, Platform
from townsquare.councils.roles import Perm
from townsquare.policy.catalogue import RULES, ListKind, Rule
from townsquare.policy.defaults import default_words, parse_words
from townsquare.policy.engine import Finding
from townsquare.policy.models import ChannelArea, Election, EmergencyOverride, Referendum, RuleSetting, WordList

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from townsquare.councils.models import Council


def can_manage_policy(perms: frozenset[str]) -> bool:
    """Communications officers and administrators set the rules."""
    return Perm.APPROVE_POSTS in perms or Perm.MANAGE_SETTINGS in perms


def channels_resolve(*, council: Council, given: list[object]) -> list[Channel | str]:
    """Each entry as a channel of the council (by id, then handle), else as a platform name.

    Raises ``LookupError`` naming the first entry that is none of these.
    """
    channels = list(Channel.objects.filter(council=council))
    by_id = {str(c.pk): c for c in channels}
    by_handle = {c.handle.lstrip("@").lower(): c for c in channels}
    resolved: list[Channel | str] = []
    for entry in given:
        key = str(entry).strip()
        if key in by_id:
            resolved.append(by_id[key])
        elif key.lstrip("@").lower() in by_handle:
            resolved.append(by_handle[key.lstrip("@").lower()])
        elif key.lower() in Platform.values:
            resolved.append(key.lower())
        else:
            raise LookupError(f"{key!r} is not a channel of {council.slug} (by id or handle) nor a platform name.")
    return resolved


@dataclass(frozen=True)
class RuleRow:
    rule: Rule
    enabled: bool
    severity: str
    lists: tuple[tuple[str, str, list[str]], ...]  # kind, label, words
    changed: bool


def rule_rows(*, council: Council) -> list[RuleRow]:
    settings = {s.rule: s for s in RuleSetting.objects.filter(council=council)}
    stored = dict(WordList.objects.filter(council=council).values_list("kind", "words"))
    rows = []
    for rule in RULES:
        setting = settings.get(rule.id)
        lists = tuple(
            (kind, ListKind(kind).label, parse_words(stored[kind]) if kind in stored else default_words(kind))
            for kind in rule.lists
        )
        rows.append(
            RuleRow(
                rule=rule,
                enabled=setting.enabled if setting else True,
                severity=setting.severity if setting else rule.severity,
                lists=lists,
                changed=setting is not None or any(k in stored for k in rule.lists),
            )
        )
    return rows


def elections_of(*, council: Council) -> QuerySet[Election]:
    return Election.objects.filter(council=council).order_by("-poll_date")


def words_of(*, council: Council, kind: str) -> list[str]:
    stored = WordList.objects.filter(council=council, kind=kind).values_list("words", flat=True).first()
    return parse_words(stored) if stored is not None else default_words(kind)


def referendums_of(*, council: Council) -> QuerySet[Referendum]:
    return Referendum.objects.filter(council=council).order_by("-poll_date")


@dataclass(frozen=True)
class ChannelAreaRow:
    channel: Channel
    wards: list[str]  # empty: serves the whole council


def channel_areas_of(*, council: Council) -> list[ChannelAreaRow]:
    """Every channel of the council that is not closed, with the wards it serves (PUB-12)."""
    served = {a.channel_id: a.ward_list for a in ChannelArea.objects.filter(council=council)}
    channels = Channel.objects.filter(council=council).exclude(status=Channel.Status.CLOSED).order_by("name")
    return [ChannelAreaRow(channel=c, wards=served.get(c.pk, [])) for c in channels]


def overrides_of(*, council: Council) -> QuerySet[EmergencyOverride]:
    return EmergencyOverride.objects.filter(council=council).select_related("actor").order_by("-created_at")


def highlighted(text: str, findings: list[Finding]) -> SafeString:
    """The draft as HTML with each finding's span marked and numbered (overlaps merge)."""
    spans: list[tuple[int, int, list[int]]] = []
    for number, f in enumerate(findings, start=1):
        if f.end <= f.start:
            continue
        if spans and f.start < spans[-1][1]:
            start, end, numbers = spans[-1]
            spans[-1] = (start, max(end, f.end), [*numbers, number])
        else:
            spans.append((f.start, f.end, [number]))
    parts: list[SafeString] = []
    pos = 0
    for start, end, numbers in spans:
        parts.append(format_html("{}", text[pos:start]))
        worst = (
            "block"
            if any(findings[n - 1].severity == "block" for n in numbers)
            else ("warn" if any(findings[n - 1].severity == "warn" for n in numbers) else "info")
        )
        parts.append(
            format_html(
                '<mark class="ts-finding ts-finding--{}">{}<sup>[{}]</sup></mark>',
                worst,
                text[start:end],
                format_html_join(", ", "{}", ((n,) for n in numbers)),
            )
        )
        pos = end
    parts.append(format_html("{}", text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html
