"""Telling people about governance events: an in-app notice, and an
email sent only once the change that caused it has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction

from townsquare.notifications.services import notifications_resolve, notify
from townsquare.web.base_url import absolute_url

if TYPE_CHECKING:
    from townsquare.accounts.models import User
    from townsquare.councils.models import Council

log = logging.getLogger(__name__)


def tell(
    *, users: Iterable[User | None], council: Council, subject: str, message: str, url: str = "", kind: str = ""
) -> None:
    """Notify ``users`` in the app (same transaction) and by email (after commit)."""
    people = list({u.pk: u for u in users if u is not None and u.is_active}.values())
    if not people:
        return
    # The email below carries the subject line; the in-app notice must not send a second one.
    notify(users=people, council=council, message=message, url=url, kind=kind, email=False)
    link = absolute_url(url) if url else ""
    body = f"{message}\n\n{link}\n" if link else f"{message}\n"
    addresses = [p.email for p in people if p.email]

    def send() -> None:
        # One message per person, so nobody sees who else was told.
        for address in addresses:
            try:
                send_mail(f"{council.name}: {subject}", body, None, [address])
            except Exception:  # a mail server's failure must not undo or hide the change itself
                log.warning("governance email to one recipient failed", exc_info=True)

    transaction.on_commit(send)


def resolve(*, url: str, kinds: Iterable[str], users: Iterable[User] | None = None) -> None:
    """What the in-app notices at ``url`` asked for is done: they stop counting as new."""
    notifications_resolve(url=url, kinds=kinds, users=users)
