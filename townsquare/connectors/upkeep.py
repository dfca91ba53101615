"""Upkeep of connected accounts: the daily figures taken from each, and re-encrypting their keys."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from townsquare.audit.services import audit_record
from townsquare.channels.models import Channel
from townsquare.connectors.base import (
    ConnectorError,
    DailyFigure,
    ErrorKind,
)
from townsquare.connectors.crypto import token_rotate
from townsquare.connectors.models import Connection
from townsquare.connectors.services import (
    connection_keep_renewed,
    connection_record_error,
    connection_record_success,
    connector_for,
)
from townsquare.measures.models import MetricSnapshot
from townsquare.measures.services import SNAPSHOT_METRICS, daily_since, snapshot_record

if TYPE_CHECKING:
    from townsquare.accounts.models import User

log = logging.getLogger(__name__)


# --- measuring -----------------------------------------------------------------------------------------


def metrics_take(*, channel: Channel) -> MetricSnapshot | None:
    """Fetch and keep the account's figures now; None when the call failed (recorded)."""
    connector = connector_for(channel)
    before = connector.credentials
    try:
        metrics = connector.fetch_metrics()
    except ConnectorError as error:
        connection_keep_renewed(channel=channel, connector=connector, before=before)
        connection_record_error(channel, error)
        return None
    today = timezone.localdate()
    since = daily_since(channel=channel, history_days=connector.daily_history_days, today=today)
    daily: list[DailyFigure] = []
    until = None
    if since is not None and since < today:
        try:
            daily = connector.fetch_daily(since=since, until=today - dt.timedelta(days=1))
            until = today - dt.timedelta(days=1)
        except ConnectorError as error:  # the snapshot is still kept; the days are asked again tomorrow
            connection_record_error(channel, error)
    connection_keep_renewed(channel=channel, connector=connector, before=before)
    refused = [error.message for error in metrics.refused]
    snapshot_row = snapshot_record(
        channel=channel,
        taken_at=metrics.taken_at,
        raw={**metrics.raw, "refused": refused} if refused else metrics.raw,
        figures={name: getattr(metrics, name) for name in SNAPSHOT_METRICS},
        daily=[(f.day, f.metric, f.value) for f in daily],
        daily_until=until,
    )
    connection_record_success(channel, connector.last_headroom)
    if refused:  # kept without the parts the platform refused: the channel page says which and why
        codes = ", ".join(error.platform_code for error in metrics.refused)
        connection_record_error(channel, ConnectorError(ErrorKind.REJECTED, " ".join(refused), platform_code=codes))
    return snapshot_row


# --- keys ----------------------------------------------------------------------------------------------


def credentials_rotate_all(*, actor: User | None = None) -> int:
    """Re-encrypt every stored credential with the newest key; returns how many were rotated."""
    rotated = 0
    for pk in Connection.objects.exclude(credentials_encrypted="").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            connection = Connection.objects.select_for_update().get(pk=pk)
            if not connection.credentials_encrypted:
                continue
            connection.credentials_encrypted = token_rotate(connection.credentials_encrypted)
            connection.save(update_fields=["credentials_encrypted", "updated_at"])
            rotated += 1
    with transaction.atomic():
        audit_record(
            actor=actor,
            council=None,
            action="connection.keys_rotated",
            object_type="connectors.connection",
            after={"rotated": rotated},
        )
    return rotated
