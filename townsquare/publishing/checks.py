"""The publishing side of policy checks: run the council's rules on a post, and record overrides.

The rules live in ``townsquare.policy``; this module turns a post into the arguments
``check_draft`` takes and keeps the result in a shape templates and the API can show. Publishing
adds one check of its own that no council may switch off: an image without alt text cannot be
submitted (Public Sector Bodies Accessibility Regulations 2018).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from townsquare.connectors.base import Connector
from townsquare.connectors.registry import connector_class
from townsquare.policy.catalogue import RULES
from townsquare.policy.engine import Finding
from townsquare.policy.models import EmergencyOverride
from townsquare.policy.platforms import overflow_at, rules_for
from townsquare.policy.services import check_draft, emergency_override_record
from townsquare.publishing.models import Post

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel

ALT_TEXT_RULE = "PUBLISH-ALT"
ELECTION_RULES = frozenset(rule.id for rule in RULES if rule.election)
ALT_TEXT_SOURCE = "Public Sector Bodies Accessibility Regulations 2018; GCS accessible social media guidance"


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
    def election_blocks(self) -> bool:
        """Some block comes from a pre-election rule, which an emergency override may lift."""
        return any(f.rule in ELECTION_RULES for f in self.blocking)


def text_sent(platform: str, text: str, link: str, *, media: bool) -> str:
    """The text a channel on ``platform`` is sent for this wording and link: its connector composes it."""
    try:
        return connector_class(platform).compose_text(text, link, media=media)
    except LookupError:
        return Connector.compose_text(text, link, media=media)


def post_override(post: Post) -> EmergencyOverride | None:
    """The emergency override recorded for this post, if any (the newest)."""
    return EmergencyOverride.objects.filter(council=post.council, draft_ref=post.draft_ref).first()


def post_check(*, post: Post, override: EmergencyOverride | None = None) -> PostCheck:
    """Every finding on the post: the common text once, and each channel's own wording separately."""
    targets = list(post.targets.select_related("channel"))
    images = [{"alt": image.alt_text} for image in post.images.all()]
    override = override or post_override(post)
    paired = post.pair_id is not None or Post.objects.filter(pair=post).exists()
    campaign = post.campaign  # PUB-08: a campaign set up after the notice of election
    findings: list[Finding] = []
    forces = False
    seen: set[tuple[str, int | None, int | None, str]] = set()

    def run(text: str, channels: list[Channel], channel_id: int | None) -> None:
        nonlocal forces
        result = check_draft(
            council=post.council,
            text=text,
            channels=channels,
            images=images,
            scheduled_for=post.scheduled_for,
            is_reply=post.is_reply,
            override=override,
            has_language_pair=paired,
            campaign_name=campaign.name if campaign else "",
            campaign_created_at=campaign.created_at if campaign else None,
        )
        forces = forces or bool(result.forces_approval)
        for raw in result.findings:
            found = replace(raw, channel_id=channel_id) if channel_id is not None else raw
            key = (found.rule, found.start, found.end, found.message)
            if key not in seen:
                seen.add(key)
                findings.append(found)

    media = bool(images)
    common = [t.channel for t in targets if not t.text_override]
    # What each platform is sent (its connector's ``compose_text``): channels sent the same text are checked together.
    sent: dict[str, list[Channel]] = {}
    for channel in common:
        sent.setdefault(text_sent(channel.platform, post.text, post.link, media=media), []).append(channel)
    if not targets:
        sent[text_sent("", post.text, post.link, media=media)] = []
    for text, channels in sent.items():
        run(text, channels, None)
    for target in targets:
        if target.text_override:
            run(
                text_sent(target.channel.platform, target.text_override, post.link, media=media),
                [target.channel],
                target.channel_id,
            )
    for index, image in enumerate(post.images.all(), start=1):
        already = any(
            f.rule == "AX-01" and f.severity == "block" and f.message.startswith(f"Image {index} ") for f in findings
        )
        if not image.alt_text.strip() and not already:  # the floor for councils that switched AX-01 off
            found = Finding(
                rule=ALT_TEXT_RULE,
                severity="block",
                source=ALT_TEXT_SOURCE,
                start=0,
                end=0,
                image=index,
                message=f"Image {index} has no alt text: describe what it shows for people who cannot see it.",
            )
            findings.append(found)
    order = {"block": 0, "warn": 1, "info": 2}
    findings.sort(key=lambda f: (order.get(f.severity, 3), f.rule))
    return PostCheck(findings=findings, forces_approval=forces)


def override_record(*, actor: User, post: Post, reason: str) -> EmergencyOverride:
    """Record an emergency override through the policy package (which audits it)."""
    return emergency_override_record(actor=actor, council=post.council, draft_ref=post.draft_ref, reason=reason)


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
    images = [
        {
            "url": reverse(
                "publishing:image_file", kwargs={"slug": post.council.slug, "pk": post.pk, "image_pk": image.pk}
            ),
            "alt": image.alt_text,
        }
        for image in post.images.all()
    ]
    result = []
    for target in targets:
        text = text_sent(target.channel.platform, target.text_override or post.text, post.link, media=bool(images))
        rules = rules_for(target.channel.platform)
        count, cut = overflow_at(text, rules) if rules else (len(text), None)
        limit = rules.max_chars if rules else None
        result.append(
            Preview(
                channel_id=target.channel_id,
                channel_name=target.channel.name,
                platform=target.channel.platform,
                platform_label=target.channel.get_platform_display(),
                text=text,
                count=count,
                limit=limit,
                over_by=max(0, count - limit) if limit else 0,
                overflow_at=cut,
                hashtags=re.findall(r"#\w+", text),
                link=post.link,
                images=images,
                too_many_images=bool(rules and len(images) > rules.max_images),
            )
        )
    return result
