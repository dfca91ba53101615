"""Reading connections: their health for a page, and which channels are due for work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from townsquare.channels.models import Channel
from townsquare.connectors.models import Connection
from townsquare.inbox.models import ReceivedItem

State = Channel.Connection


def connection_of(*, channel: Channel) -> Connection | None:
    return Connection.objects.filter(channel=channel).first()


@dataclass(frozen=True)
class Health:
    """What the channel page and the API show about a connection (never its credentials)."""

    state: str
    state_label: str
    tag_colour: str  # GOV.UK tag modifier
    account_handle: str
    base_url: str
    connected_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error_message: str
    last_error_kind: str
    last_error_at: dt.datetime | None
    rate_remaining: int | None
    rate_limit: int | None
    rate_resets_at: dt.datetime | None
    expires_at: dt.datetime | None
    received_items: int


TAGS: dict[str, str] = {
    State.CONNECTED: "green",
    State.NEEDS_RECONNECTING: "orange",
    State.ERROR: "red",
    State.NOT_CONNECTED: "grey",
}


def connection_health(*, channel: Channel) -> Health:
    connection = connection_of(channel=channel)
    state = connection.state if connection else State.NOT_CONNECTED
    return Health(
        state=state,
        state_label=State(state).label,
        tag_colour=TAGS.get(state, "grey"),
        account_handle=connection.account_handle if connection else "",
        base_url=connection.base_url if connection else "",
        connected_at=connection.connected_at if connection else None,
        last_success_at=connection.last_success_at if connection else None,
        last_error_message=connection.last_error_message if connection else "",
        last_error_kind=connection.last_error_kind if connection else "",
        last_error_at=connection.last_error_at if connection else None,
        rate_remaining=connection.rate_remaining if connection else None,
        rate_limit=connection.rate_limit if connection else None,
        rate_resets_at=connection.rate_resets_at if connection else None,
        expires_at=connection.expires_at if connection else None,
        received_items=ReceivedItem.objects.filter(channel=channel).count(),
    )


def channels_due_for_calls(*, now: dt.datetime | None = None) -> QuerySet[Channel]:
    """Connected, open channels whose rate limit is not exhausted (a platform's wait is honoured)."""
    now = now or timezone.now()
    return (
        Channel.objects.filter(connection__state=State.CONNECTED)
        .exclude(status=Channel.Status.CLOSED)
        .exclude(
            Q(connection__rate_resets_at__gt=now)
            & (Q(connection__rate_remaining=0) | Q(connection__last_error_kind="retry"))
        )
        .select_related("council", "owner", "deputy")
        .order_by("pk")
    )


def channels_with_expiring_credentials(*, within: dt.timedelta, now: dt.datetime | None = None) -> QuerySet[Channel]:
    now = now or timezone.now()
    return Channel.objects.filter(
        connection__state=State.CONNECTED,
        connection__expires_at__isnull=False,
        connection__expires_at__lte=now + within,
    ).select_related("council", "owner", "deputy")


def received_items_for(*, channel: Channel) -> QuerySet[ReceivedItem]:
    return ReceivedItem.objects.filter(channel=channel).order_by("-received_at", "-pk")
