"""The optional parts of a daily snapshot (``Connector.fetch_metrics``).

A snapshot has one required part, the account's own figures (followers, subscribers): when that call
fails, so does the snapshot, and the daily job takes it again at its next run. Everything else a
connector reads for it (page insights, 28 days of analytics, the posts' statistics) is an optional
part, read through ``OptionalParts.read``. When such a part cannot be read, the rest of the snapshot is
kept and the part stays unmeasured that day, its reason in plain words in ``AccountMetrics.left_out``:

- refused (a permission not granted, a request the platform will not answer): ``REJECTED``, with the
  connector's message for that part, which says what to grant;
- not given this time (a 5xx, a timeout, a 429, a spent quota): ``RETRY``, with the platform's reason
  and that the part is read again at the next snapshot.

A connection the platform no longer accepts (credentials expired or revoked) or an account gone is
raised again, and the snapshot fails with it: the channel needs reconnecting whichever call found it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from townsquare.connectors.base import ConnectorError, ErrorKind

T = TypeVar("T")


def part_left_out(error: ConnectorError, *, refused: str, what: str) -> ConnectorError:
    """``error`` from the call for one optional part of a snapshot, as the part's reason for being left
    out: ``refused`` (the part's own message) for a refusal, the platform's reason and "read again at
    the next snapshot" for a temporary problem or a limit reached. ``what`` names the part ("the posts'
    statistics"). Anything else (credentials no longer accepted, an account gone) is raised again."""
    if error.kind == ErrorKind.REJECTED or (error.kind == ErrorKind.REAUTHORISE and error.missing_permission):
        return ConnectorError(ErrorKind.REJECTED, refused, platform_code=error.platform_code, raw=error.raw)
    if error.kind == ErrorKind.RETRY:
        message = (
            f"{what[:1].upper()}{what[1:]} were not measured in this snapshot: {error.message.strip()} "
            "They will be read again at the next snapshot."
        )
        return ConnectorError(ErrorKind.RETRY, message, platform_code=error.platform_code, raw=error.raw)
    raise error


class OptionalParts:
    """The optional parts of one snapshot that could not be read (``left_out``, in the order tried)."""

    def __init__(self) -> None:
        self.left_out: list[ConnectorError] = []

    def read(self, fetch: Callable[[], T], *, refused: str, what: str) -> T | None:
        """What ``fetch`` returns, or None with the part's reason kept (see ``part_left_out``)."""
        try:
            return fetch()
        except ConnectorError as error:
            self.left_out.append(part_left_out(error, refused=refused, what=what))
            return None
