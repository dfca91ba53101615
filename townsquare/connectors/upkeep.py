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
    connection_clear_error,
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
SNAPSHOT = "snapshot"  # the connection's last error came from taking a daily snapshot


# --- measuring -----------------------------------------------------------------------------------------


def metrics_take(*, channel: Channel) -> MetricSnapshot | None:
    """Fetch and keep the account's figures now; None when the call failed (recorded).

    What went wrong with a snapshot (its failure, the days not given, the optional parts left out) is
    the connection's last error, shown on the channel page, until a later snapshot is taken whole."""
    connector = connector_for(channel)
    before = connector.credentials
    try:
        metrics = connector.fetch_metrics()
    except ConnectorError as error:
        connection_keep_renewed(channel=channel, connector=connector, before=before)
        connection_record_error(channel, error, source=SNAPSHOT)
        return None
    today = timezone.localdate()
    since = daily_since(channel=channel, history_days=connector.daily_history_days, today=today)
    daily: list[DailyFigure] = []
    until = None
    daily_error: ConnectorError | None = None
    if since is not None and since < today:
        try:
            daily = connector.fetch_daily(since=since, until=today - dt.timedelta(days=1))
            until = today - dt.timedelta(days=1)
        except ConnectorError as error:  # the snapshot is still kept; the days are asked again tomorrow
            daily_error = error
    connection_keep_renewed(channel=channel, connector=connector, before=before)
    snapshot_row = snapshot_record(
        channel=channel,
        taken_at=metrics.taken_at,
        raw={**metrics.raw, **_left_out(metrics.left_out)},
        figures={name: getattr(metrics, name) for name in SNAPSHOT_METRICS},
        daily=[(f.day, f.metric, f.value) for f in daily],
        daily_until=until,
    )
    connection_record_success(channel, connector.last_headroom)
    _problems_record(channel, metrics.left_out, daily_error)
    return snapshot_row


def _left_out(parts: list[ConnectorError]) -> dict[str, list[str]]:
    """The reasons kept with the snapshot: ``refused`` (not granted) and ``failed`` (not given this time)."""
    found = {
        "refused": [e.message for e in parts if e.kind == ErrorKind.REJECTED],
        "failed": [e.message for e in parts if e.kind != ErrorKind.REJECTED],
    }
    return {key: messages for key, messages in found.items() if messages}


def _problems_record(channel: Channel, left_out: list[ConnectorError], daily_error: ConnectorError | None) -> None:
    """What a kept snapshot missed becomes the connection's last error; one taken whole clears an
    earlier snapshot's (never another call's: a failed publish or poll stays until its own next try)."""
    if daily_error is not None and daily_error.kind in (ErrorKind.REAUTHORISE, ErrorKind.DISCONNECT):
        connection_record_error(channel, daily_error, source=SNAPSHOT)  # the channel's state changes
        return
    problems = list(left_out)
    if daily_error is not None:
        problems.append(
            ConnectorError(
                daily_error.kind,
                f"The figures by day were not read in this snapshot: {daily_error.message.strip()} "
                "They will be asked for again at the next snapshot.",
                platform_code=daily_error.platform_code,
            )
        )
    if problems:
        connection_record_error(channel, _summary(problems), source=SNAPSHOT)
    else:
        connection_clear_error(channel, source=SNAPSHOT)


def _summary(parts: list[ConnectorError]) -> ConnectorError:
    """The parts left out as one error for the channel page. A part not given this time is RETRY (the
    next snapshot reads it again) but carries no wait: the wait asked for on one statistics call is not
    applied to the channel's other work (publishing, listening)."""
    kind = ErrorKind.REJECTED if all(e.kind == ErrorKind.REJECTED for e in parts) else ErrorKind.RETRY
    codes = ", ".join(e.platform_code for e in parts if e.platform_code)
    return ConnectorError(kind, " ".join(e.message for e in parts), platform_code=codes)


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
