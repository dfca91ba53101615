"""A post's state as the audit trail records it, and who may still change a draft."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError

from townsquare.audit.services import snapshot
from townsquare.publishing.models import Post

if TYPE_CHECKING:
    from townsquare.accounts.models import User

EDITABLE = (Post.Status.DRAFT, Post.Status.REJECTED, Post.Status.RETURNED)
MAX_TEXT = 10_000
AUDITED = [
    "text",
    "link",
    "language",
    "pair_id",
    "campaign_id",
    "service_id",
    "scheduled_for",
    "status",
    "forces_approval",
    "approved_by_id",
    "second_approved_by_id",
    "decision_reason",
]


def post_state(post: Post) -> dict[str, Any]:
    state = snapshot(post, AUDITED)
    state["targets"] = {
        t.channel_id: {"status": t.status, "text": t.text_override, "due_at": t.due_at} for t in post.targets.all()
    }
    state["images"] = [{"id": i.pk, "alt": i.alt_text} for i in post.images.all()]
    return state


def editable_by(actor: User, post: Post) -> None:
    if post.author_id != actor.pk:
        raise PermissionDenied("Only the author can change a draft.")
    if post.status not in EDITABLE:
        raise ValidationError(f"This post is {post.get_status_display().lower()}: it can no longer be changed.")
