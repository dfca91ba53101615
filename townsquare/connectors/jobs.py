"""Background jobs: listen, measure and renew for every connected channel.

A failure on one channel is recorded on its connection and never stops the others; each handler
is safe to run again (items are de-duplicated, snapshots are only taken, renewals repeat).
"""

from __future__ import annotations

import datetime as dt
import logging

from townsquare.connectors.base import ConnectorError
from townsquare.connectors.listening import inbound_poll
from townsquare.connectors.selectors import channels_due_for_calls, channels_with_expiring_credentials
from townsquare.connectors.services import connection_refresh
from townsquare.connectors.upkeep import metrics_take
from townsquare.jobs.models import Job

log = logging.getLogger(__name__)


def poll_inbound(job: Job) -> None:
    for channel in channels_due_for_calls():
        try:
            inbound_poll(channel=channel)
        except NotImplementedError:
            continue  # the platform offers no inbound items to fetch
        except Exception as exc:  # one channel's surprise must not stop the others
            log.warning("inbound poll of channel %s failed: %s", channel.pk, type(exc).__name__)


def fetch_metrics(job: Job) -> None:
    for channel in channels_due_for_calls():
        try:
            metrics_take(channel=channel)
        except NotImplementedError:
            continue
        except Exception as exc:
            log.warning("metrics of channel %s failed: %s", channel.pk, type(exc).__name__)


def refresh_credentials(job: Job) -> None:
    for channel in channels_with_expiring_credentials(within=dt.timedelta(days=2)):
        try:
            connection_refresh(channel=channel)
        except (ConnectorError, NotImplementedError):
            continue  # recorded on the connection (or the platform's credentials do not expire)
        except Exception as exc:
            log.warning("refreshing channel %s failed: %s", channel.pk, type(exc).__name__)
