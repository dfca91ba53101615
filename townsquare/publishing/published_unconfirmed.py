"""A change to a published post that its platform did not confirm, settled from the account itself.

A 5xx or a timeout to an edit or a delete proves nothing: the platform may have made the change. The
account's recent posts (``Connector.recent_posts``, the read the archive's re-read uses) are read: an
edit is made when the post shows the new words and not made when it shows the old ones; a delete is made
when the page reaches back past the post and it is not there, and not made when the post is still there.
What cannot be told (the account cannot be read, the post is beyond its page, other words are shown) is
kept as an ``UnconfirmedChange`` that the post's page shows, settled by the archive's hourly re-read of
the channel or by a person's "check again". A change seen made is recorded as if the platform had said
so (``published_record``); every settling is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from townsquare.archive.selectors import comparable
from townsquare.audit.services import audit_record
from townsquare.connectors.base import AccountPost, Connector, ConnectorError, ErrorKind
from townsquare.connectors.services import connector_for
from townsquare.publishing.models import PostTarget, UnconfirmedChange
from townsquare.publishing.published_record import overtake_pending, record_delete, record_edit

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.channels.models import Channel

Outcome = UnconfirmedChange.Outcome
Kind = UnconfirmedChange.Kind
# What a platform answers when a change may or may not have been made.
UNCLEAR = (ErrorKind.RETRY, ErrorKind.UNCONFIRMED)


def _published(target: PostTarget) -> dt.datetime:
    return target.published_at or target.updated_at


def account_posts(connector: Connector, targets: list[PostTarget]) -> list[AccountPost] | None:
    """The account's posts back to just before the oldest of ``targets`` was published; None: unreadable."""
    since = min(_published(t) for t in targets) - dt.timedelta(minutes=1)
    try:
        return connector.recent_posts(since=since)
    except (ConnectorError, NotImplementedError):
        return None


def judged(change: UnconfirmedChange, posts: list[AccountPost] | None) -> tuple[str, str] | None:
    """What the account shows became of ``change`` (an outcome and why), or None when it cannot be told."""
    if posts is None:
        return None
    target = change.target
    shown = next((p for p in posts if p.external_id == target.external_id), None)
    dated = [p.created_at for p in posts if p.created_at is not None]
    gone = shown is None and bool(dated) and min(dated) <= _published(target)
    if change.kind == Kind.DELETE:
        if gone:
            return Outcome.MADE, "the post is no longer on the account"
        if shown is not None:
            return Outcome.NOT_MADE, "the post is still on the account"
        return None
    if gone:
        return Outcome.OVERTAKEN, "the post is no longer on the account"
    if shown is None:
        return None
    words, new, old = comparable(shown.text), comparable(change.sent), comparable(change.previous)
    if new == old:  # a change of case, spacing or links only: the account's words cannot tell them apart
        return None
    if words == new:
        return Outcome.MADE, "the account shows the new words"
    if words == old:
        return Outcome.NOT_MADE, "the account still shows the earlier words"
    return None


def change_hold(change: UnconfirmedChange, *, actor: User) -> UnconfirmedChange:
    """Keep ``change`` as unconfirmed (any earlier one is overtaken), audited, for the page and the re-read."""
    target = change.target
    with transaction.atomic():
        PostTarget.objects.select_for_update().filter(pk=target.pk).first()  # one change held at a time
        overtake_pending(target, at=change.requested_at, how="A later change was asked for from Townsquare.")
        change.save()
        audit_record(
            actor=actor,
            council=target.post.council,
            action=f"post.channel_{change.kind}_unconfirmed",
            obj=target.post,
            after={"channel": target.channel_id, "text": change.text} if change.kind == Kind.EDIT else None,
            before={"channel": target.channel_id, "text": target.text, "url": target.url},
            reason=change.reason or change.answer,
        )
    return change


def change_settle(change: UnconfirmedChange, outcome: str, *, why: str, at: dt.datetime) -> bool:
    """Settle a pending ``change`` as ``outcome``; one made is recorded as its platform's answer would have
    been. False when it was settled already (by someone else), or the post changed meanwhile."""
    platform = change.target.channel.get_platform_display()
    how = f"{why} ({platform}, read again on {at:%d %b %Y %H:%M} UTC)"
    try:
        with transaction.atomic():
            if not UnconfirmedChange.objects.filter(pk=change.pk, outcome=Outcome.PENDING).update(
                outcome=outcome, settled_at=at, settled_how=how
            ):
                return False
            target, actor = change.target, change.requested_by
            if outcome == Outcome.MADE and change.kind == Kind.EDIT:
                record_edit(actor=actor, target=target, text=change.text, sent=change.sent, at=at, how=how)
            elif outcome == Outcome.MADE:
                by = actor.email if actor else "someone no longer here"
                deleted = f"Deleted from Townsquare by {by}, confirmed when the account was read again: {change.reason}"
                record_delete(actor=actor, target=target, reason=change.reason, how=deleted, at=at)
            else:
                audit_record(
                    actor=None,
                    council=target.post.council,
                    action=f"post.channel_{change.kind}_settled",
                    obj=target.post,
                    after={"channel": target.channel_id, "outcome": outcome},
                    reason=how,
                )
    except ValidationError:
        return False
    change.outcome, change.settled_at, change.settled_how = outcome, at, how
    return True


def unconfirmed_settle_seen(*, channel: Channel, posts: list[AccountPost], now: dt.datetime | None = None) -> int:
    """Settle the channel's unconfirmed changes from its posts as just read (the archive's re-read); how many."""
    now = now or timezone.now()
    changes = UnconfirmedChange.objects.filter(
        target__channel=channel, target__deleted_at__isnull=True, outcome=Outcome.PENDING
    ).select_related("target", "target__post", "target__post__council", "target__channel", "requested_by")
    settled = 0
    for change in changes:
        verdict = judged(change, posts)
        if verdict is not None:
            settled += change_settle(change, verdict[0], why=f"Seen when the account was read: {verdict[1]}", at=now)
    return settled


def unconfirmed_check(*, actor: User, change: UnconfirmedChange) -> str:
    """A person's "check again": read the account now and settle ``change`` if it shows what happened.
    Returns what became of it, in plain words."""
    if change.outcome != Outcome.PENDING:
        return f"Already settled: {change.get_outcome_display().lower()}."
    try:
        connector = connector_for(change.target.channel)
    except ConnectorError as error:
        return f"The account could not be read ({error.message}): the change is still unconfirmed."
    posts = account_posts(connector, [change.target])
    verdict = judged(change, posts)
    if verdict is None:
        if posts is None:
            return "The account could not be read: the change is still unconfirmed. Try again later."
        return "The account does not show what became of the change yet: it is still unconfirmed."
    now = timezone.now()
    change_settle(change, verdict[0], why=f"Checked by {actor.email}: {verdict[1]}", at=now)
    change.refresh_from_db()
    return f"{change.get_outcome_display()}: {verdict[1]}."
