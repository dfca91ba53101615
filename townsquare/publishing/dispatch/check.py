"""Unconfirmed publishes resolved from the account itself.

A publish whose answer proved nothing (a 5xx, a timeout, a worker that died mid-call) leaves its
target "unconfirmed". The ``publishing.check_unconfirmed`` job reads each such channel's own recent
posts (``Connector.recent_posts``) and looks for the post: by the idempotency marker the platform
keeps with it where there is one (Bluesky's record key), else by its text within the time of the
calls. Found: the target is published, with the platform's address for it. Not there once
``ABSENT_AFTER`` has passed since the last call (long enough for any platform to show a post it
made): a communications officer of the council is offered "send again", with what the account
showed. Each check is kept (``AccountCheck``) and the two decisions audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from townsquare.connectors.base import AccountPost, Connector, ConnectorError
from townsquare.connectors.services import connector_for
from townsquare.councils.roles import Role
from townsquare.notifications.services import council_team, notify
from townsquare.publishing.dispatch.record import audit_target, notify_if_done, post_url, set_target
from townsquare.publishing.models import AccountCheck, PostTarget, PublishAttempt

log = logging.getLogger(__name__)

Status = PostTarget.Status
Found = AccountCheck.Outcome

# The first look waits this long after the last call: a platform may take a moment to list a post.
CHECK_AFTER = dt.timedelta(seconds=getattr(settings, "PUBLISHING_CHECK_AFTER_SECONDS", 60))
# Between looks at the same target while it is not there yet.
CHECK_EVERY = dt.timedelta(seconds=getattr(settings, "PUBLISHING_CHECK_EVERY_SECONDS", 120))
# Not on the account this long after the last call: it was not published (the safe interval).
ABSENT_AFTER = dt.timedelta(seconds=getattr(settings, "PUBLISHING_ABSENT_AFTER_SECONDS", 600))
# How far before the first call the account is read (clocks differ between us and the platform).
CLOCK_SLACK = dt.timedelta(minutes=2)
PER_RUN = 100


def _words(text: str) -> str:
    """Text compared as the platforms give it back: case, spacing and markup-eaten line breaks aside."""
    return re.sub(r"\s+", "", text).casefold()


def post_match(
    posts: list[AccountPost], *, marker: str, text: str, since: dt.datetime, until: dt.datetime
) -> tuple[AccountPost, str] | None:
    """The account's post that is ours, and how it was known; None when none is.

    With a marker only the marker counts (a post of the same words made by hand is not ours);
    without one, the post's own words (links are often rewritten by the platform) made between
    ``since`` and ``until``.
    """
    if marker:
        return next(((p, "marker") for p in posts if p.marker == marker), None)
    wanted = _words(text)
    if not wanted:
        return None
    for post in posts:
        when = post.created_at
        if when is not None and not since - CLOCK_SLACK <= when <= until + CLOCK_SLACK:
            continue
        if wanted in _words(post.text):
            return post, "text and time"
    return None


def _evidence(posts: list[AccountPost]) -> list[dict[str, str]]:
    return [
        {"at": p.created_at.isoformat() if p.created_at else "", "text": p.text[:120], "url": p.url} for p in posts[:10]
    ]


def due_for_check(now: dt.datetime) -> QuerySet[PostTarget]:
    """Unconfirmed targets whose last call is old enough to look, not looked at lately, not yet offered."""
    return (
        PostTarget.objects.filter(status=Status.UNCONFIRMED)
        .annotate(
            last_call=Max("attempts__started_at"),
            last_check=Max("account_checks__checked_at"),
            # A look that settled it (found, or offered to send again) after the last call: nothing more to do.
            settled=Max(
                "account_checks__checked_at", filter=Q(account_checks__outcome__in=[Found.ABSENT, Found.FOUND])
            ),
        )
        .filter(last_call__lte=now - CHECK_AFTER)
        .filter(Q(last_check__isnull=True) | Q(last_check__lte=now - CHECK_EVERY))
        .filter(Q(settled__isnull=True) | Q(settled__lt=F("last_call")))
        .select_related("post", "post__council", "post__author", "post__approved_by", "channel")
        .order_by("last_call")
    )


def unconfirmed_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Look for each due unconfirmed target on its account; returns how many ended each way."""
    now = now or timezone.now()
    counts = {str(o): 0 for o in Found}
    connectors: dict[int, Connector | ConnectorError] = {}
    for target in due_for_check(now)[:PER_RUN]:
        if target.channel_id not in connectors:
            try:
                connectors[target.channel_id] = connector_for(target.channel)
            except ConnectorError as error:
                connectors[target.channel_id] = error
        outcome = target_check(target, connectors[target.channel_id], now=now)
        counts[outcome] += 1
    return counts


