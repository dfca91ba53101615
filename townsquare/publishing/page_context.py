"""What the publishing pages share: the person's permissions in the council, the posts they may see,
a refusal's messages, and a post's findings and previews as its pages show them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from townsquare.councils.models import Council
from townsquare.publishing import selectors, services
from townsquare.publishing.checks import post_check, post_previews
from townsquare.publishing.models import Post
from townsquare.publishing.selectors import (
    highlight,
    posts_visible_to,
    unconnected_targets,
)


def perms_of(request: HttpRequest) -> frozenset[str]:
    perms: frozenset[str] = request.council_perms  # type: ignore[attr-defined]
    return perms


def visible_posts(request: HttpRequest, council: Council) -> QuerySet[Post]:
    return posts_visible_to(user=request.user, council=council, perms=perms_of(request))


def error_messages(exc: ValidationError | PermissionDenied) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def post_context(post: Post) -> dict[str, Any]:
    """The findings (from a fresh check while the post can change, else as recorded) and previews."""
    if post.status in services.EDITABLE or post.status in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
        check = post_check(post=post)
        findings = [f.as_dict() for f in check.findings]
        forces = check.forces_approval
    else:
        findings, forces = post.findings, post.forces_approval
    targets = list(post.targets.select_related("channel"))
    previews = post_previews(post=post, targets=targets)
    names = {t.channel_id: t.channel.name for t in targets}
    for finding in findings:
        finding["channel_name"] = names.get(finding.get("channel_id") or 0, "")
    return {
        "post": post,
        "targets": targets,
        "previews": previews,
        "findings": findings,
        "forces_approval": forces,
        "blocking": [f for f in findings if f["severity"] == "block"],
        "warnings": [f for f in findings if f["severity"] == "warn"],
        "marked_text": highlight(post.text, findings),
        "marked_variants": [
            (t, highlight(t.text_override, findings, t.channel_id)) for t in targets if t.text_override
        ],
        "delivery": selectors.post_delivery(post),
        "unconnected": unconnected_targets(targets),
    }
