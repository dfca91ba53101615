"""A change to a published post that its platform did not confirm, settled from the platform itself.

A 5xx or a timeout to an edit or a delete proves nothing: the platform may have made the change. The post
is read again by its id where the platform allows it (``Connector.read_post``, however old the post): an
edit is made when it shows the new words and not made when it shows the old ones; a delete is made when
the platform answers that the post is gone, and not made when it is still there. Elsewhere (or when that
read gets no clear answer) the account's recent posts are read (``Connector.recent_posts``, the read the
archive's re-read uses): a delete is then made when the page reaches back past the post and it is not
there. What cannot be told (nothing can be read, the post is beyond the page, other words are shown) is
kept as an ``UnconfirmedChange`` that the post's page shows, settled by the archive's hourly re-read of
the channel, by a person's "check again", or by a person recording what they found on the platform
(``published_settle``). A change seen made is recorded as if the platform had said so
(``published_record``); every settling is audited.
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


def _verdict(change: UnconfirmedChange, shown: AccountPost | None, *, gone: bool) -> tuple[str, str] | None:
    """What became of ``change`` given the post as shown (None: not seen) and whether it is known ``gone``."""
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


def judged(change: UnconfirmedChange, posts: list[AccountPost] | None) -> tuple[str, str] | None:
    """What the account's recent posts show became of ``change`` (an outcome and why), or None when it
    cannot be told from them."""
    if posts is None:
        return None
    target = change.target
    shown = next((p for p in posts if p.external_id == target.external_id), None)
    dated = [p.created_at for p in posts if p.created_at is not None]
    gone = shown is None and bool(dated) and min(dated) <= _published(target)
    return _verdict(change, shown, gone=gone)


def seen_again(
    change: UnconfirmedChange, connector: Connector, posts: list[AccountPost] | None = None
) -> tuple[str, str] | None:
    """What the platform shows became of ``change``: the one post read by its id first (``read_post``:
    however old it is), else the account's recent posts (``posts`` when already read, or read now). None
    when it cannot be told."""
    try:
        shown = connector.read_post(change.target.external_id)
    except (ConnectorError, NotImplementedError):
        return judged(change, account_posts(connector, [change.target]) if posts is None else posts)
    return _verdict(change, shown, gone=shown is None)


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


def change_settle(
    change: UnconfirmedChange, outcome: str, *, how: str, at: dt.datetime, by: User | None = None, note: str = ""
) -> bool:
    """Settle a pending ``change`` as ``outcome`` (``how``: in plain words); one made is recorded as its
    platform's answer would have been. ``by``: the person who checked on the platform and recorded what they
    found (``note``), audited as theirs. False when it was settled already (by someone else), or the post
    changed meanwhile."""
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
                asked = actor.email if actor else "someone no longer here"
                confirmed = f"confirmed by {by.email}" if by else "confirmed when the account was read again"
                deleted = f"Deleted from Townsquare by {asked}, {confirmed}: {change.reason}"
                record_delete(actor=actor, target=target, reason=change.reason, how=deleted, at=at)
            if by is not None or outcome != Outcome.MADE:
                audit_record(
                    actor=by,
                    council=target.post.council,
                    action=f"post.channel_{change.kind}_settled",
                    obj=target.post,
                    after={"channel": target.channel_id, "outcome": outcome, "checked_by_person": by is not None},
                    reason=note or how,
                )
    except ValidationError:
        return False
    change.outcome, change.settled_at, change.settled_how = outcome, at, how
    return True


def _read_how(change: UnconfirmedChange, why: str, at: dt.datetime) -> str:
    platform = change.target.channel.get_platform_display()
    return f"{why} ({platform}, read again on {at:%d %b %Y %H:%M} UTC)"


def unconfirmed_settle_seen(
    *, channel: Channel, connector: Connector, posts: list[AccountPost], now: dt.datetime | None = None
) -> int:
    """Settle the channel's unconfirmed changes (the archive's re-read): each post read again by its id where
    the platform allows it, else judged from ``posts``, the account's posts as just read. How many."""
    now = now or timezone.now()
    changes = UnconfirmedChange.objects.filter(
        target__channel=channel, target__deleted_at__isnull=True, outcome=Outcome.PENDING
    ).select_related("target", "target__post", "target__post__council", "target__channel", "requested_by")
    settled = 0
    for change in changes:
        verdict = seen_again(change, connector, posts)
        if verdict is not None:
            how = _read_how(change, f"Seen when the account was read: {verdict[1]}", now)
            settled += change_settle(change, verdict[0], how=how, at=now)
    return settled


def unconfirmed_check(*, actor: User, change: UnconfirmedChange) -> str:
    """A person's "check again": read the post (or the account) now and settle ``change`` if it shows what
    happened. Returns what became of it, in plain words."""
    if change.outcome != Outcome.PENDING:
        return f"Already settled: {change.get_outcome_display().lower()}."
    try:
        connector = connector_for(change.target.channel)
    except ConnectorError as error:
        return f"The account could not be read ({error.message}): the change is still unconfirmed."
    verdict = seen_again(change, connector)
    if verdict is None:
        platform = change.target.channel.get_platform_display()
        return (
            f"{platform} does not show what became of the change yet, or could not be read just now: it is still "
            f"unconfirmed. Check again later, or look on {platform} and record what you found."
        )
    now = timezone.now()
    change_settle(change, verdict[0], how=_read_how(change, f"Checked by {actor.email}: {verdict[1]}", now), at=now)
    change.refresh_from_db()
    return f"{change.get_outcome_display()}: {verdict[1]}."
