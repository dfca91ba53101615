"""Listening's alerts (a trigger fired, a spike found): each kept once per key and raised through the
council's alert channels (``townsquare.alerts``: email, Teams, signed webhooks, retried and recorded)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from townsquare.alerts.services import alert_raise
from townsquare.councils.models import Council
from townsquare.listening.models import ListeningAlert


def _fact(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def listening_alert_raise(
    *, council: Council, kind: str, key: str, title: str, summary: str, url: str, facts: dict[str, Any]
) -> ListeningAlert | None:
    """Keep the alert and raise it, in the caller's transaction; None when one with this key was raised already.

    ``url`` is a path in Townsquare; ``facts`` are shown as name and value."""
    with transaction.atomic():
        alert, created = ListeningAlert.objects.get_or_create(
            council=council,
            key=key[:200],
            defaults={"kind": kind, "title": title[:300], "summary": summary, "url": url[:1000], "facts": facts},
        )
        if not created:
            return None
        alert_raise(
            council=council,
            kind=f"listening.{kind}",
            title=alert.title,
            summary=summary,
            url=alert.url,
            facts=[(name.replace("_", " ").capitalize(), _fact(value)) for name, value in facts.items()],
        )
        ListeningAlert.objects.filter(pk=alert.pk).update(delivered=True)
        alert.delivered = True
    return alert
