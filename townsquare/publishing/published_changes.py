"""Changing or deleting a post after it was published, from Townsquare.

Only people who may approve posts at the council do it, and only while governance lets them publish.
An edit is checked against the council's policy exactly as the post was (the words each channel is
sent), and a blocked edit changes nothing. The platform is called first; only once it has taken the
change are the channel's wording, the archive (a new version, or the deletion, every earlier version
kept) and the audit trail written, together in one transaction (``published_record``). A platform that
refuses, or cannot be reached, leaves everything here as it was. A change that got no clear answer (a
5xx, a timeout) is checked against the platform at once (the post read again, or the account's recent
posts), and what cannot be told from it is kept as unconfirmed until a later reading settles it, or a
person records what they found on the platform (``published_unconfirmed``, ``published_settle``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone

from townsquare.connectors.base import Connector, ConnectorError
from townsquare.connectors.registry import connector_class
from townsquare.connectors.services import connector_for
from townsquare.councils.access import perms_in
from townsquare.councils.roles import Perm
from townsquare.policy.services import check_draft
from townsquare.publishing.approval import publishing_refusal
from townsquare.publishing.checks import post_override, text_sent
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.post_state import MAX_TEXT
from townsquare.publishing.published_record import archived, record_delete, record_edit
from townsquare.publishing.published_unconfirmed import UNCLEAR, change_hold, seen_again

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

MAX_REASON = 500


def sentence(message: str) -> str:
    """A platform's message as a sentence of its own, ending with one full stop."""
    message = message.strip()
    return message if message.endswith((".", "!", "?")) else f"{message}."


def published_change_refusal(*, user: User, target: PostTarget) -> str | None:
    """Why ``user`` may not edit or delete this published post now, if they may not."""
    council = target.post.council
    if Perm.APPROVE_POSTS not in perms_in(user, council):
        return "Only a communications officer can change or delete a published post."
    return publishing_refusal(user=user, council=council)


def published_target_for(*, user: User, council: Council, pk: int, target_pk: int) -> PostTarget:
    """The council's post ``pk`` on one channel, for ``user`` to change: 404 when it is not the council's,
    PermissionDenied with the reason when they may not change it."""
    target = get_object_or_404(
        PostTarget.objects.select_related("post", "post__council", "channel"),
        post__council=council,
        post_id=pk,
        pk=target_pk,
    )
    refusal = published_change_refusal(user=user, target=target)
    if refusal:
        raise PermissionDenied(refusal)
    return target


def edit_refusal(platform: str) -> str:
    """Why posts on ``platform`` cannot be edited; empty where they can."""
    try:
        return connector_class(platform).edit_refusal
    except LookupError:
        return Connector.edit_refusal


def _ready(actor: User, target: PostTarget) -> None:
    refusal = published_change_refusal(user=actor, target=target)
    if refusal:
        raise PermissionDenied(refusal)
    if target.status != PostTarget.Status.PUBLISHED or not target.external_id:
        raise ValidationError("Only a post published on its channel can be changed or deleted.")
    if target.deleted_at is not None:
        raise ValidationError("This post has already been deleted from its channel.")


def _connector(target: PostTarget) -> Connector:
    try:
        return connector_for(target.channel)
    except ConnectorError as error:
        raise ValidationError(f"{target.channel.name}: {sentence(error.message)} Nothing was changed.") from error


def _edit_blocks(target: PostTarget, sent: str) -> list[str]:
    post = target.post
    result = check_draft(
        council=post.council,
        text=sent,
        channels=[target.channel],
        images=[{"alt": image.alt_text} for image in post.images.all()],
        is_reply=post.is_reply,
        override=post_override(post),
        campaign_name=post.campaign.name if post.campaign else "",
        campaign_created_at=post.campaign.created_at if post.campaign else None,
    )
    return [f.message for f in result.findings if f.severity == "block"]


@dataclass(frozen=True)
class Changed:
    """What became of a change: made, or (``unconfirmed``) kept until the account shows it; ``message`` says
    which to the officer."""

    target: PostTarget
    message: str
    unconfirmed: UnconfirmedChange | None = None


def _after_unclear_answer(
    *, actor: User, change: UnconfirmedChange, connector: Connector, error: ConnectorError
) -> str | None:
    """The platform's answer to ``change`` proved nothing: read the post again. Returns how the change was seen
    made; raises ValidationError where it was seen not made; keeps it as unconfirmed (None) otherwise."""
    verdict = seen_again(change, connector)
    if verdict is None:
        change_hold(change, actor=actor)
        return None
    outcome, why = verdict
    if outcome == UnconfirmedChange.Outcome.MADE:
        return f"confirmed from the account afterwards: {why}"
    platform = change.target.channel.get_platform_display()
    what = "take the change" if change.kind == UnconfirmedChange.Kind.EDIT else "delete the post"
    answer = error.message.rstrip(".")  # shown inside brackets in a sentence
    raise ValidationError(
        f"{platform} did not {what}: it gave no clear answer ({answer}) and {why}. Nothing was changed."
    )


