"""How the ``atproto`` SDK's errors become ConnectorError kinds, and Bluesky's rate-limit headers.

Bluesky names its errors (``ExpiredToken``, ``AccountTakedown``...) alongside the HTTP status:
an expired or revoked session means reconnecting, a taken-down or deactivated account means
disconnecting, 429 waits until the limit resets, and a 5xx or no answer to a publishing call is
"unconfirmed" unless the request provably never left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from atproto_client import exceptions as ax

from townsquare.connectors import http
from townsquare.connectors.base import ConnectorError, ErrorKind, RateHeadroom

REAUTH_ERRORS = {
    "ExpiredToken",
    "InvalidToken",
    "BadJwtSignature",
    "BadJwt",
    "AuthenticationRequired",
    "AuthMissing",
    "InvalidRefreshToken",
}
GONE_ERRORS = {
    "AccountTakedown",
    "AccountDeactivated",
    "AccountNotFound",
    "RepoNotFound",
    "RepoDeactivated",
    "RepoTakendown",
}


def headroom_from(headers: dict[str, Any]) -> RateHeadroom | None:
    """The ``ratelimit-*`` headers as headroom; None when absent or unreadable."""
    remaining, limit, reset = (headers.get(f"ratelimit-{k}") for k in ("remaining", "limit", "reset"))
    if remaining is None:
        return None
    try:
        return RateHeadroom(
            remaining=int(remaining),
            limit=int(limit) if limit else None,
            resets_at=dt.datetime.fromtimestamp(int(reset), dt.UTC) if reset else None,
        )
    except ValueError:
        return None


def classify(exc: ax.RequestErrorBase, *, publishing: bool, headroom: RateHeadroom | None) -> ConnectorError:
    """The ConnectorError for an SDK request error; ``headroom`` is the latest known, for a 429's wait."""
    response = exc.response
    if response is None:  # nothing came back
        never_left = isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout)
        if publishing and not never_left:
            return ConnectorError(
                ErrorKind.UNCONFIRMED,
                "Bluesky did not answer: the post may or may "
                "not have been published. Check the account before retrying.",
            )
        return ConnectorError(ErrorKind.RETRY, "Could not reach Bluesky.")
    content = response.content
    name = getattr(content, "error", "") or ""
    message = getattr(content, "message", "") or ""
    status = response.status_code
    if name in REAUTH_ERRORS or status == 401:
        return ConnectorError(
            ErrorKind.REAUTHORISE,
            "Bluesky no longer accepts this channel's session: it has expired or the app password was revoked.",
            platform_code=name or str(status),
        )
    if name in GONE_ERRORS:
        return ConnectorError(
            ErrorKind.DISCONNECT, f"The Bluesky account is not available ({name}).", platform_code=name
        )
    if status == 429:
        resets_at = headroom.resets_at if headroom else None
        wait = (resets_at - dt.datetime.now(dt.UTC)).total_seconds() if resets_at else None
        return ConnectorError(
            ErrorKind.RETRY,
            "Bluesky's rate limit was reached; Townsquare will wait until it resets.",
            retry_after=max(0.0, wait) if wait is not None else None,
            platform_code="429",
        )
    if status >= 500:
        error = ConnectorError(ErrorKind.RETRY, f"Bluesky had an error ({status}).", platform_code=str(status))
        return http.unconfirmed_unless_proven(error, status) if publishing else error
    return ConnectorError(
        ErrorKind.REJECTED, f"Bluesky refused: {message or name or status}", platform_code=name or str(status)
    )
