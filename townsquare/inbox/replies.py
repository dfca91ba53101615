"""Answering from the inbox: a reply (or a private message) is a publishing post tied to the item.

It is checked by the council's policy rules as a reply (a home address given back in public is
blocked, DP-05), goes to approval unless the person may reply unapproved (``Perm.REPLY_UNAPPROVED``),
and is sent by the publishing dispatch (exactly once, or visibly not) as an answer in the item's
thread. When the platform confirms it, the item moves to "awaiting resident" in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.connectors.registry import connector_class
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.inbox.models import InboxReply, ReceivedItem
from townsquare.inbox.service_levels import sla_item_responded
from townsquare.measures.inbox_live import inbox_measures_follow
from townsquare.publishing.models import Post, PostTarget
from townsquare.publishing.services import post_create_draft, post_submit
from townsquare.publishing.signals import targets_published

if TYPE_CHECKING:
    from townsquare.accounts.models import User

MAX_REPLY = 5000


def private_refusal(item: ReceivedItem) -> str:
    """Why this item's platform cannot take a private answer from Townsquare; empty where it can."""
    try:
        return connector_class(item.channel.platform).private_refusal
    except LookupError:
        return "Townsquare has no connector for this platform."


def _language(value: str) -> str:
    if value not in Post.Language.values:
        raise ValidationError("Choose English or Welsh for the reply.")
    return value


def reply_send(
    *,
    actor: User,
    item: ReceivedItem,
    text: str,
    language: str = Post.Language.ENGLISH,
    private: bool = False,
    acknowledge_warnings: bool = False,
    kind: str = "",
) -> InboxReply:
    """Write a reply to the item and submit it: for approval, or straight to dispatch for people who may
    reply unapproved. Refused (nothing kept) when the text is empty or too long, a policy rule blocks it,
    the platform cannot answer privately, or the person may not draft for the item's channel."""
    if Perm.DRAFT_POSTS not in perms_in(actor, item.council):
        raise PermissionDenied("Your role at this council does not allow replying.")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the reply before sending it.")
    if len(text) > MAX_REPLY:
        raise ValidationError(f"A reply must be at most {MAX_REPLY:,} characters.")
    if private and (refusal := private_refusal(item)):
        raise ValidationError(refusal)
    if private and not item.author_handle:
        raise ValidationError("The resident's handle is not known, so a private message cannot reach them.")
    kind = kind or (InboxReply.Kind.PRIVATE if private else InboxReply.Kind.REPLY)
    try:
        with transaction.atomic():
            post = post_create_draft(
                author=actor,
                council=item.council,
                text=text,
                channels=[item.channel],
                scheduled_for=None,
                source=f"inbox:{item.pk}",
                service=item.service,
                language=_language(language),
                reply_to_external_id=item.external_id,
                private_to=item.author_handle if private else "",
            )
            reply = InboxReply.objects.create(item=item, post=post, kind=kind, author=actor)
            post = reply.post = post_submit(actor=actor, post=post, acknowledge_warnings=acknowledge_warnings)
            audit_record(
                actor=actor,
                council=item.council,
                action="inbox.reply_submitted",
                obj=item,
                after={"post": post.pk, "kind": kind, "status": post.status, "text": text},
            )
    except ValidationError as error:
        raise ValidationError(
            [m.replace("This post cannot be submitted", "This reply cannot be sent") for m in error.messages]
        ) from error
    return reply


@receiver(targets_published, dispatch_uid="inbox.replies_sent")
def replies_sent(sender: Any, targets: list[PostTarget], **kwargs: Any) -> None:
    """The platform confirmed replies: their items now wait on the resident (audited, same transaction)."""
    ids = [t.post_id for t in targets if t.post.is_reply]
    if not ids:
        return
    sent_at = {t.post_id: t.published_at for t in targets}
    answered = (
        InboxReply.objects.filter(post_id__in=ids)
        .exclude(kind=InboxReply.Kind.AUTO)
        .select_related("item", "item__council")
    )
    for reply in answered:
        item = reply.item
        # The council has answered: the response clocks stop when the platform took the reply.
        sla_item_responded(item=item, at=sent_at.get(reply.post_id) or timezone.now())
        if item.status == ReceivedItem.Status.AWAITING_RESIDENT:
            continue
        before = {"status": item.status}
        with inbox_measures_follow(item_ids=[item.pk]):
            ReceivedItem.objects.filter(pk=item.pk).update(status=ReceivedItem.Status.AWAITING_RESIDENT)
        audit_record(
            actor=None,
            council=item.council,
            action="inbox.reply_sent",
            obj=item,
            before=before,
            after={"status": ReceivedItem.Status.AWAITING_RESIDENT, "post": reply.post_id},
        )


def reply_state(reply: InboxReply) -> tuple[str, str]:
    """How a reply stands, in words for the item page, and its address on the platform once sent."""
    post = reply.post
    target = next(iter(post.targets.all()), None)
    if post.status in (Post.Status.AWAITING_APPROVAL, Post.Status.AWAITING_SECOND):
        return "Waiting for approval", ""
    if post.status == Post.Status.REJECTED:
        return f"Rejected: {post.decision_reason}", ""
    if post.status != Post.Status.APPROVED or target is None:
        return post.get_status_display(), ""
    words: dict[str, str] = {
        PostTarget.Status.SCHEDULED: "Approved: being sent",
        PostTarget.Status.PUBLISHING: "Being sent",
        PostTarget.Status.PUBLISHED: "Sent",
        PostTarget.Status.FAILED: f"Not sent: {target.last_error}",
        PostTarget.Status.UNCONFIRMED: "Not confirmed yet: Townsquare is checking the account",
        PostTarget.Status.CANCELLED: "Cancelled",
    }
    return words.get(target.status, target.get_status_display()), target.url


def thread_replies(thread: list[ReceivedItem]) -> dict[int, list[InboxReply]]:
    """The council's replies to the thread's items, by item id, oldest first, each with ``state`` and ``sent_url``."""
    found: dict[int, list[InboxReply]] = {}
    replies = (
        InboxReply.objects.filter(item__in=thread).select_related("post", "author").prefetch_related("post__targets")
    )
    for reply in replies:
        reply.state, reply.sent_url = reply_state(reply)  # type: ignore[attr-defined]
        found.setdefault(reply.item_id, []).append(reply)
    return found