def target_check(target: PostTarget, connector: Connector | ConnectorError, *, now: dt.datetime) -> str:
    calls = PublishAttempt.objects.filter(target=target).exclude(outcome=PublishAttempt.Outcome.RELEASED)
    first = calls.order_by("started_at").values_list("started_at", flat=True).first() or now
    last = calls.order_by("-started_at").values_list("started_at", flat=True).first() or now
    since = first - CLOCK_SLACK
    check = AccountCheck(target=target, checked_at=now, window_from=since, window_to=now)
    try:
        if isinstance(connector, ConnectorError):
            raise connector
        posts = connector.recent_posts(since=since)
        marker = connector.marker_for(str(target.idempotency_key))
    except NotImplementedError:
        check.outcome, check.message = Found.ERROR, "This platform's posts cannot be read: check the account."
        check.save()
        return str(check.outcome)
    except ConnectorError as error:
        check.outcome, check.message = Found.ERROR, f"Could not read the account: {error.message}"[:2000]
        check.save()
        return str(check.outcome)
    check.posts_read, check.evidence = len(posts), _evidence(posts)
    match = post_match(posts, marker=marker, text=target.text, since=first, until=now)
    if match is not None:
        return _found(target, check, *match)
    if now - last < ABSENT_AFTER:
        check.outcome = Found.NOT_YET
        check.message = f"Not among the account's {len(posts)} posts since {since:%H:%M}; looking again later."
        check.save()
        return str(check.outcome)
    return _absent(target, check, marker=marker)


def _found(target: PostTarget, check: AccountCheck, post: AccountPost, matched_by: str) -> str:
    check.outcome, check.matched_by = Found.FOUND, matched_by
    check.message = f"Found on the account by its {matched_by}."
    with transaction.atomic():
        won = PostTarget.objects.select_for_update().filter(pk=target.pk, status=Status.UNCONFIRMED).exists()
        check.save()
        if not won:  # a person settled it meanwhile
            return str(check.outcome)
        set_target(target, Status.PUBLISHED, "", post.external_id, post.url, post.created_at or check.checked_at)
        audit_target(target, "post.channel_found_on_account", check.message)
        notify_if_done(target)
    return str(check.outcome)


def _absent(target: PostTarget, check: AccountCheck, *, marker: str) -> str:
    how = "its marker" if marker else "its words"
    check.outcome = Found.ABSENT
    since = f"{check.window_from:%d %b %H:%M}"
    check.message = (
        f"Not on the account: none of its {check.posts_read} posts since {since} matches by {how}."
        if check.posts_read
        else f"Not on the account: it shows no posts since {since}."
    ) + " It can be sent again."
    with transaction.atomic():
        check.save()
        PostTarget.objects.filter(pk=target.pk, status=Status.UNCONFIRMED).update(last_error=check.message)
        target.last_error = check.message
        audit_target(target, "post.channel_not_on_account", check.message)
        officers = council_team(council=target.post.council, roles=[Role.COMMS])
        notify(
            users=officers,
            council=target.post.council,
            kind="post.send_again",
            url=post_url(target.post),
            message=f"A post did not appear on {target.channel.name}: see what the account shows and decide "
            f"whether to send it again: {target.post}",
        )
    return str(check.outcome)
