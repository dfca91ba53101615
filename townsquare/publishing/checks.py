"""The publishing side of policy checks: run the council's rules on a post, and record overrides.

The rules themselves live in ``townsquare.policy``; this module turns a post into the arguments
``check_draft`` takes and keeps the result in a shape templates and the API can show. Publishing
adds one check of its own that no council may switch off: an image without alt text cannot be
submitted (Public Sector Bodies Accessibility Regulations 2018).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from townsquare.policy.platforms import overflow_at, rules_for

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.publishing.models import Post

ALT_TEXT_RULE = "PUBLISH-ALT"
ALT_TEXT_SOURCE = "Public Sector Bodies Accessibility Regulations 2018; GCS accessible social media guidance"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # block | warn | info
    message: str
    source: str = ""
    start: int | None = None
    end: int | None = None
    channel_id: int | None = None
    election: bool = False  # an emergency override may lift it

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "source": self.source,
                "start": self.start, "end": self.end, "channel_id": self.channel_id, "election": self.election}


@dataclass(frozen=True)
class PostCheck:
    findings: list[Finding] = field(default_factory=list)
    forces_approval: bool = False

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "block"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warn"]

    @property
    def overridable(self) -> bool:
        """Every block comes from a pre-election rule: an emergency override with a reason may lift it."""
        return bool(self.blocking) and all(f.election for f in self.blocking)


def _election_rule(rule_id: str) -> bool:
    try:
        from townsquare.policy.catalogue import RULES_BY_ID
    except ImportError:  # pragma: no cover - the catalogue ships with the policy app
        return False
    rule = RULES_BY_ID.get(rule_id)
    return bool(rule and rule.election)


def _read(finding: Any, name: str, default: Any = None) -> Any:
    if isinstance(finding, dict):
        return finding.get(name, default)
    return getattr(finding, name, default)


def _convert(raw: Any, channel_id: int | None) -> Finding:
    rule = str(_read(raw, "rule", "") or _read(raw, "rule_id", ""))
    severity = str(_read(raw, "severity", "info"))
    return Finding(
        rule=rule,
        severity=getattr(_read(raw, "severity"), "value", severity),
        message=str(_read(raw, "message", "") or _read(raw, "reason", "")),
        source=str(_read(raw, "source", "") or ""),
        start=_read(raw, "start"),
        end=_read(raw, "end"),
        channel_id=channel_id,
        election=_election_rule(rule),
    )


def _policy_check(**kwargs: Any) -> tuple[list[Any], bool]:
    """Call the policy engine; without it installed only publishing's own checks run."""
    if find_spec("townsquare.policy.services") is None:
        return [], False
    services = import_module("townsquare.policy.services")
    result = services.check_draft(**kwargs)
    return list(result.findings), bool(result.forces_approval)


def post_check(*, post: Post) -> PostCheck:
    """Every finding on the post: the common text once, and each channel's own wording separately."""
    targets = list(post.targets.select_related("channel"))
    images = [{"alt": image.alt_text} for image in post.images.all()]
    findings: list[Finding] = []
    forces = False
    seen: set[tuple[str, int | None, int | None, str]] = set()

    def add(found: Finding) -> None:
        key = (found.rule, found.start, found.end, found.message)
        if key not in seen:
            seen.add(key)
            findings.append(found)

    common_channels = [t.channel.platform for t in targets if not t.text_override]
    text = post.text if not post.link or post.link in post.text else f"{post.text}\n{post.link}"
    raw, forced = _policy_check(council=post.council, text=text, channels=common_channels, images=images,
                                scheduled_for=post.scheduled_for, is_reply=post.is_reply)
    forces |= forced
    for item in raw:
        add(_convert(item, None))
    for target in targets:
        if not target.text_override:
            continue
        variant = target.text_override
        if post.link and post.link not in variant:
            variant = f"{variant}\n{post.link}"
        raw, forced = _policy_check(council=post.council, text=variant, channels=[target.channel.platform],
                                    images=images, scheduled_for=post.scheduled_for, is_reply=post.is_reply)
        forces |= forced
        for item in raw:
            add(_convert(item, target.channel_id))
    for index, image in enumerate(post.images.all(), start=1):
        if not image.alt_text.strip():
            add(Finding(rule=ALT_TEXT_RULE, severity="block", source=ALT_TEXT_SOURCE,
                        message=f"Image {index} has no alt text: describe what it shows for people who cannot see it."))
    order = {"block": 0, "warn": 1, "info": 2}
    findings.sort(key=lambda f: (order.get(f.severity, 3), f.rule))
    return PostCheck(findings=findings, forces_approval=forces)


def override_record(*, actor: User, post: Post, reason: str) -> None:
    """Record an emergency override through the policy package (which audits it)."""
    services = import_module("townsquare.policy.services")
    services.override_record(actor=actor, council=post.council, draft_ref=post.draft_ref, reason=reason)


@dataclass(frozen=True)
class Preview:
    channel_id: int
    channel_name: str
    platform: str
    platform_label: str
    text: str
    count: int
    limit: int | None
    over_by: int
    overflow_at: int | None
    hashtags: list[str]
    link: str
    images: list[dict[str, str]]
    too_many_images: bool


def post_previews(*, post: Post, targets: list[Any] | None = None) -> list[Preview]:
    """What each channel will show: its wording, the platform's count against its limit, images."""
    targets = targets if targets is not None else list(post.targets.select_related("channel"))
    images = [{"url": image.file.url if image.file else "", "alt": image.alt_text} for image in post.images.all()]
    result = []
    for target in targets:
        text = target.text_override or post.text
        if post.link and post.link not in text:
            text = f"{text}\n{post.link}" if text else post.link
        rules = rules_for(target.channel.platform)
        count, cut = overflow_at(text, rules) if rules else (len(text), None)
        limit = rules.max_chars if rules else None
        result.append(Preview(
            channel_id=target.channel_id, channel_name=target.channel.name, platform=target.channel.platform,
            platform_label=target.channel.get_platform_display(), text=text, count=count, limit=limit,
            over_by=max(0, count - limit) if limit else 0, overflow_at=cut,
            hashtags=re.findall(r"#\w+", text), link=post.link, images=images,
            too_many_images=bool(rules and len(images) > rules.max_images),
        ))
    return result