def _unconfirmed(change: UnconfirmedChange) -> Changed:
    platform = change.target.channel.get_platform_display()
    what = "the change was made" if change.kind == UnconfirmedChange.Kind.EDIT else "the post was deleted"
    return Changed(
        change.target,
        f"Unconfirmed: {platform} gave no clear answer ({change.answer}) and its account does not show yet "
        f"whether {what}. The post shows this as unconfirmed until the account is read again (every hour), "
        "or until you check again.",
        change,
    )


def published_target_edit(*, actor: User, target: PostTarget, text: str) -> Changed:
    """Change the words of ``target`` on its platform; the archive keeps the old and the new version."""
    _ready(actor, target)
    text = text.strip()
    if not text:
        raise ValidationError("Write the post.")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The post must be {MAX_TEXT:,} characters or fewer.")
    if text == target.text.strip():
        raise ValidationError("These are the words already published: change them, or go back.")
    refusal = edit_refusal(target.channel.platform)
    if refusal:
        raise ValidationError(refusal)
    connector = _connector(target)
    post = target.post
    media = post.images.exists()
    sent = text_sent(target.channel.platform, text, post.link, media=media)
    blocks = _edit_blocks(target, sent)
    if blocks:
        more = f" (and {len(blocks) - 1} more)" if len(blocks) > 1 else ""
        raise ValidationError(f"This change cannot be published: {blocks[0]}{more}")
    if archived(target).deleted_at is not None:
        raise ValidationError("The archive records this post as deleted from its channel: it cannot be changed.")
    how = ""
    try:
        connector.edit(target.external_id, sent)
    except ConnectorError as error:
        if error.kind not in UNCLEAR:
            platform = target.channel.get_platform_display()
            raise ValidationError(
                f"{platform} did not take the change: {sentence(error.message)} Nothing was changed."
            ) from error
        change = UnconfirmedChange(
            target=target,
            kind=UnconfirmedChange.Kind.EDIT,
            text=text,
            sent=sent,
            previous=text_sent(target.channel.platform, target.text, post.link, media=media),
            requested_by=actor,
            answer=error.message.rstrip("."),  # shown inside brackets in a sentence
        )
        seen = _after_unclear_answer(actor=actor, change=change, connector=connector, error=error)
        if seen is None:
            return _unconfirmed(change)
        how = seen
    target = record_edit(actor=actor, target=target, text=text, sent=sent, at=timezone.now(), how=how)
    return Changed(target, f"Changed on {target.channel.name}; the archive keeps both versions.")


def published_target_delete(*, actor: User, target: PostTarget, reason: str) -> Changed:
    """Delete ``target`` from its platform; the archive records the deletion and keeps every version."""
    _ready(actor, target)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the post is being deleted.")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason must be {MAX_REASON} characters or fewer.")
    connector = _connector(target)
    archived(target)  # kept as first published before anything is asked of the platform
    platform = target.channel.get_platform_display()
    how = f"Deleted from Townsquare by {actor.email}: {reason}"
    try:
        connector.delete(target.external_id)
    except ConnectorError as error:
        if error.platform_code.split("/")[0] == "404":  # "404" or, from LinkedIn, "404/NOT_FOUND"
            how = f"Deleted from Townsquare by {actor.email} (already gone from {platform}): {reason}"
        elif error.kind in UNCLEAR:
            change = UnconfirmedChange(
                target=target,
                kind=UnconfirmedChange.Kind.DELETE,
                reason=reason,
                requested_by=actor,
                answer=error.message.rstrip("."),  # shown inside brackets in a sentence
            )
            if _after_unclear_answer(actor=actor, change=change, connector=connector, error=error) is None:
                return _unconfirmed(change)
            how = f"Deleted from Townsquare by {actor.email} (confirmed from the account afterwards): {reason}"
        else:
            raise ValidationError(
                f"{platform} did not delete the post: {sentence(error.message)} Nothing was changed."
            ) from error
    target = record_delete(actor=actor, target=target, reason=reason, how=how, at=timezone.now())
    return Changed(target, f"Deleted from {target.channel.name}; the archive keeps what it said.")
