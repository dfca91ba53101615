"""Listening's alerts (a trigger fired, a spike found): each kept once per key, then handed after commit to
the council's alert channels (``townsquare.alerts``) where that app is installed."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction

from townsquare.councils.models import Council
from townsquare.listening.models import ListeningAlert

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.TOWNSQUARE_BASE_URL.rstrip("/") + path


def listening_alert_raise(
    *, council: Council, kind: str, key: str, title: str, summary: str, url: str, facts: dict[str, Any]
) -> ListeningAlert | None:
    """Keep the alert (None when one with this key was raised already) and deliver it once the caller commits."""
    alert, created = ListeningAlert.objects.get_or_create(
        council=council,
        key=key[:200],
        defaults={"kind": kind, "title": title[:300], "summary": summary, "url": url[:1000], "facts": facts},
    )
    if not created:
        return None
    transaction.on_commit(lambda: alert_deliver(alert_id=alert.pk))
    return alert


def alert_deliver(*, alert_id: int) -> bool:
    """Hand the alert to the shared alert channels (email, Teams, webhooks); True once handed over.

    Without that app the alert stays recorded and undelivered, listed on the listening alerts page."""
    alert = ListeningAlert.objects.select_related("council").filter(pk=alert_id, delivered=False).first()
    if alert is None:
        return False
    try:
        alert_raise = import_module("townsquare.alerts.services").alert_raise
    except (ImportError, AttributeError):
        return False
    try:
        alert_raise(
            council=alert.council,
            kind=f"listening.{alert.kind}",
            title=alert.title,
            summary=alert.summary,
            url=absolute(alert.url),
            facts=alert.facts,
        )
    except Exception:  # delivery failures are the alert channels' to record and retry; ours stays undelivered
        log.exception("listening alert %s could not be handed over", alert.pk)
        return False
    ListeningAlert.objects.filter(pk=alert.pk).update(delivered=True)
    return True
