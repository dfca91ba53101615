"""Telling people: one row per person (the page shows them) and an email after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from townsquare.councils.models import Membership
from townsquare.notifications.models import Notification
from townsquare.web.base_url import absolute_url

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

log = logging.getLogger(__name__)


def notify(
    *, users: Iterable[User], council: Council | None, message: str, url: str = "", kind: str = "", email: bool = True
) -> list[Notification]:
    """Record a notice for each person (once each) and email them when the transaction commits."""
    unique = {u.pk: u for u in users if u is not None and u.is_active}
    made = Notification.objects.bulk_create(
        [Notification(user=u, council=council, kind=kind, message=message[:500], url=url) for u in unique.values()]
    )
    if email and unique:
        recipients = [u.email for u in unique.values()]
        link = absolute_url(url)
        transaction.on_commit(lambda: _send(recipients, message, link))
    return made


def _send(recipients: list[str], message: str, link: str) -> None:
    body = f"{message}\n\n{link}\n" if link else f"{message}\n"
    for address in recipients:
        try:
            send_mail(f"Townsquare: {message[:80]}", body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception as exc:  # the notice is on the page even if the mail server is down
            log.warning("could not email a notice: %s", type(exc).__name__)


def council_team(*, council: Council, roles: Iterable[str]) -> list[User]:
    """Everyone holding one of ``roles`` at the council (e.g. the communications team)."""
    return [m.user for m in Membership.objects.filter(council=council, role__in=list(roles)).select_related("user")]


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_resolve(*, url: str, kinds: Iterable[str] | None = None, users: Iterable[User] | None = None) -> int:
    """The thing these notices point at has been dealt with (a post decided, a policy acknowledged):
    they stop counting as new for everyone told (or only ``users``). Returns how many were resolved."""
    unread = Notification.objects.filter(url=url, read_at__isnull=True)
    if kinds is not None:
        unread = unread.filter(kind__in=list(kinds))
    if users is not None:
        unread = unread.filter(user__in=[u.pk for u in users])
    return unread.update(read_at=timezone.now())
